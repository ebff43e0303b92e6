from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task


@task()
def post_status_notify_author(*, post_id: int, status: str) -> bool:
    """Email the author that their post was published (or scheduled) or returned."""
    from news.models import Post

    post = Post.objects.select_related("author").filter(pk=post_id).first()
    if post is None or post.status != status or post.author is None or not post.author.email:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "post": post,
            "post_url": settings.PORTAL_BASE_URL + post.get_absolute_url(),
            "edit_url": settings.PORTAL_BASE_URL
            + reverse("news:post-update", kwargs={"slug": post.slug}),
        }
        subject = render_to_string("news/email/status_subject.txt", context).strip()
        body = render_to_string("news/email/status_body.txt", context)
    send_mail(subject, body, None, [post.author.email])
    return True
