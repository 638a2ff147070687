"""The public pages of the offer: anyone reads them; filters, pagination and query counts hold."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from commissions.models import Session
from creches.models import Establishment
from portal.templatetags.portal_tags import long_date
from tests.creches.factories import establishment_in
from tests.utils import client_for, demo_user

PUBLIC_PAGES = ["/creches/", "/creches/carte/", "/parcours/", "/simulateur/"]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_anonymous_visitors_read_the_public_pages(metz, url):
    response = client_for(metz).get(url)
    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1


def test_anonymous_visitors_read_an_establishment_page(metz):
    response = client_for(metz).get("/creches/multi-accueil-les-coccinelles/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Multi-accueil Les Coccinelles" in page
    assert "Sections par âge" in page
    assert "Bébés" in page
    assert "Contact" in page
    # Staff buttons are for staff only.
    assert "Déclarer des places" not in page


def test_an_unknown_or_closed_establishment_is_not_found(alpha):
    establishment_in(alpha, slug="fermee", is_active=False)
    client = client_for(alpha)
    assert client.get("/creches/fermee/").status_code == 404
    assert client.get("/creches/nulle-part/").status_code == 404


def test_the_catalogue_lists_every_open_establishment_with_pagination(metz):
    client = client_for(metz)
    first = client.get("/creches/").content.decode()
    assert "24 établissements" in first
    assert "Page 1 sur 2" in first
    second = client.get("/creches/?page=2").content.decode()
    assert "Page 2 sur 2" in second


def catalogue_names(collectivite, query):
    response = client_for(collectivite).get("/creches/", query)
    assert response.status_code == 200
    return {establishment.name for establishment in response.context["page"].object_list}


@pytest.fixture
def offer(alpha):
    establishment_in(alpha, name="Bébés de Nantes", slug="bebes-nantes", sections=[("bebes", 2, 18, 10)])
    establishment_in(
        alpha,
        name="Grands de Rezé",
        slug="grands-reze",
        commune="Rezé",
        sections=[("grands", 18, 48, 20)],
        opens_at=datetime.time(8, 0),
        closes_at=datetime.time(19, 30),
    )
    establishment_in(alpha, name="Micro de Nantes", slug="micro-nantes", micro=True, sections=[("mixte", 2, 36, 12)])
    return alpha


def test_the_catalogue_filters_by_age_in_months(offer):
    assert catalogue_names(offer, {"age_months": 6}) == {"Bébés de Nantes", "Micro de Nantes"}
    assert catalogue_names(offer, {"age_months": 40}) == {"Grands de Rezé"}


def test_the_catalogue_filters_by_age_at_the_start_date(offer):
    # Born on 15 March 2025: 5 months on 1 September 2025, 29 months on 1 September 2027.
    assert catalogue_names(offer, {"birth_date": "2025-03-15", "start_date": "2025-09-01"}) == {
        "Bébés de Nantes",
        "Micro de Nantes",
    }
    assert catalogue_names(offer, {"birth_date": "2025-03-15", "start_date": "2027-09-01"}) == {
        "Grands de Rezé",
        "Micro de Nantes",
    }


def test_a_start_date_before_birth_is_refused_in_french(offer):
    response = client_for(offer).get("/creches/", {"birth_date": "2030-03-15", "start_date": "2029-09-01"})
    assert "L&#x27;enfant ne sera pas encore né à cette date." in response.content.decode()
    assert list(response.context["page"].object_list) == []


def test_the_catalogue_filters_by_commune_and_type(offer):
    assert catalogue_names(offer, {"commune": "Rezé"}) == {"Grands de Rezé"}
    assert catalogue_names(offer, {"type": "micro_creche_paje"}) == {"Micro de Nantes"}
    assert catalogue_names(offer, {"commune": "Nantes", "type": "creche_collective"}) == {"Bébés de Nantes"}


def test_the_catalogue_filters_by_hours(offer):
    assert catalogue_names(offer, {"opens_before": "07:30"}) == {"Bébés de Nantes", "Micro de Nantes"}
    assert catalogue_names(offer, {"closes_after": "19:00"}) == {"Grands de Rezé"}


def test_the_catalogue_filters_on_disability_atypical_hours_and_avip(offer):
    establishment_in(offer, name="Inclusive", slug="inclusive", disability_friendly=True)
    establishment_in(offer, name="Tard le soir", slug="tard", atypical_hours=True)
    establishment_in(offer, name="Insertion", slug="insertion", avip=True, atypical_hours=True)
    assert catalogue_names(offer, {"disability_friendly": "on"}) == {"Inclusive"}
    assert catalogue_names(offer, {"atypical_hours": "on"}) == {"Tard le soir", "Insertion"}
    assert catalogue_names(offer, {"avip": "on", "atypical_hours": "on"}) == {"Insertion"}


def test_the_catalogue_query_count_is_bounded(metz, django_assert_max_num_queries):
    client = client_for(metz)
    with django_assert_max_num_queries(8):
        client.get("/creches/", {"age_months": 12, "closes_after": "18:00"})
    with django_assert_max_num_queries(8):
        client.get("/creches/?page=2")


def test_the_map_query_count_does_not_grow_with_the_offer(alpha, django_assert_max_num_queries):
    for number in range(15):
        establishment_in(alpha, slug=f"carte-{number}", name=f"Carte {number}")
    client = client_for(alpha)
    with django_assert_max_num_queries(6):
        response = client.get("/creches/carte/")
    page = response.content.decode()
    assert page.count('<th scope="row" data-label=') == 15
    assert 'type="application/json"' in page


def test_the_map_lists_every_establishment_as_text_and_as_data(metz):
    response = client_for(metz).get("/creches/carte/")
    page = response.content.decode()
    points = response.context["map_points"]
    creches = [point for point in points if point["url"].startswith("/creches/")]
    assert len(creches) == 24
    assert all(49.0 < point["lat"] < 49.2 and 6.1 < point["lon"] < 6.3 for point in points)
    am_rows = response.context["am_communes"]
    assert page.count('<th scope="row" data-label=') == 24 + len(am_rows)
    # No inline script: the data is JSON, the code a static file.
    assert "creches/map.js" in page
    assert "<script>" not in page


def test_the_map_shows_every_mode_assistants_maternels_counted_per_commune_and_mam(metz):
    response = client_for(metz).get("/creches/carte/")
    points = response.context["map_points"]
    individual = [point for point in points if point["url"].startswith("/assistants-maternels/")]
    rows = response.context["am_communes"]
    assert rows and sum(row["am"] for row in rows) > 300
    # Counts only: no AM's name on the territory map.
    assert all("assistant·es maternel·les" in str(point["name"]) or "MAM" in point["type"] for point in individual)
    assert any("MAM" in point["type"] for point in individual) or not response.context["mams"]


def test_the_map_adds_no_tile_origin_to_the_csp_by_default(metz):
    response = client_for(metz).get("/creches/carte/")
    assert "img-src 'self' data:;" in response["Content-Security-Policy"]
    assert 'data-tiles-url=""' in response.content.decode()


def test_the_parcours_explains_every_mode_and_the_aids(metz):
    page = client_for(metz).get("/parcours/").content.decode()
    for mode in [
        "La crèche collective",
        "La micro-crèche",
        "La crèche familiale",
        "La crèche parentale",
        "La halte-garderie",
        "assistant·e maternel·le",
        "(MAM)",
        "La garde à domicile",
    ]:
        assert mode in page, mode
    for aid in ["(CMG)", "(PSU)", "crédit d'impôt"]:
        assert aid in page, aid


def test_the_parcours_shows_the_coming_commission_dates(metz):
    with tenant_context(metz):
        coming = list(Session.objects.upcoming(timezone.localdate()).values_list("date", flat=True)[:6])
    connection.set_schema_to_public()
    assert coming, "the Metz demo programmes coming commissions"
    page = client_for(metz).get("/parcours/").content.decode()
    for day in coming:
        assert long_date(day, "weekday") in page
    assert "est publié par Metz (démo)" not in page


def test_the_parcours_says_who_publishes_the_calendar_when_none_is_programmed(alpha):
    page = client_for(alpha).get("/parcours/").content.decode()
    assert "calendrier des commissions d'attribution est publié par" in page


def test_the_sitemap_lists_public_pages_and_establishments(metz):
    content = client_for(metz).get("/sitemap.xml").content.decode()
    for path in PUBLIC_PAGES:
        assert f"{path}</loc>" in content, path
    assert "/creches/multi-accueil-les-coccinelles/</loc>" in content


def test_the_welcome_page_links_to_the_offer(metz):
    page = client_for(metz).get("/").content.decode()
    for path in PUBLIC_PAGES:
        assert f'href="{path}"' in page, path


def test_the_demo_offer_matches_the_territories(metz, vie_et_boulogne):
    with tenant_context(metz):
        metz_places = sum(e.places for e in Establishment.objects.with_capacity())
        assert Establishment.objects.count() == 24
        assert 900 <= metz_places <= 1100
        assert Establishment.objects.filter(directors__email="directrice@metz.demo").count() == 1
    with tenant_context(vie_et_boulogne):
        establishments = Establishment.objects.all()
        assert establishments.filter(type="creche_collective", manager="municipal").count() == 3
        assert establishments.filter(type__startswith="micro_creche", manager="prive").count() == 11
        for establishment in establishments.with_capacity():
            assert establishment.places <= establishment.capacity
            assert establishment.insertion_places >= establishment.capacity // 20
    connection.set_schema_to_public()


def test_a_signed_in_parent_reads_the_public_pages_too(metz):
    client = client_for(metz, demo_user(metz, "parent"))
    for url in PUBLIC_PAGES:
        assert client.get(url).status_code == 200, url


def test_an_establishment_page_shows_no_raw_coordinates_and_calls_by_tel_link(metz):
    with tenant_context(metz):
        phone = Establishment.objects.get(slug="multi-accueil-les-coccinelles").phone
    connection.set_schema_to_public()
    page = client_for(metz).get("/creches/multi-accueil-les-coccinelles/").content.decode()
    assert "latitude" not in page.lower() and "longitude" not in page.lower()
    assert phone.startswith("03 ")
    assert f'href="tel:+333{phone[3:].replace(" ", "")}">{phone}</a>' in page


VIE_ET_BOULOGNE_WITHOUT_CRECHE = [
    "Palluau",
    "Grand'Landes",
    "La Chapelle-Palluau",
    "Saint-Étienne-du-Bois",
    "Saint-Paul-Mont-Penit",
]


def test_the_commune_filter_lists_every_commune_of_the_territory_in_french_order(vie_et_boulogne):
    form = client_for(vie_et_boulogne).get("/creches/").context["form"]
    names = [value for value, _label in form.fields["commune"].choices if value]
    assert names == [
        commune["nom"] for commune in sorted(vie_et_boulogne.communes, key=lambda c: c["nom"].replace("É", "E"))
    ]
    assert len(names) == 15
    assert set(VIE_ET_BOULOGNE_WITHOUT_CRECHE) <= set(names)


@pytest.mark.parametrize("commune", VIE_ET_BOULOGNE_WITHOUT_CRECHE)
def test_a_commune_without_a_creche_gets_the_nearest_first(vie_et_boulogne, commune):
    response = client_for(vie_et_boulogne).get("/creches/", {"commune": commune})
    establishments = list(response.context["page"].object_list)
    assert establishments, "the nearest establishments are shown"
    distances = [establishment.distance_km for establishment in establishments]
    assert distances == sorted(distances)
    assert distances[0] < 10
    page = response.content.decode()
    assert "Voici les plus proches" in page
    assert " km du centre de " in page


def test_the_nearest_to_palluau_is_in_the_neighbouring_commune(vie_et_boulogne):
    # Palluau's neighbours with a crèche: Saint-Paul-Mont-Penit has none, Maché and Beaufou do.
    response = client_for(vie_et_boulogne).get("/creches/", {"commune": "Palluau"})
    first = response.context["page"].object_list[0]
    with tenant_context(vie_et_boulogne):
        others = sorted(
            Establishment.objects.active().nearest_to((46.8061, -1.6203)),
            key=lambda establishment: establishment.distance_km,
        )
    connection.set_schema_to_public()
    assert first.pk == others[0].pk
    assert first.commune != "Palluau"


def test_a_commune_with_a_creche_lists_only_its_own(vie_et_boulogne):
    response = client_for(vie_et_boulogne).get("/creches/", {"commune": "Aizenay"})
    assert {establishment.commune for establishment in response.context["page"].object_list} == {"Aizenay"}
    assert "Voici les plus proches" not in response.content.decode()


def test_the_home_page_links_every_commune_to_the_filtered_catalogue(vie_et_boulogne):
    page = client_for(vie_et_boulogne).get("/").content.decode()
    assert 'href="/creches/?commune=Palluau"' in page
    assert 'href="/creches/?commune=Grand%27Landes"' in page
    assert 'href="/creches/?commune=Saint-%C3%89tienne-du-Bois"' in page


def test_the_map_gets_the_territorys_communes_as_background(vie_et_boulogne):
    response = client_for(vie_et_boulogne).get("/creches/carte/")
    communes = response.context["map_communes"]
    assert len(communes) == 15
    palluau = next(commune for commune in communes if commune["name"] == "Palluau")
    assert palluau["url"] == "/creches/?commune=Palluau"
    assert 46.7 < palluau["lat"] < 46.9 and -1.7 < palluau["lon"] < -1.6
    assert 'id="carte-communes" type="application/json"' in response.content.decode()


def test_a_paje_micro_creche_shows_its_hourly_price_and_links_to_the_simulator(vie_et_boulogne):
    with tenant_context(vie_et_boulogne):
        micro = Establishment.objects.filter(type="micro_creche_paje").order_by("name").first()
        paje_count = Establishment.objects.filter(type="micro_creche_paje").count()
        psu_rates = set(Establishment.objects.exclude(type="micro_creche_paje").values_list("hourly_rate", flat=True))
    connection.set_schema_to_public()
    assert psu_rates == {None}
    page = client_for(vie_et_boulogne).get(micro.get_absolute_url()).content.decode()
    rate = f"{micro.hourly_rate:.2f}".replace(".", ",")
    assert f"{rate}\u00a0€ de l'heure" in page
    assert f"/simulateur/?paje_hourly_rate={micro.hourly_rate}" in page
    catalogue = client_for(vie_et_boulogne).get("/creches/", {"type": "micro_creche_paje"}).content.decode()
    assert catalogue.count("de l'heure (CMG à déduire)") == paje_count >= 8


def test_the_simulator_opened_from_a_micro_creche_is_prefilled_not_in_error(vie_et_boulogne):
    response = client_for(vie_et_boulogne).get("/simulateur/", {"paje_hourly_rate": "9.50"})
    assert not response.context["form"].is_bound
    assert response.context["form"].initial["paje_hourly_rate"] == "9.50"
    assert "Le calcul n'a pas pu être fait" not in response.content.decode()
