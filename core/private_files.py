"""The one view that hands out private files, after asking the rule their app registered.

A private file's address names its kind, its row, its field and its stored (random) file name:
``/berkas/<kind>/<pk>/<field>/<name>``. Whoever may not see the thing the file belongs to gets
404, like the thing itself. Whoever may see it gets the file, one of three ways:

- media on object storage (``core.object_storage``): a redirect, never cached, to a
  presigned URL of the private bucket that works for ``PORTAL_PRIVATE_FILES_URL_SECONDS``; the
  object store sends the bytes with the type and file name set below (why not streaming: see
  that module);
- on local disk with ``PORTAL_PRIVATE_FILES_ACCEL_PREFIX`` set (production behind nginx): an
  empty response whose ``X-Accel-Redirect`` header names the file under that internal location,
  and nginx sends the bytes;
- otherwise Django streams the file.
"""

import mimetypes
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

# Shown in the page (``<img>``); everything else downloads as an attachment.
INLINE_TYPES = {"image/webp", "image/jpeg", "image/png"}
CONTENT_TYPES = {
    ".webp": "image/webp",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".pdf": "application/pdf",
}


@dataclass(frozen=True)
class FileKind:
    """The files of one model: which fields, how to fetch the row, who may see it."""

    model: str
    fields: tuple[str, ...]
    select_related: tuple[str, ...]
    allowed: object  # (user, obj) -> bool
    download_name: object = None  # (obj, field, extension) -> str


# Filled by each app's ``AppConfig.ready`` with ``file_kind_register``: the slug in the address.
KINDS: dict[str, FileKind] = {}
_KIND_OF_MODEL: dict[str, str] = {}


def file_kind_register(slug: str, kind: FileKind) -> None:
    """Serve the private files of ``kind.model`` at ``/berkas/<slug>/...`` to whoever
    ``kind.allowed`` lets see the row."""
    KINDS[slug] = kind
    _KIND_OF_MODEL[kind.model.lower()] = slug


def private_file_url(instance, field: str, name: str) -> str:
    """The checked view's address of a file of ``instance`` (a model listed in ``KINDS``)."""
    if instance.pk is None:
        raise ValueError("A private file's row must be saved before it has an address.")
    kind = _KIND_OF_MODEL[instance._meta.label_lower]
    return reverse(
        "private-file",
        kwargs={
            "kind": kind,
            "pk": instance.pk,
            "field": field,
            "filename": PurePosixPath(name).name,
        },
    )


def content_type_for(name: str) -> str:
    """The type a stored name stands for: names are ours, their extension was checked."""
    extension = PurePosixPath(name).suffix.lower()
    return (
        CONTENT_TYPES.get(extension)
        or mimetypes.guess_type(f"x{extension}")[0]
        or "application/octet-stream"
    )


def file_response(fieldfile, *, download_name: str = "") -> HttpResponse:
    """The file of ``fieldfile``: a presigned redirect on object storage, through nginx's
    internal location when the accel prefix is set, else streamed. Images show inline,
    everything else downloads; never sniffed."""
    storage, name = fieldfile.storage, fieldfile.name
    if not name or not storage.exists(name):
        raise Http404
    content_type = content_type_for(name)
    attachment = content_type not in INLINE_TYPES
    filename = download_name or PurePosixPath(name).name
    prefix = settings.PORTAL_PRIVATE_FILES_ACCEL_PREFIX
    if hasattr(storage, "download_url"):
        response = HttpResponseRedirect(
            storage.download_url(
                name,
                content_type=content_type,
                content_disposition=content_disposition_header(attachment, filename),
            )
        )
        # The address works for one person for a minute: no cache may keep or share it.
        response["Cache-Control"] = "private, no-store"
        return response
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(name)
        response["Content-Disposition"] = content_disposition_header(attachment, filename)
    else:
        response = FileResponse(
            storage.open(name, "rb"),
            as_attachment=attachment,
            filename=filename,
            content_type=content_type,
        )
    response["X-Content-Type-Options"] = "nosniff"
    # Seen by one person: no shared cache may keep it.
    response["Cache-Control"] = "private, max-age=600"
    return response


@require_safe
def private_file(request, kind, pk, field, filename):
    """A private file for whoever may see the thing it belongs to; 404 for everyone else."""
    file_kind = KINDS.get(kind)
    if file_kind is None or field not in file_kind.fields:
        raise Http404
    model = apps.get_model(file_kind.model)
    obj = model.objects.select_related(*file_kind.select_related).filter(pk=pk).first()
    if obj is None or not file_kind.allowed(request.user, obj):
        raise Http404
    fieldfile = getattr(obj, field)
    if not fieldfile or PurePosixPath(fieldfile.name).name != filename:
        raise Http404
    download_name = ""
    if file_kind.download_name:
        extension = PurePosixPath(fieldfile.name).suffix.lower()
        download_name = file_kind.download_name(obj, field, extension)
    return file_response(fieldfile, download_name=download_name)
