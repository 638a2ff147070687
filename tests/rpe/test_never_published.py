"""A field an AM refused to publish (décret 2021-1131) never leaves the server.

For every demo AM with a refused field, what may leave for the public is scanned for the refused
values: the publication function itself (which every page, API, export, map and sitemap uses), the
public card, the reminder link's page, the sitemap and every page it lists, and the public addresses of
the directory (`PUBLIC_AM_PAGES`: each area of the rpe app adds the public pages, API lists, exports
and map data it builds; a page that does not exist yet is skipped).
"""

import re
from html import escape

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django_tenants.utils import tenant_context

from portal.accounts.roles import Role
from portal.models import Collectivite
from rpe import geo
from rpe.models import AssistantMaternel
from rpe.notifications import unchanged_token
from rpe.publication import am_data, directory_queryset
from tests.families.factories import UserFactory
from tests.utils import client_for

pytestmark = pytest.mark.django_db

SLUGS = ["vie-et-boulogne", "metz"]

# Public addresses that show AM (pages, API lists, exports, map data): every area adds its own.
PUBLIC_AM_PAGES = [
    "/assistants-maternels/",
    "/assistants-maternels/carte/",
    "/assistants-maternels/carte.json",
    "/api/v1/rpe/assistants-maternels/",
    "/api/v1/rpe/assistants-maternels/?page=2",
    "/sitemap.xml",
]


def secrets_of(ams):
    """Refused values, except those another AM published (two homes may share '12 rue des Lilas')."""
    published = set()
    for am in ams:
        published |= {am.phone} if am.publish_phone else set()
        published |= {am.email} if am.publish_email else set()
        published |= {am.address} if am.publish_address else set()
    refused = {}
    for am in ams:
        for field, flag in (("phone", "publish_phone"), ("email", "publish_email"), ("address", "publish_address")):
            value = getattr(am, field)
            if value and not getattr(am, flag) and value not in published:
                refused[value] = (am.pk, field)
        if not am.publish_address and am.latitude is not None:
            refused[f"{am.latitude:.6f}".rstrip("0")] = (am.pk, "latitude")
    return refused


def leaks(text, refused):
    """Refused values found in the text as whole words, raw or HTML-escaped ("3 rue…" is not in "53 rue…")."""
    forms = {}
    for value in refused:
        forms[value] = value
        forms[escape(value)] = value
    pattern = re.compile(
        r"(?<![\w.])(" + "|".join(map(re.escape, sorted(forms, key=len, reverse=True))) + r")(?![\w])"
    )
    return {forms[match]: refused[forms[match]] for match in pattern.findall(text)}


def demo_ams(slug):
    collectivite = Collectivite.objects.get(slug=slug)
    with tenant_context(collectivite):
        ams = list(directory_queryset(AssistantMaternel.objects.all()))
    connection.set_schema_to_public()
    return collectivite, ams


@pytest.mark.parametrize("slug", SLUGS)
def test_the_publication_function_never_gives_a_refused_field_to_the_public(slug):
    collectivite, ams = demo_ams(slug)
    refusing = [am for am in ams if not (am.publish_phone and am.publish_email and am.publish_address)]
    assert len(refusing) > 0.3 * len(ams)
    with tenant_context(collectivite):
        family = UserFactory(roles=[Role.PARENT])
        for am in refusing:
            for viewer in (None, family):
                data = am_data(am, viewer, commune_name=lambda code: geo.commune_name(collectivite, code))
                for field, flag in (
                    ("phone", "publish_phone"),
                    ("email", "publish_email"),
                    ("address", "publish_address"),
                ):
                    assert getattr(am, flag) or field not in data, (am.pk, field)
                if not am.publish_address:
                    assert (data["latitude"], data["longitude"]) != (am.latitude, am.longitude)
                    assert "postal_code" not in data
                assert "publication" not in data and "agrement_number" not in data


@pytest.mark.parametrize("slug", SLUGS)
def test_the_public_card_never_shows_a_refused_field(slug):
    collectivite, ams = demo_ams(slug)
    refused = secrets_of(ams)
    with tenant_context(collectivite):
        text = "".join(
            render_to_string(
                "rpe/directory/includes/am_card.html",
                {"data": am_data(am, None, commune_name=lambda code: geo.commune_name(collectivite, code))},
            )
            for am in ams
        )
    assert not leaks(text, refused)


def test_the_reminder_link_page_never_shows_a_refused_field(vie_et_boulogne):
    _collectivite, ams = demo_ams("vie-et-boulogne")
    sample = [am for am in ams if am.is_listed and not am.publish_phone][:3]
    sample += [am for am in ams if am.is_listed and not am.publish_address][:3]
    refused = secrets_of(ams)
    client = client_for(vie_et_boulogne)
    for am in sample:
        with tenant_context(vie_et_boulogne):
            token = unchanged_token(am, "2027-06-01")
        connection.set_schema_to_public()
        page = client.get(f"/disponibilites/rien-n-a-change/{token}/")
        assert page.status_code == 200
        assert not leaks(page.content.decode(), refused)


def public_urls(client):
    """The sitemap's pages and the directory's public addresses that exist."""
    urls = list(PUBLIC_AM_PAGES)
    sitemap = client.get("/sitemap.xml")
    if sitemap.status_code == 200:
        urls += [
            re.sub(r"^https?://[^/]+", "", url) for url in re.findall(r"<loc>([^<]+)</loc>", sitemap.content.decode())
        ]
    existing = []
    for url in dict.fromkeys(urls):
        try:
            resolve(url.split("?")[0])
        except Resolver404:
            continue
        existing.append(url)
    return existing


@pytest.mark.parametrize("slug", SLUGS)
def test_no_public_page_export_or_sitemap_shows_a_refused_field(slug):
    collectivite, ams = demo_ams(slug)
    refused = secrets_of(ams)
    with tenant_context(collectivite):
        family = UserFactory(roles=[Role.PARENT])
    connection.set_schema_to_public()
    for client in (client_for(collectivite), client_for(collectivite, family)):
        urls = public_urls(client)
        assert "/sitemap.xml" in urls
        for url in urls:
            response = client.get(url)
            if response.status_code != 200 or response.streaming:
                continue
            found = leaks(response.content.decode(errors="replace"), refused)
            assert not found, (url, list(found.values())[:5])


def test_the_scanner_finds_a_leak_and_only_a_leak():
    refused = {"02 51 05 19 30": (1, "phone"), "3 rue de l'Église": (2, "address")}
    assert set(leaks("<td>Tél. 02 51 05 19 30</td>", refused)) == {"02 51 05 19 30"}
    assert set(leaks("<p>3 rue de l&#x27;Église</p>", refused)) == {"3 rue de l'Église"}
    assert not leaks("<p>13 rue de l'Église, 02 51 05 19 301</p>", refused)
