import pytest
from django.core.cache import cache
from django.test import Client

from accounts.services import user_make_staff
from tests.factories import UserFactory
from tests.servers import (  # noqa: F401 (fixtures for all tests)
    collected_static,
    redis_server,
    s3_server,
)

PASSWORD = "Rahasia-Sekali-123"


def pytest_collection_modifyitems(items):
    """Every transactional test restores the rows data migrations made (categories, the
    Dinkominfo group): after a flush without it, post_migrate re-creates some of them and the
    next test that restores them collides with the copies ("auth_group_name_key")."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None or not marker.kwargs.get("transaction"):
            continue
        if not marker.kwargs.get("serialized_rollback"):
            kwargs = {**marker.kwargs, "serialized_rollback": True}
            item.add_marker(pytest.mark.django_db(*marker.args, **kwargs), append=False)


@pytest.fixture(autouse=True)
def _portal_language():
    """Each test starts in the portal's language: a request to /en/ leaves English active in
    the thread (LocaleMiddleware activates it and nothing switches it back)."""
    from django.utils import translation

    translation.activate("id")
    yield
    translation.activate("id")


@pytest.fixture(autouse=True)
def _clear_cache():
    # allauth's rate limits live in the cache; each test starts with a clean slate.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def page_cache_on(settings):
    """The anonymous page cache as in production (the test settings turn it off)."""
    settings.PORTAL_PAGE_CACHE_SECONDS = 60


@pytest.fixture
def resident(db):
    """A registered resident with a verified email and no other role."""
    return UserFactory(name="Siti Rahmawati", email="siti@contoh.test")


@pytest.fixture
def staff_user(db):
    """Dinkominfo staff: admin access through the Dinkominfo group."""
    return user_make_staff(user=UserFactory(name="Meita Ariansi", email="meita@contoh.test"))


@pytest.fixture
def client_as():
    """``client_as(user)`` returns a test client logged in as that user."""

    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


# --- Mail: a local SMTP server and the real task worker -------------------------------------


class SmtpSink:
    """What a local SMTP server saw: connections, and the messages it accepted. While
    ``refusing`` it answers every sender with a temporary failure (451)."""

    def __init__(self):
        self.refusing = False
        self.connections = 0
        self.messages = []

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.refusing:
            return "451 4.3.2 Not accepting mail right now"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy

        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 (aiosmtpd) that the portal's EMAIL settings point at."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import SMTP

    sink = SmtpSink()

    class CountingSMTP(SMTP):
        def connection_made(self, transport):
            sink.connections += 1
            super().connection_made(transport)

    class CountingController(Controller):
        def factory(self):
            return CountingSMTP(self.handler, **self.SMTP_kwargs)

    controller = CountingController(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    sink.connections = 0  # the controller's own start-up check
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield sink
    controller.stop()


class SilentServer:
    """A TCP server on 127.0.0.1 that accepts connections and never says a word."""

    def __init__(self):
        import socket
        import threading

        self.accepted = 0
        self.held = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                connection, _address = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            self.held.append(connection)

    def close(self):
        for connection in self.held:
            connection.close()
        self.sock.close()


@pytest.fixture
def silent_smtp_server(settings):
    """A mail server that never answers, as the portal's EMAIL settings."""
    server = SilentServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield server
    server.close()


@pytest.fixture
def task_worker(settings):
    """Tasks go to the database queue as in production; calling the fixture runs the real
    ``db_worker`` loop over everything due, then returns."""
    from django_tasks_db.management.commands.db_worker import Worker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    def run():
        Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        ).run()

    return run
