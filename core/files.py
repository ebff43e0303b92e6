"""Where uploaded files live, what they are called, and who gets them.

Two storages, both ``STORAGES`` aliases so that a deployment may swap either for another
backend (with ``PORTAL_S3_*`` set they are two buckets: ``core.object_storage``):

- ``default`` (``MEDIA_ROOT``, served by the proxy at ``MEDIA_URL`` to anyone) holds only what
  is meant for everyone: the photos of published posts (a scheduled post counts as published:
  its photos' names are random and appear on no public page before its time), the photos of
  aspirations shown on the public pages whose senders allowed publishing, KIM logos (every KIM
  profile is public) and training covers (uploaded by staff for the public training page).
- ``private`` (``DJANGO_PRIVATE_MEDIA_ROOT``, never served by the proxy directly) holds
  everything else: photos of drafts, submitted, returned and unpublished posts, aspiration
  photos not shown publicly and every hoax screenshot, KIM SK and AD/ART documents and
  training materials. They are served only by ``core.private_files.private_file``,
  which asks ``groups.permissions`` first. (Certificates are drawn for each download and
  never stored.)

Files that change sides (post photos, aspiration photos) keep a flag on their row saying where
they are now (``public_flag``); ``files_place`` moves them and the services that change the
row's status call it. Every stored name is random: the uploader's file name never survives.
"""

import logging
import secrets
from pathlib import PurePosixPath

from django.core.files.storage import storages
from django.db import transaction
from django.db.models.fields.files import FieldFile, FileField, ImageField, ImageFieldFile
from django.utils.deconstruct import deconstructible

logger = logging.getLogger(__name__)

PUBLIC = "default"
PRIVATE = "private"


def private_storage():
    """The private storage (a callable, so fields never bind a stale instance)."""
    return storages[PRIVATE]


def random_name(prefix: str, extension: str) -> str:
    """``prefix/ab/abcdef...<32 hex>.ext``: unguessable, spread over 256 directories."""
    token = secrets.token_hex(16)
    return f"{prefix}/{token[:2]}/{token}{extension.lower()}"


@deconstructible
class RandomName:
    """An ``upload_to`` that keeps nothing of the uploaded name but, unless ``extension`` is
    given, its extension (which the caller has checked against the content)."""

    def __init__(self, prefix: str, extension: str = ""):
        self.prefix = prefix
        self.extension = extension

    def __call__(self, instance, filename):
        return random_name(self.prefix, self.extension or PurePosixPath(filename).suffix)

    def __eq__(self, other):
        return isinstance(other, RandomName) and (self.prefix, self.extension) == (
            other.prefix,
            other.extension,
        )


class _PlacedFileMixin:
    """The storage of a file is read from its row each time: the public one while the row's
    ``public_flag`` is true, the private one otherwise (always, without a flag). A private
    file's URL is the access-checked view's."""

    @property
    def storage(self):
        return storages[PUBLIC if self.is_public else PRIVATE]

    @storage.setter
    def storage(self, value):
        """Django assigns the field's storage; the row decides instead."""

    @property
    def is_public(self) -> bool:
        flag = self.field.public_flag
        return bool(flag and getattr(self.instance, flag))

    @property
    def url(self):
        self._require_file()
        if self.is_public:
            return self.storage.url(self.name)
        from core.private_files import private_file_url

        return private_file_url(self.instance, self.field.name, self.name)


class PlacedFieldFile(_PlacedFileMixin, FieldFile):
    pass


class PlacedImageFieldFile(_PlacedFileMixin, ImageFieldFile):
    pass


class _PlacedFieldMixin:
    def __init__(self, *args, public_flag: str = "", **kwargs):
        self.public_flag = public_flag
        kwargs["storage"] = private_storage
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("storage", None)
        if self.public_flag:
            kwargs["public_flag"] = self.public_flag
        return name, path, args, kwargs


class PrivateFileField(_PlacedFieldMixin, FileField):
    """A file in the private storage, or in the public one while ``public_flag`` is true."""

    attr_class = PlacedFieldFile


