from django.conf import settings
from django.urls import reverse
from django_tasks import task

from core.mail import mail_template_queue


@task()
def post_status_notify_author(*, post_id: int, status: str) -> bool:
    """Email the author that their post was published (or scheduled) or returned."""
    from news.models import Post

    post = Post.objects.select_related("author").filter(pk=post_id).first()
    if post is None or post.status != status or post.author is None or not post.author.email:
        return False
    context = {
        "post": post,
        "post_url": settings.PORTAL_BASE_URL + post.get_absolute_url(),
        "edit_url": settings.PORTAL_BASE_URL
        + reverse("news:post-update", kwargs={"slug": post.slug}),
    }
    mail_template_queue(to=post.author.email, template="news/email/status", context=context)
    return True
