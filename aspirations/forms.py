from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from accounts.forms import WhatsAppNumberField
from aspirations.models import Category, Opd, Submission
from core.forms import PhotoField, PhotoLostNotice
from core.uploads import MB, ImageValidator
from news.models import Post
from regions.models import Village

TEXT_MAX = 3000
PHOTO_MAX_BYTES = 8 * MB
CIRCULATED_SUGGESTIONS = [
    "Grup WhatsApp",
    "Facebook",
    "TikTok",
    "Instagram",
    "YouTube",
    "Telegram",
    "SMS",
    "Dari mulut ke mulut",
]


class LongTextarea(forms.Textarea):
    """A textarea without ``maxlength``: a browser cuts a longer pasted text (a forwarded
    chain message) without a word, while the form's own check says so and keeps it all."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].pop("maxlength", None)
        return context


class VillageField(forms.ModelChoiceField):
    """A village of the portal's area by its code, chosen from a list grouped by district."""

    def __init__(self, **kwargs):
        super().__init__(
            queryset=Village.objects.in_area().select_related("district"),
            to_field_name="code",
            **kwargs,
        )

    def grouped_choices(self, empty_label) -> list:
        groups: dict[str, list] = {}
        villages = self.queryset.order_by("district__name", "name").only(
            "code", "name", "district__name"
        )
        for village in villages:
            groups.setdefault(village.district.name, []).append((village.code, village.name))
        return [("", empty_label), *groups.items()]


