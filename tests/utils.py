"""Helpers for tests: clients on a collectivité's domain, accounts inside its schema."""

import threading

from allauth.account.models import EmailAddress
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context

from portal.accounts.models import User


def domain_of(collectivite):
    return collectivite.domains.get(is_primary=True).domain


def client_for(collectivite, user=None):
    """A test client on the collectivité's own domain, logged in as `user` if given."""
    client = Client(HTTP_HOST=domain_of(collectivite))
    if user is not None:
        with tenant_context(collectivite):
            client.force_login(user)
    connection.set_schema_to_public()
    return client


def user_in(collectivite, **fields):
    """Create an account inside a collectivité's schema."""
    fields.setdefault("password", "un-mot-de-passe-solide")
    with tenant_context(collectivite):
        user = User.objects.create_user(**fields)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    connection.set_schema_to_public()
    return user


def demo_user(collectivite, local_part):
    with tenant_context(collectivite):
        user = User.objects.get(email=f"{local_part}@{collectivite.slug}.demo")
    connection.set_schema_to_public()
    return user


def totp_now(secret):
    """The code an authenticator app shows right now for `secret` (allauth's own algorithm)."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def _rows_shown(response):
    """How many rows a list answered: an API page's `count`, or an HTML page's paginator count (else None)."""
    if response.get("Content-Type", "").startswith("application/json"):
        return response.json().get("count")
    page = (response.context or {}).get("page") if response.context is not None else None
    return page.paginator.count if page is not None else None


def assert_constant_queries(client, url, make_rows, *, expected, many=8, **request):
    """THE query-count check of a list page or API list: its count is `expected`, with 1 row as with `many`.

    `make_rows(n)` adds n rows the list shows. A first request warms what is cached after the first one
    (tenant routing, the session, the site's settings); then the list is counted with one more row, and again
    with `many` more. Fails with both counts and the queries of the larger run, so that a new N+1 is found at once.
    """
    from django.test.utils import CaptureQueriesContext

    make_rows(1)
    client.get(url, **request)
    counts, shown, listings = [], [], []
    for added in (0, many - 1):
        if added:
            make_rows(added)
        # The fewer of two runs: a write some middleware makes once in a while (a session's expiry) is no row's.
        runs = []
        for _run in range(2):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, **request)
            connection.set_schema_to_public()
            runs.append(queries)
        queries = min(runs, key=len)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        counts.append(len(queries))
        listings.append("\n".join(query["sql"][:160] for query in queries.captured_queries))
        shown.append(_rows_shown(response))
    if None not in shown:
        assert shown[1] - shown[0] == many - 1, f"{url}: the rows made are not all listed ({shown})"
    assert counts[0] == counts[1], (
        f"{url}: {counts[0]} queries with 1 row, {counts[1]} with {many}:\n{listings[0]}\n---\n{listings[1]}"
    )
    assert counts[0] == expected, f"{url}: {counts[0]} queries, {expected} expected (fix `expected` if intended)"
    return counts[0]


def race(collectivite, *attempts):
    """Run the attempts at once, each in its own thread, database connection and transaction, inside
    `collectivite`: what each returned, or the exception it raised. The data they touch must be committed
    (see `committed` in tests/conftest.py)."""
    barrier = threading.Barrier(len(attempts))
    outcomes = [None] * len(attempts)

    def run(index, attempt):
        try:
            with tenant_context(collectivite):
                barrier.wait()
                try:
                    outcomes[index] = attempt()
                except Exception as error:  # noqa: BLE001 — the outcome under test
                    outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