class PrivateImageField(_PlacedFieldMixin, ImageField):
    """An image in the private storage, or in the public one while ``public_flag`` is true."""

    attr_class = PlacedImageFieldFile


def _copy(source, target, name: str, new_name: str) -> str:
    """``name`` of ``source`` saved in ``target`` as ``new_name``: inside the object store when
    both are its buckets (``object_storage.BucketStorage``), else read and written."""
    copy_from = getattr(target, "copy_from", None)
    if copy_from and (stored := copy_from(source, name, new_name)):
        return stored
    with source.open(name, "rb") as content:
        return target.save(new_name, content)


def files_place(instance, *, public: bool, fields: list[str]) -> bool:
    """Move the files of ``fields`` to the public or the private storage under new random names
    (an address seen before the move never works again) and save the row's flag (the fields
    share one ``public_flag``). The old copies are deleted once the transaction commits; a
    rollback leaves the row pointing at them. False when the files already were in place."""
    flag = instance._meta.get_field(fields[0]).public_flag
    if bool(getattr(instance, flag)) == public:
        return False
    source = storages[PUBLIC if not public else PRIVATE]
    target = storages[PUBLIC if public else PRIVATE]
    old, new = [], {}
    try:
        for field_name in fields:
            name = getattr(instance, field_name).name
            if not name:
                continue
            field = instance._meta.get_field(field_name)
            if not source.exists(name):
                # Lost on disk (a restore without files): the status change must still happen.
                logger.warning(
                    "File %s of %s %s is missing", name, instance._meta.label, instance.pk
                )
                continue
            new[field_name] = _copy(source, target, name, field.generate_filename(instance, name))
            old.append(name)
    except BaseException:
        for name in new.values():
            target.delete(name)
        raise
    setattr(instance, flag, public)
    for field_name, name in new.items():
        # Past the descriptor: an image field would read its file again (on object storage, a
        # download) for the width and height it already has.
        instance.__dict__[instance._meta.get_field(field_name).attname] = name
    type(instance).objects.filter(pk=instance.pk).update(**{flag: public}, **new)
    transaction.on_commit(lambda: [source.delete(name) for name in old])
    return True


def _is_random(name: str, prefix: str) -> bool:
    parts = name.split("/")
    return (
        "/".join(parts[:-2]) == prefix
        and len(parts[-1].split(".")[0]) == 32
        and parts[-2] == parts[-1][:2]
    )


def files_relocate(model, *, fields, prefix, public, flag="", extension="", legacy=()):
    """Move every file of ``fields`` of ``model``'s rows to the storage it belongs in under a
    random name, for data migrations (so it reads raw values and takes historical models).

    ``public`` is a bool or a function of the row's values (which include ``flag`` and the
    lookups the function names in ``public.needs``). A file already random and in place is
    left alone, so a second run changes nothing; a file found nowhere (also not in the
    ``legacy`` storages) is left as it is named. Old copies go once the migration commits.
    """
    needs = list(getattr(public, "needs", ()))
    public_storage, private = storages[PUBLIC], storages[PRIVATE]
    columns = ["pk", *fields, *([flag] if flag else []), *needs]
    moved = 0
    for row in model.objects.order_by("pk").values(*columns).iterator():
        want_public = public(row) if callable(public) else public
        target = public_storage if want_public else private
        updates, old = {}, []
        for field in fields:
            name = row[field]
            if not name or (_is_random(name, prefix) and target.exists(name)):
                continue
            source = next(
                (s for s in (target, public_storage, private, *legacy) if s.exists(name)), None
            )
            if source is None:
                continue
            with source.open(name, "rb") as content:
                updates[field] = target.save(
                    random_name(prefix, extension or PurePosixPath(name).suffix), content
                )
            old.append((source, name))
        if flag and row[flag] != want_public:
            updates[flag] = want_public
        if updates:
            model.objects.filter(pk=row["pk"]).update(**updates)
            moved += 1
        if old:
            transaction.on_commit(lambda old=old: [s.delete(n) for s, n in old])
    return moved
