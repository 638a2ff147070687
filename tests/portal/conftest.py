"""Fixtures of the portal-wide tests: the isolation matrix's collectivité, with a signed-in client per role."""

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context

from portal.models import Collectivite
from tests.portal.matrix_world import DOMAIN, ROLES, world_ensure


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        world = world_ensure(Collectivite.objects.get(slug="metz"))
        clients = {}
        for role in ROLES:
            client = Client(HTTP_HOST=DOMAIN, raise_request_exception=False)
            if role != "anonymous":
                with tenant_context(world.collectivite):
                    client.force_login(world.users[role])
            clients[role] = client
        world.clients = clients
        connection.set_schema_to_public()
    return world
