"""The kinds of spreadsheet import, each registered by the app that owns what it imports (in
its ``AppConfig.ready``), so that the job engine in ``imports.services`` never names the apps
above it."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Importer:
    """How one kind of job runs, who may start it, and what its page links and says."""

    # (job, progress) -> (ok, result): check or import ``job.file_data`` as ``job.dry_run``
    # says, calling ``progress.start(rows)`` once the rows are counted and ``progress(done)``
    # as they go; the result is what the job's page shows.
    run: Callable
    # (user) -> bool: start imports of this kind and see their jobs.
    allowed: Callable
    # (job) -> (back_url, back_label, again_url) for the job's page.
    links: Callable
    # (result) -> str: the sentence a finished import shows.
    summary: Callable
    # The first run only checks the file; the import runs once staff confirm the preview.
    checked_first: bool = False


# Filled by ``importer_register``; keyed by ``ImportJob.kind``.
IMPORTERS: dict[str, Importer] = {}


def importer_register(kind: str, importer: Importer) -> None:
    """Run the jobs of ``kind`` (an ``ImportJob.Kind`` value) with ``importer``."""
    IMPORTERS[kind] = importer


def importer_allows(user, kind: str) -> bool:
    """May ``user`` start imports of ``kind`` and see their jobs; an unknown kind: nobody."""
    importer = IMPORTERS.get(kind)
    return importer is not None and importer.allowed(user)
