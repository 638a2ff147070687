"""A real server thread on the test database and Debian's Chromium driven by Playwright."""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test.testcases import LiveServerThread, _StaticFilesHandler
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

# Playwright's sync API keeps an event loop in this thread; our ORM calls here are plain sync code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def server_port(django_db_setup, django_db_blocker):
    """The portal served on 127.0.0.1; Chromium resolves every *.localhost there."""
    with django_db_blocker.unblock():
        thread = LiveServerThread("localhost", _StaticFilesHandler, port=0)
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        yield thread.port
        thread.terminate()


@pytest.fixture(scope="module")
def browser():
    assert os.path.exists(CHROMIUM), "Chromium (paquet Debian) est nécessaire : .ci/run l'installe"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, db):
    # `db` makes pytest-django set up the test database even when only browser tests run; what the
    # server thread writes is committed by its own connection, outside this test's transaction.
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    yield page
    context.close()


class AxeChecker:
    """Runs axe-core on each page a journey visits and remembers every violation."""

    def __init__(self):
        self.axe = Axe()
        self.visited = []
        self.violations = {}

    def check(self, page):
        try:
            results = self.axe.run(page)
        except PlaywrightError:
            # A navigation the step before started replaced the document under axe: check the page it led to.
            page.wait_for_load_state()
            results = self.axe.run(page)
        self.visited.append(page.url)
        if results.violations_count:
            self.violations[page.url] = results.generate_report()

    def assert_clean(self):
        assert self.visited
        assert self.violations == {}, "\n\n".join(f"{url}\n{report}" for url, report in self.violations.items())


@pytest.fixture
def axe():
    return AxeChecker()
