"""Media on S3-compatible object storage (django-storages), switched on by environment variables.

With ``PORTAL_S3_PUBLIC_BUCKET`` and ``PORTAL_S3_PRIVATE_BUCKET`` both set, the two storages of
``core.files`` are buckets instead of directories; every app server then sees every
upload, whichever server took it. Local disk stays the default.

- ``default`` (public): its objects are read by anyone, straight from the bucket (which needs a
  policy allowing anonymous ``s3:GetObject``) or from ``PORTAL_S3_PUBLIC_URL`` (a CDN or nginx
  in front of it). Its URLs carry no signature.
- ``private``: never readable without a signature. ``core.private_files`` checks the
  permission as before and then answers with a redirect (``Cache-Control: private, no-store``)
  to a presigned URL of that one object, valid for ``PORTAL_PRIVATE_FILES_URL_SECONDS``, that
  makes the object store send the right ``Content-Type`` and ``Content-Disposition``.

Why a redirect rather than streaming through the portal: gunicorn's workers are synchronous, one
request each, and a 25 MB training material going to a phone on a village connection would hold
a worker for minutes; a few such downloads would stop the site. The object store sends the bytes
instead. The permission check still runs on every request, whoever is refused gets the same 404
as before and never an object-store address, and a link copied out of the browser stops working
once its lifetime is over. (The store's answer carries no ``X-Content-Type-Options``: the type
is the portal's own, checked at upload, everything but an image is an attachment, and the
store's origin holds none of the portal's cookies.)
"""

from functools import cached_property
from urllib.parse import urlsplit

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

PUBLIC_CACHE_CONTROL = "public, max-age=2592000"  # 30 days, as nginx serves /media/


class BucketStorage(S3Storage):
    """A bucket of the portal's object store."""

    def copy_from(self, source, name: str, new_name: str) -> str | None:
        """Copy ``name`` of ``source`` here as ``new_name`` inside the store (no bytes pass
        through the portal) and return the stored name; None when ``source`` is not a bucket of
        the same store."""
        if not isinstance(source, S3Storage) or source.endpoint_url != self.endpoint_url:
            return None
        new_name = clean_name(new_name)
        key = self._normalize_name(new_name)
        self.connection.meta.client.copy_object(
            CopySource={"Bucket": source.bucket_name, "Key": source._normalize_name(name)},
            Bucket=self.bucket_name,
            Key=key,
            # This bucket's own type and caching, not the source object's.
            MetadataDirective="REPLACE",
            **self._get_write_parameters(key),
        )
        return new_name


class PublicBucketStorage(BucketStorage):
    """The public bucket. A URL is its base address and the object's name: a list of 20 cards
    with three renditions each would otherwise ask botocore to build 60 of them."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        if parameters or http_method:
            return super().url(name, parameters, expire, http_method)
        return self.base_url + filepath_to_uri(self._normalize_name(clean_name(name)))

    @cached_property
    def base_url(self) -> str:
        """``PORTAL_S3_PUBLIC_URL`` or the bucket's own address, ending in a slash."""
        return bucket_base_url(
            {
                "bucket_name": self.bucket_name,
                "endpoint_url": self.endpoint_url,
                "region_name": self.region_name,
                "client_config": self.client_config,
                "custom_domain": self.custom_domain,
                "url_protocol": self.url_protocol,
            }
        )


class PrivateBucketStorage(BucketStorage):
    """The private bucket: an object leaves it only through a presigned URL."""

    def download_url(self, name: str, *, content_type: str, content_disposition: str) -> str:
        """A presigned GET of ``name`` valid for ``querystring_expire`` seconds, answered with
        these headers; only the one browser it is handed to may keep a copy."""
        return self.url(
            name,
            parameters={
                "ResponseContentType": content_type,
                "ResponseContentDisposition": content_disposition,
                "ResponseCacheControl": f"private, max-age={self.querystring_expire}",
            },
        )


def storages_config(
    *,
    public_bucket: str,
    private_bucket: str,
    endpoint_url: str,
    region: str,
    access_key_id: str,
    secret_access_key: str,
    public_url: str,
    url_seconds: int,
) -> dict[str, dict]:
    """The ``default`` and ``private`` entries of ``STORAGES`` for the two buckets. Empty
    credentials leave boto3 its usual sources (an instance role, ``~/.aws``)."""
    common = {
        "endpoint_url": endpoint_url or None,
        "region_name": region or None,
        "access_key": access_key_id or None,
        "secret_key": secret_access_key or None,
        # Names are random: no existence check (one request) before each upload.
        "file_overwrite": True,
        "client_config": Config(
            signature_version="s3v4",
            # A store of our own (MinIO, Ceph, moto) answers at one address for every bucket.
            s3={"addressing_style": "path" if endpoint_url else "auto"},
            connect_timeout=5,
            read_timeout=30,
            retries={"max_attempts": 3, "mode": "standard"},
            # Checksums only where S3 requires them: not every S3-compatible store knows the
            # newer default ones.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        ),
    }
    public = {
        **common,
        "bucket_name": public_bucket,
        "querystring_auth": False,
        "object_parameters": {"CacheControl": PUBLIC_CACHE_CONTROL},
    }
    if public_url:
        parts = urlsplit(public_url)
        public["url_protocol"] = f"{parts.scheme}:"
        public["custom_domain"] = (parts.netloc + parts.path).rstrip("/")
    private = {
        **common,
        "bucket_name": private_bucket,
        "querystring_auth": True,
        "querystring_expire": url_seconds,
    }
    return {
        "default": {"BACKEND": "core.object_storage.PublicBucketStorage", "OPTIONS": public},
        "private": {
            "BACKEND": "core.object_storage.PrivateBucketStorage",
            "OPTIONS": private,
        },
    }


def bucket_base_url(options: dict) -> str:
    """The address of a bucket's objects (ending in a slash) for storage ``options``: the
    custom domain's, else the one botocore builds. Offline: no request, no credentials (the
    settings call it before Django is set up)."""
    if options.get("custom_domain"):
        return f"{options.get('url_protocol', 'https:')}//{options['custom_domain']}/"
    client = boto3.session.Session(
        aws_access_key_id="unsigned", aws_secret_access_key="unsigned"
    ).client(
        "s3",
        endpoint_url=options.get("endpoint_url"),
        region_name=options.get("region_name"),
        config=options["client_config"].merge(Config(signature_version=UNSIGNED)),
    )
    url = client.generate_presigned_url(
        "get_object", Params={"Bucket": options["bucket_name"], "Key": "x"}
    )
    return url[: -len("x")]


def storage_origins(config: dict[str, dict]) -> list[str]:
    """The origins (``scheme://host[:port]``) browsers fetch the buckets' files from, for the
    Content-Security-Policy."""
    origins = []
    for entry in config.values():
        parts = urlsplit(bucket_base_url(entry["OPTIONS"]))
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in origins:
            origins.append(origin)
    return origins
