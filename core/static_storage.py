"""The production storage of static files: whitenoise's (hashed names, a gzip and a brotli copy
of each file) with our own stylesheets minified on the way.

Minified at ``collectstatic``, not in the repository: static/css/portal.css stays readable and
anyone may edit it; a phone gets it some 20 % smaller after compression (about 0.8 KB less on
every first visit, which the data saver budget of 20 KB a page needs).
"""

import rcssmin
from django.core.files.base import ContentFile
from whitenoise.storage import CompressedManifestStaticFilesStorage


class MinifiedCompressedManifestStorage(CompressedManifestStaticFilesStorage):
    def _save(self, name, content):
        # The hashed copies the manifest names (and whitenoise compresses) pass through here;
        # licence comments (/*! ... */) stay.
        if name.endswith(".css"):
            content.seek(0)
            css = content.read()
            if isinstance(css, bytes):
                css = css.decode("utf-8")
            content = ContentFile(rcssmin.cssmin(css, keep_bang_comments=True).encode("utf-8"))
        return super()._save(name, content)
