"""What every browser journey does: an address on a demo collectivité, signing in, waiting for a page."""

import re

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from portal.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from tests.utils import totp_now

SECOND_FACTOR_PAGE = re.compile(r"/accounts/2fa/authenticate/")
# Any page outside the account pages: where a person lands once signed in.
SIGNED_IN = re.compile(r"^https?://[^/]+/(?!accounts/)")


def url(port, host, path="/"):
    return f"http://{host}:{port}{path}"


def wait_for_page(page, pattern):
    """`wait_for_url`, and when it times out, where the browser is and what the page says."""
    try:
        page.wait_for_url(pattern)
    except PlaywrightTimeoutError:
        shown = page.locator("body").inner_text(timeout=5_000)[:1_000]
        raise AssertionError(f"{pattern.pattern} not reached: still at {page.url}, showing:\n{shown}") from None


def submit_login(page, email):
    """Fill the login form the page shows and send it."""
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe", exact=False).first.fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name="Connexion").click()


def log_in(page, port, email, *, host="metz.localhost", totp=False, axe=None):
    """Sign in a demo account from the login page (checked by `axe` when given), with its TOTP code for
    staff; returns once the browser has left the account pages."""
    page.goto(url(port, host, "/accounts/login/"))
    if axe is not None:
        axe.check(page)
    submit_login(page, email)
    try:
        if totp:
            wait_for_page(page, SECOND_FACTOR_PAGE)
            page.get_by_label("Code").fill(totp_now(DEMO_TOTP_SECRET))
            page.locator("main").get_by_role("button").first.click()
        wait_for_page(page, SIGNED_IN)
    except AssertionError as refused:
        raise AssertionError(f"{refused}\n\n{account_facts(page, host, email)}") from None


def open_from_queue(agent, number):
    """On the agent's queue: search a request by its number and open it by keyboard, as many agents do."""
    agent.get_by_label("Rechercher").fill(number)
    agent.get_by_role("button", name="Filtrer").click()
    agent.wait_for_url(re.compile(number))
    # Leaving the field (change) and the button (submit) each ask for the results: the link is pressed
    # once the last answer is in, not on a list about to be replaced.
    agent.wait_for_load_state("networkidle")
    agent.get_by_role("link", name=re.compile(number)).press("Enter")
    wait_for_page(agent, re.compile(r"/guichet/demandes/\d+/$"))


def account_facts(page, host, email):
    """What the database and the form say about a sign-in that did not go through."""
    from django.db import connection
    from django_tenants.utils import tenant_context

    from portal.accounts.models import User
    from portal.models import Domain

    fields = page.locator("main input").evaluate_all(
        "inputs => inputs.map(i => [i.name, i.type === 'password' ? `${i.value.length} characters` : i.value])"
    )
    domain = Domain.objects.filter(domain=host).select_related("tenant").first()
    if domain is None:
        return f"no collectivité at {host}; the form held {fields}"
    with tenant_context(domain.tenant):
        user = User.objects.filter(email=email).first()
        found = (
            "no such account"
            if user is None
            else (
                f"account active={user.is_active}, password accepted={user.check_password(DEMO_PASSWORD)}, "
                f"last login {user.last_login}"
            )
        )
    connection.set_schema_to_public()
    return f"{host} → schema {domain.tenant.schema_name}: {found}; the form held {fields}"
