from django_tasks import task


@task()
def import_job_run_task(*, job_id: str) -> str | None:
    """Check or import a job's spreadsheet (``imports.services.import_job_run``); returns the
    job's status afterwards."""
    from imports.services import import_job_run

    job = import_job_run(job_id=job_id)
    return job.status if job else None
