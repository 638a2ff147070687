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
