from django import template

from aspirations.models import Submission
from groups import permissions

register = template.Library()


@register.inclusion_tag("aspirations/partials/_dashboard.html", takes_context=True)
def aspiration_dashboard(context):
    """The dashboard card of people who handle submissions: the number still open in their
    scope and a link to the queue; nothing for anyone else."""
    user = context["request"].user
    if not permissions.can_handle_aspirations(user):
        return {"show": False}
    submissions = Submission.objects.filter(status__in=Submission.OPEN_STATUSES)
    if not permissions.is_dinkominfo_staff(user):
        submissions = submissions.for_villages(permissions.aspiration_village_ids(user))
    return {"show": True, "open_count": submissions.count()}
