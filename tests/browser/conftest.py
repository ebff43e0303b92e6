"""Browser tests: Playwright drives Debian's Chromium against Django's live server.

pytest-playwright provides the browser, contexts and a screenshot of every failing test in
``var/test-artifacts/``; these fixtures point it at /usr/bin/chromium and add a phone viewport.
"""

import io
import os
import shutil

import pytest
from django.core.management import call_command

# Playwright's sync API runs an event loop in this thread; Django's ORM, used by the tests to
# set up data, refuses that unless told it is safe (it is: the loop only drives the browser).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            # Committed data the live server can see; rows seeded by data migrations
            # (categories, focus areas, the staff group) come back after each flush.
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.fixture(scope="session", autouse=True)
def _restore_data_migration_rows(django_db_setup, django_db_blocker):
    """Django keeps the rows to restore after each transactional test (the Dinkominfo group
    and its permissions, categories) on the connection object, and the connection object is
    per context: with Playwright running, the test's context has a fresh one without them,
    so a browser test after another transactional test ran on an empty database. Kept on the
    connection class, every context's connection finds them."""
    from django.db import connections

    with django_db_blocker.unblock():
        for connection in connections.all():
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents is not None:
                type(connection)._test_serialized_contents = contents


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not shutil.which(CHROMIUM):
        pytest.fail(f"The browser tests need Chromium at {CHROMIUM}: apt-get install chromium")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "id-ID", "timezone_id": "Asia/Jakarta"}


# Every page reports what its Content-Security-Policy refused: Chromium logs each refusal to the
# console ("Refused to execute inline script ..."), and this listener adds the directive and the
# address of each "securitypolicyviolation" event, so a test names the culprit.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("CSP violation: " + event.effectiveDirective + " refused " +
    (event.blockedURI || "inline") + " in " + event.sourceFile + ":" + event.lineNumber);
});
"""


def is_csp_violation(message):
    """A refusal by the Content-Security-Policy, or a Permissions-Policy the browser could not
    read (e.g. a feature name it does not know)."""
    text = message.text
    return (
        message.type == "error"
        and ("Content Security Policy" in text or text.startswith("CSP violation"))
    ) or text.startswith("Error with Permissions-Policy header")


@pytest.fixture
def new_context(new_context):
    """pytest-playwright's contexts, each failing its test if the Content-Security-Policy
    refused anything on any page: an inline script, handler or style that was not moved to a
    static file breaks the page for real users while the rest of the test may still pass."""
    violations = []

    def make(**kwargs):
        context = new_context(**kwargs)
        context.add_init_script(script=REPORT_CSP_VIOLATIONS)
        context.on(
            "console",
            lambda message: (
                violations.append(f"{message.page.url if message.page else '?'}: {message.text}")
                if is_csp_violation(message)
                else None
            ),
        )
        return context

    yield make
    assert not violations, "Content-Security-Policy refusals:\n" + "\n".join(violations)


@pytest.fixture
def phone_page(new_context):
    """A page in a 360 px wide phone viewport with touch, like a cheap Android phone."""
    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    return context.new_page()


@pytest.fixture
def desktop_page(new_context):
    context = new_context(viewport=DESKTOP)
    context.set_default_timeout(10_000)
    return context.new_page()


@pytest.fixture
def demo_data():
    """The demo regency with its KIMs, posts with photos, trainings and aspirations: the data
    of the page lists in tests/browser/pages.py."""
    call_command("seed_demo", force=True, stdout=io.StringIO())


@pytest.fixture
def live(live_server):
    """The live server's base URL (the browser tests' database marker is set above)."""
    return live_server.url


def assert_fits_the_screen(page):
    """Nothing on the page makes it scroll sideways."""
    # After a click on a link the next page may still be loading (no document element yet).
    page.wait_for_load_state()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"page is {overflow}px wider than the screen"


def sign_up(page, live, *, name, email, password):
    """Fill in and send the sign-up form as a person would."""
    page.goto(live + "/akun/signup/")
    page.get_by_label("Nama lengkap").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_placeholder("Kata sandi", exact=True).fill(password)
    page.get_by_label("Kata sandi (lagi)").fill(password)
    page.get_by_role("button", name="Daftar").click()


def log_in(page, live, email, password):
    page.goto(live + "/akun/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
