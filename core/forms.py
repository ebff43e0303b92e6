"""Form pieces every app uses: the photo upload field and its "choose it again" notice, and
a service's ValidationError shown on the form that called it."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.uploads import MB, ImageValidator

IMAGE_TYPES = "image/jpeg,image/png,image/webp"


class PhotoField(forms.ImageField):
    """A photo judged by its content: bytes and pixels are counted before Pillow decodes it.

    Django's ImageField alone would call a 30 MB file or a decompression bomb "not an image",
    and would refuse a real photo whose name has no image extension.
    """

    default_validators = []

    def __init__(self, *, validator: ImageValidator | None = None, **kwargs):
        self.image_validator = validator or ImageValidator()
        kwargs.setdefault("widget", forms.FileInput(attrs={"accept": IMAGE_TYPES}))
        super().__init__(**kwargs)

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        self.image_validator(upload)
        return super().to_python(data)

    def explain(self) -> None:
        """Help text and the limit for static/js/editor.js, in the language of the request."""
        max_mb = self.image_validator.max_bytes // MB
        self.help_text = _(
            "JPEG, PNG or WebP, at most %(max)d MB. Location and camera data are removed."
        ) % {"max": max_mb}
        self.widget.attrs["data-max-bytes"] = self.image_validator.max_bytes
        self.widget.attrs["data-too-large"] = _("The file is larger than %(max)d MB.") % {
            "max": max_mb
        }


class PhotoLostNotice:
    """For a form with a ``photo`` field that comes back with errors: a browser never sends a
    chosen file back, so the person is told to choose it again (the rest they typed is kept)."""

    def note_photo_lost(self) -> None:
        """A browser never sends a chosen file back: say so when the form comes back."""
        if not self.files.get("photo"):
            return
        if "photo" in self.errors:
            message = _("Choose another photo. Everything else you typed is kept.")
        else:
            message = _(
                "Choose the photo again: the browser cannot keep it. "
                "Everything else you typed is kept."
            )
        self.add_error("photo", forms.ValidationError(message, code="choose_photo_again"))


def form_service_error_add(form, err: ValidationError, *, rename=None, default=None) -> None:
    """Show a service's ValidationError on the form: on the field it names (after ``rename``),
    else on ``default`` (None: above the form)."""
    rename = rename or {}
    if not hasattr(err, "error_dict"):
        form.add_error(default, err)
        return
    for name, errors in err.error_dict.items():
        name = rename.get(name, name)
        form.add_error(name if name in form.fields else default, errors)
