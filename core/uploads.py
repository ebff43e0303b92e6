"""Checks and normalisation for files people upload: PDFs and photos.

Files are judged by their content, never their name. Photos are decoded with Pillow, which
refuses decompression bombs, then re-encoded so that no metadata (phone photos carry GPS
positions) survives.
"""

import io
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}
MB = 1024 * 1024


def _too_large(max_bytes: int) -> ValidationError:
    return ValidationError(
        _("The file is larger than %(max)d MB.") % {"max": max_bytes // MB}, code="file_too_large"
    )


@deconstructible
class PdfValidator:
    """A real PDF (it starts with ``%PDF-``) of at most ``max_bytes``."""

    def __init__(self, max_bytes: int = 10 * MB):
        self.max_bytes = max_bytes

    def __call__(self, upload):
        if upload.size > self.max_bytes:
            raise _too_large(self.max_bytes)
        upload.seek(0)
        header = upload.read(5)
        upload.seek(0)
        if header != b"%PDF-":
            raise ValidationError(_("The file is not a PDF document."), code="not_a_pdf")

    def __eq__(self, other):
        return isinstance(other, PdfValidator) and self.max_bytes == other.max_bytes


# What a document's first bytes are for each extension we accept: a PDF, an Office Open XML or
# OpenDocument file (both zip archives), or a legacy Office file (an OLE compound file).
DOCUMENT_SIGNATURES = {
    "pdf": b"%PDF-",
    "docx": b"PK\x03\x04",
    "pptx": b"PK\x03\x04",
    "xlsx": b"PK\x03\x04",
    "odt": b"PK\x03\x04",
    "odp": b"PK\x03\x04",
    "doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    "ppt": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
}


def document_matches_extension(upload) -> bool:
    """Whether the upload's content is the kind of document its extension says: its stored
    name keeps that extension, and it is served with that type."""
    extension = Path(upload.name or "").suffix.lower().lstrip(".")
    signature = DOCUMENT_SIGNATURES.get(extension)
    if signature is None:
        return False
    upload.seek(0)
    header = upload.read(len(signature))
    upload.seek(0)
    return header == signature


@deconstructible
class ImageValidator:
    """A real JPEG, PNG or WebP image within a byte and a pixel budget."""

    def __init__(self, max_bytes: int = 8 * MB, max_pixels: int = 40_000_000):
        self.max_bytes = max_bytes
        self.max_pixels = max_pixels

    def __call__(self, upload):
        if upload.size > self.max_bytes:
            raise _too_large(self.max_bytes)
        upload.seek(0)
        try:
            with Image.open(upload) as image:
                if image.format not in IMAGE_FORMATS:
                    raise ValidationError(
                        _("Upload a JPEG, PNG or WebP image."), code="unsupported_image"
                    )
                if image.width * image.height > self.max_pixels:
                    raise _too_many_pixels(self.max_pixels)
                image.verify()
        except ValidationError:
            raise
        except Image.DecompressionBombError as err:
            raise _too_many_pixels(self.max_pixels) from err
        except Exception as err:
            raise ValidationError(
                _("The file is not a valid image."), code="invalid_image"
            ) from err
        finally:
            upload.seek(0)

    def __eq__(self, other):
        return isinstance(other, ImageValidator) and (self.max_bytes, self.max_pixels) == (
            other.max_bytes,
            other.max_pixels,
        )


def _too_many_pixels(max_pixels: int) -> ValidationError:
    return ValidationError(
        _("The image is too large in pixels (at most %(megapixels)d megapixels).")
        % {"megapixels": max_pixels // 1_000_000},
        code="too_many_pixels",
    )


def image_to_webp(upload, *, max_side: int, quality: int = 82) -> ContentFile:
    """Re-encode an image as WebP no larger than ``max_side``, upright, without metadata."""
    upload.seek(0)
    with Image.open(upload) as image:
        image = ImageOps.exif_transpose(image)
        image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
        image.thumbnail((max_side, max_side))
        out = io.BytesIO()
        image.save(out, format="WEBP", quality=quality, method=4)
    name = Path(getattr(upload, "name", "image") or "image").stem or "image"
    return ContentFile(out.getvalue(), name=f"{name}.webp")


def image_renditions(
    upload, *, widths: tuple[int, ...], quality: int = 80, image_format: str = "WEBP"
) -> dict[int, ContentFile]:
    """Copies of an image at each width (never enlarged), upright and without metadata; WebP
    unless ``image_format`` says otherwise.

    The image is decoded once; each rendition is resized from it.
    """
    upload.seek(0)
    with Image.open(upload) as opened:
        image = ImageOps.exif_transpose(opened)
        image = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
        image.load()
    stem = Path(getattr(upload, "name", "photo") or "photo").stem[:60] or "photo"
    renditions = {}
    for width in widths:
        copy = image.copy()
        if copy.width > width:
            copy = copy.resize((width, round(copy.height * width / copy.width)), Image.LANCZOS)
        out = io.BytesIO()
        if image_format == "JPEG":
            copy = copy.convert("RGB")
            copy.save(out, format="JPEG", quality=quality, optimize=True, progressive=True)
        else:
            copy.save(out, format=image_format, quality=quality, method=4)
        extension = "jpg" if image_format == "JPEG" else image_format.lower()
        renditions[width] = ContentFile(out.getvalue(), name=f"{stem}-{width}.{extension}")
    return renditions
