"""What an answered aspiration says when it is shared: its WhatsApp message and its card."""

from django.utils.translation import gettext as _

from aspirations.models import Submission
from core.share_cards import ShareCard, share_card
from core.sharing import plain_text, shorten, whatsapp_send_to_url, whatsapp_text

QUESTION_CHARS = 220


def submission_answerer(submission: Submission) -> str:
    """Who answered: the KIM, the office (OPD) or Dinkominfo."""
    if submission.answered_by_kim_id:
        return submission.answered_by_kim.name
    if submission.answered_by_opd_id:
        return submission.answered_by_opd.name
    return "Dinkominfo"


def submission_place(submission: Submission) -> str:
    district = _("District %(name)s") % {"name": submission.district.name}
    return f"{submission.village.name} · {district}"


def submission_whatsapp_text(submission: Submission, *, url: str) -> str:
    """The message of an answered aspiration: its title in bold, the question in short with
    its village, who answered and the start of the answer, then ``url``."""
    question = shorten(" ".join(plain_text(submission.text).split()), QUESTION_CHARS)
    answer = " ".join(plain_text(submission.answer).split())
    who = _("Answer from %(name)s") % {"name": submission_answerer(submission)}
    lines = [
        f"{submission.get_kind_display()} · {submission_place(submission)}",
        question,
        f"{who}: {answer}" if answer else who,
    ]
    return whatsapp_text(title=submission.heading, lines=lines, url=url)


def submission_share_card(submission: Submission) -> ShareCard | None:
    """The generated card of a public submission; none for one not shown publicly."""
    return share_card(
        title=submission.heading,
        label=str(submission.get_kind_display()),
        lines=[
            submission_place(submission),
            _("Answer from %(name)s") % {"name": submission_answerer(submission)},
        ],
        public=submission.is_shown_publicly,
        owner=submission,
    )


def tracking_whatsapp_url(submission: Submission, *, track_url: str) -> str:
    """A ``wa.me`` link to the sender's own WhatsApp number holding the tracking code and the
    tracking link, which they tap to keep both in their chat with themselves; empty without a
    phone number."""
    if not submission.submitter_phone:
        return ""
    text = _("My aspiration tracking code: %(code)s\nFollow it here: %(url)s") % {
        "code": submission.display_code,
        "url": track_url,
    }
    return whatsapp_send_to_url(submission.submitter_phone, text)