class SubmissionForm(PhotoLostNotice, forms.Form):
    """What every submission asks: the village, who sends it and how to reach them (private),
    and the privacy notice. ``website`` is a honeypot that people never see."""

    village = VillageField(label=_("Village"))
    submitter_name = forms.CharField(
        label=_("Your name"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    submitter_phone = WhatsAppNumberField(
        label=_("WhatsApp or phone number"),
        help_text=_("A phone number or an email, so that officers can reach you. Never shown."),
    )
    submitter_email = forms.EmailField(
        label=_("Email"),
        required=False,
        help_text=_("Optional. We send the tracking code and the answer here. Never shown."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    is_anonymous = forms.BooleanField(
        label=_("Show my name as “Anonymous” on the public page"), required=False
    )
    is_private = forms.BooleanField(
        label=_("Do not publish it: only the officers and I see it and its answer"),
        required=False,
    )
    accept_privacy = forms.BooleanField(
        label=_(
            "I have read the privacy notice: my phone number and email are seen only by the "
            "officers handling this and are never published."
        ),
        error_messages={"required": _("Please read and accept the privacy notice.")},
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    contact_fields = ["submitter_name", "submitter_phone", "submitter_email"]

    def __init__(self, *args, user=None, village_code: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["village"]
        field.widget.choices = field.grouped_choices(_("Choose your village"))
        field.widget.attrs["class"] = "form-select"
        if village_code and not self.is_bound:
            self.initial["village"] = village_code
        if user is not None and user.is_authenticated and not self.is_bound:
            self.initial.update(
                submitter_name=user.name, submitter_email=user.email, submitter_phone=user.phone
            )
        if "photo" in self.fields:
            self.fields["photo"].explain()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            # Said above the form: the field itself is out of sight (a person whose browser
            # filled it in would find no field marked in red).
            self.add_error(
                None,
                forms.ValidationError(_("This submission cannot be accepted."), code="honeypot"),
            )
        if (
            "submitter_phone" not in self.errors
            and "submitter_email" not in self.errors
            and not cleaned.get("submitter_phone")
            and not cleaned.get("submitter_email")
        ):
            self.add_error(
                "submitter_phone",
                forms.ValidationError(
                    _("Give a phone number or an email address."), code="contact_required"
                ),
            )
        return cleaned

    @property
    def has_field_errors(self) -> bool:
        """Whether a visible field is marked in red (not only a message about the whole form)."""
        return any(name != NON_FIELD_ERRORS for name in self.errors)

    def service_data(self) -> dict:
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("photo", "website", "accept_privacy")
        }


class AspirationForm(SubmissionForm):
    kind = Submission.Kind.ASPIRATION

    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), empty_label=_("Choose a category")
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=160,
        help_text=_("In a few words, e.g. Jalan menuju sekolah rusak parah."),
    )
    text = forms.CharField(
        label=_("Your aspiration"),
        max_length=TEXT_MAX,
        widget=LongTextarea(attrs={"rows": 6}),
        help_text=_("What happened, where exactly, since when, what you propose."),
    )
    photo = PhotoField(
        label=_("Photo (optional)"),
        required=False,
        validator=ImageValidator(max_bytes=PHOTO_MAX_BYTES),
    )

    field_order = ["category", "title", "text", "photo", "village"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].widget.attrs["class"] = "form-select"


class HoaxReportForm(SubmissionForm):
    kind = Submission.Kind.HOAX

    text = forms.CharField(
        label=_("The message you received"),
        max_length=TEXT_MAX,
        widget=LongTextarea(attrs={"rows": 6}),
        help_text=_("Copy the suspicious message here, or describe it."),
    )
    link = forms.URLField(
        label=_("Link (optional)"),
        required=False,
        max_length=500,
        help_text=_("The address of the post or video, if there is one."),
    )
    circulated_on = forms.CharField(
        label=_("Where did it circulate?"),
        max_length=200,
        help_text=_("e.g. a village WhatsApp group, Facebook, TikTok."),
        widget=forms.TextInput(attrs={"list": "circulated-suggestions"}),
    )
    photo = PhotoField(
        label=_("Screenshot (optional)"),
        required=False,
        validator=ImageValidator(max_bytes=PHOTO_MAX_BYTES),
    )

    field_order = ["text", "link", "circulated_on", "photo", "village"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        photo = self.fields["photo"]
        private = _("Seen only by the officers, never published.")
        photo.help_text = f"{photo.help_text} {private}"


class TrackForm(forms.Form):
    kode = forms.CharField(
        label=_("Tracking code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional, for the record)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ForwardForm(NoteForm):
    opd = forms.ModelChoiceField(
        label=_("Office (OPD) it is forwarded to"),
        queryset=Opd.objects.filter(is_active=True),
        required=False,
        empty_label=_("Another office (name it below)"),
        help_text=_("An office with an email gets the submission, without the sender's contact."),
    )
    forwarded_to = forms.CharField(
        label=_("Another office"),
        max_length=200,
        required=False,
        help_text=_("e.g. Dinas PUPR, Dinas Kesehatan, Dinas Sosial."),
    )

    field_order = ["opd", "forwarded_to", "note"]

    def clean(self):
        data = super().clean()
        if not data.get("opd") and not (data.get("forwarded_to") or "").strip():
            self.add_error("forwarded_to", _("Choose or name the office it is forwarded to."))
        return data


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Public answer"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Shown on the public page and sent to the sender. Write no personal data."),
    )
    fact_check = forms.ModelChoiceField(
        label=_("Fact check that answers it"),
        queryset=Post.objects.none(),
        required=False,
        empty_label=_("No fact check"),
    )
    keep_private = forms.BooleanField(
        label=_("Do not publish it (the text holds personal details)"),
        required=False,
        help_text=_("The sender still sees the answer with their code."),
    )

    def __init__(self, *args, submission, **kwargs):
        super().__init__(*args, **kwargs)
        if submission.kind == Submission.Kind.HOAX:
            self.fields["fact_check"].queryset = (
                Post.objects.published()
                .filter(kind=Post.Kind.FACT_CHECK)
                .order_by("-published_at")
                .only("title", "slug")
            )
            self.fields["fact_check"].widget.attrs["class"] = "form-select"
        else:
            del self.fields["fact_check"]
        if submission.is_private:
            # The sender's choice to keep it private is theirs; a handler cannot undo it.
            del self.fields["keep_private"]
        if not self.is_bound:
            self.initial.update(answer=submission.answer, fact_check=submission.fact_check_id)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "e.g. spam, abusive language, a duplicate of another report. The sender sees it."
        ),
    )


class OpdAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your office's answer"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Shown on the public page and sent to the resident. Write no personal data."),
    )
