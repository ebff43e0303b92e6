from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import PhotoField, PhotoLostNotice
from groups.models import Kim
from news.models import Post
from news.services import CONTENT_FIELDS


class PostForm(forms.ModelForm):
    """The content of a post. Status, author, place and slug are never the author's to set."""

    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=300,
        help_text=_("Optional. Separate them with commas, e.g. posyandu, stunting."),
    )

    class Meta:
        model = Post
        fields = CONTENT_FIELDS
        widgets = {
            "lead": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 12, "data-editor": ""}),
            "kind": forms.RadioSelect,
            "claim": forms.Textarea(attrs={"rows": 3}),
            "evidence": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "body": _(
                "Leave an empty line between paragraphs and before a list. **Two stars** "
                'around words make them bold; each line of a list starts with "- "; '
                "[text](https://...) is a link."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].empty_label = _("Choose a category")
        self.fields["verdict"].choices = [("", _("Choose a verdict"))] + list(Post.Verdict.choices)
        if self.instance.pk and "tags" not in self.initial:
            self.initial["tags"] = ", ".join(tag.name for tag in self.instance.tags.all())

    def clean_tags(self) -> list[str]:
        names = [name.strip() for name in self.cleaned_data["tags"].split(",")]
        return [name for name in names if name]

    def content_data(self) -> dict:
        """The cleaned content fields, as ``news.services`` takes them."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class PostCreateForm(PhotoLostNotice, PostForm):
    """A new post: for which KIM, and optionally its cover photo."""

    kim = forms.ModelChoiceField(label=_("On behalf of"), queryset=Kim.objects.none())
    photo = PhotoField(label=_("Cover photo"), required=False)
    photo_alt_text = forms.CharField(
        label=_("What the photo shows"),
        required=False,
        max_length=200,
        help_text=_(
            "Needed when you add a photo: one sentence for people who cannot see it, "
            "e.g. Warga membersihkan saluran air di Desa Bailangu."
        ),
    )
    photo_caption = forms.CharField(label=_("Caption"), required=False, max_length=300)
    photo_credit = forms.CharField(
        label=_("Photo credit"),
        required=False,
        max_length=120,
        help_text=_("Who took the photo."),
    )

    field_order = ["kim"]

    def __init__(self, *args, kims, allow_no_kim: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["kim"]
        field.queryset = kims
        field.required = not allow_no_kim
        field.empty_label = _("Dinkominfo (no KIM)") if allow_no_kim else None
        self.fields["photo"].explain()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("photo") and not cleaned.get("photo_alt_text", "").strip():
            self.add_error(
                "photo_alt_text",
                forms.ValidationError(
                    _("Describe the photo for people who cannot see it."), code="alt_required"
                ),
            )
        return cleaned


class PhotoForm(forms.Form):
    """One more photo for a post."""

    image = PhotoField(label=_("Photo"))
    alt_text = forms.CharField(
        label=_("What the photo shows"),
        max_length=200,
        help_text=_("One sentence for people who cannot see the photo."),
    )
    caption = forms.CharField(label=_("Caption"), required=False, max_length=300)
    credit = forms.CharField(
        label=_("Photo credit"), required=False, max_length=120, help_text=_("Who took the photo.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["image"].explain()

    def note_photo_lost(self) -> None:
        if self.files.get("image") and "image" not in self.errors:
            self.add_error(
                "image",
                forms.ValidationError(
                    _("Choose the photo again: the browser cannot keep it."),
                    code="choose_photo_again",
                ),
            )
