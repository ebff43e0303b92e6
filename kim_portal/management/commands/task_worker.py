import os

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from kim_portal.services_check import check_services
from kim_portal.worker import ResilientWorker, worker_sessions_named


class Command(DbWorkerCommand):
    help = (
        "Run the background-task worker (django-tasks-db's db_worker) so that it waits out a "
        "database restart and gives tasks left running by a killed worker back to the queue."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--reclaim-after",
            type=float,
            default=120.0,
            help=(
                "Seconds after which a task left RUNNING by a worker that has no database "
                "session any more runs again (default: %(default)r)"
            ),
        )

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        exclude_queues,
        reclaim_after,
        **options,
    ):
        check_services()
        self.configure_logging(verbosity)
        if reclaim_after <= 0:
            raise CommandError("--reclaim-after must be more than 0 seconds")
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")

        worker = ResilientWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded_queue_names,
            reclaim_after=reclaim_after,
        )
        with worker_sessions_named(worker_id=worker_id):
            if reload and not batch:
                if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                    worker.configure_signals()
                run_with_reloader(worker.run)
            else:
                worker.configure_signals()
                worker.run()
