"""The règlement d'attribution: versions, adoption and freezing, reserved places, the public transparency page,
the facts a score is read from and the score shown on a request. Real schemas, real pages."""

import datetime

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core.exceptions import ValidationError
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone
from django_tenants.utils import tenant_context

from commissions import demo
from commissions.models import Criterion, Regulation, Reservation
from commissions.prepared import prepare_application
from commissions.services import (
    RegulationFrozen,
    criterion_delete,
    criterion_save,
    facts_for,
    regulation_adopt,
    regulation_create,
    regulation_delete,
    regulation_update,
    reservation_save,
)
from creches.models import Establishment, Section
from families.enums import Actor, ApplicationStatus
from families.models import Application, Child, Situation, StatusChange
from portal.accounts.roles import Role
from tests.families.factories import application_in, establishment_in, family_in
from tests.utils import client_for, demo_user, user_in

DEMO_ROLES = ["parent", "parent2", "am", "animatrice", "agent", "directrice", "commission", "elu", "admin"]
FROZEN = "ne se modifie plus"


def staff_in(collectivite, email, roles):
    """A staff account with TOTP set up (staff must have it before reaching any page)."""
    user = user_in(collectivite, email=email, roles=roles)
    with tenant_context(collectivite):
        TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    connection.set_schema_to_public()
    return user


def inside(collectivite, function):
    with tenant_context(collectivite):
        result = function()
    connection.set_schema_to_public()
    return result


SITUATION = {"code": "handicap", "label": "Enfant en situation de handicap", "kind": "situation", "order": 10}


def situation_fields(points=10, code="handicap"):
    return {**SITUATION, "code": code, "parameters": {"situation": "handicap_enfant", "points": points}}


def adopted_regulation(on=datetime.date(2025, 1, 15), deliberation="DCM 2025-01", points=10):
    regulation = regulation_create(title="Règlement")
    criterion_save(regulation=regulation, fields=situation_fields(points))
    return regulation_adopt(regulation=regulation, adopted_on=on, deliberation=deliberation)


# --- Versions -----------------------------------------------------------------------------------------------------


def test_in_force_is_the_adopted_version_with_the_latest_date_on_or_before_the_day(alpha):
    with tenant_context(alpha):
        first = adopted_regulation(datetime.date(2023, 9, 28), "DCM 2023-31")
        second = adopted_regulation(datetime.date(2025, 6, 26), "DCM 2025-42")
        regulation_create(title="Projet")  # a draft is never in force
        later = adopted_regulation(datetime.date(2030, 1, 1), "DCM 2029-99")
        assert Regulation.objects.in_force(on=datetime.date(2023, 9, 27)) is None
        assert Regulation.objects.in_force(on=datetime.date(2023, 9, 28)) == first
        assert Regulation.objects.in_force(on=datetime.date(2025, 6, 25)) == first
        assert Regulation.objects.in_force(on=datetime.date(2025, 6, 26)) == second
        assert Regulation.objects.in_force(on=datetime.date(2029, 12, 31)) == second
        assert Regulation.objects.in_force(on=datetime.date(2030, 1, 1)) == later


def test_a_copy_of_the_version_in_force_is_an_editable_draft_with_the_same_criteria(alpha):
    with tenant_context(alpha):
        source = adopted_regulation()
        copy = regulation_create(title="Révision 2026", copy_from=source)
        assert (copy.version, copy.is_frozen, copy.copied_from) == (source.version + 1, False, source)
        assert list(copy.criteria.values_list("code", "parameters")) == list(
            source.criteria.values_list("code", "parameters")
        )
        criterion_save(
            regulation=copy, criterion=copy.criteria.get(), fields={"parameters": situation_fields(12)["parameters"]}
        )
        assert source.criteria.get().parameters["points"] == 10


def test_an_adopted_version_refuses_every_change_through_the_services(alpha):
    with tenant_context(alpha):
        regulation = adopted_regulation()
        criterion = regulation.criteria.get()
        attempts = [
            lambda: regulation_update(regulation=regulation, title="Autre"),
            lambda: criterion_save(regulation=regulation, fields=situation_fields(code="autre")),
            lambda: criterion_save(regulation=regulation, criterion=criterion, fields={"label": "Autre"}),
            lambda: criterion_delete(criterion=criterion),
            lambda: regulation_delete(regulation=regulation),
            lambda: regulation_adopt(regulation=regulation, adopted_on=datetime.date(2026, 1, 1), deliberation="X"),
        ]
        for attempt in attempts:
            with pytest.raises(RegulationFrozen) as refused:
                attempt()
            assert FROZEN in refused.value.messages[0]
        regulation.refresh_from_db()
        assert (regulation.title, regulation.adopted_on) == ("Règlement", datetime.date(2025, 1, 15))
        assert list(regulation.criteria.values_list("code", "label")) == [("handicap", SITUATION["label"])]


def test_a_stale_draft_object_cannot_be_used_to_change_an_adopted_version(alpha):
    with tenant_context(alpha):
        regulation = adopted_regulation()
        stale = Regulation.objects.get(pk=regulation.pk)
        stale.status = "draft"  # as if read before the adoption
        with pytest.raises(RegulationFrozen):
            criterion_save(regulation=stale, fields=situation_fields(code="autre"))


def test_adoption_needs_criteria_a_deliberation_and_a_date_not_before_the_last_adoption(alpha):
    with tenant_context(alpha):
        adopted_regulation(datetime.date(2025, 6, 1))
        empty = regulation_create(title="Vide")
        with pytest.raises(ValidationError, match="sans aucun critère"):
            regulation_adopt(regulation=empty, adopted_on=datetime.date(2025, 7, 1), deliberation="DCM")
        criterion_save(regulation=empty, fields=situation_fields())
        with pytest.raises(ValidationError, match="ne peut pas précéder"):
            regulation_adopt(regulation=empty, adopted_on=datetime.date(2025, 5, 1), deliberation="DCM")
        with pytest.raises(ValidationError, match="délibération"):
            regulation_adopt(regulation=empty, adopted_on=datetime.date(2025, 7, 1), deliberation="  ")
        empty.refresh_from_db()
        assert not empty.is_frozen


def test_a_criterion_with_bad_parameters_is_refused_by_the_model(alpha):
    with tenant_context(alpha):
        regulation = regulation_create(title="Projet")
        with pytest.raises(ValidationError) as refused:
            criterion_save(
                regulation=regulation,
                fields={**situation_fields(), "kind": "per_unit", "parameters": {"measure": "x", "points": 1}},
            )
        assert "« ce qui est compté » n'est pas une valeur possible." in refused.value.message_dict["parameters"]
        assert not regulation.criteria.exists()


# --- Pages of the administrator -----------------------------------------------------------------------------------


@pytest.fixture
def alpha_admin(alpha):
    return staff_in(alpha, "admin@alpha.test", [Role.ADMINISTRATEUR])


def test_the_administrator_writes_a_draft_and_adopts_it_through_the_pages(alpha, alpha_admin):
    client = client_for(alpha, alpha_admin)
    response = client.post("/gestion/reglement/", {"title": "Règlement 2026", "copy_from": ""})
    assert response.status_code == 302
    version = inside(alpha, lambda: Regulation.objects.get().version)
    base = f"/gestion/reglement/{version}/"
    assert response.url == base
    assert client.get(f"{base}criteres/nouveau/?kind=situation").status_code == 200
    response = client.post(
        f"{base}criteres/nouveau/?kind=situation",
        {
            "code": "handicap",
            "label": "Handicap de l'enfant",
            "explanation": "Sur justificatif.",
            "order": 10,
            "situation": "handicap_enfant",
            "points": 10,
        },
    )
    assert response.status_code == 302
    bands = {
        "code": "qf",
        "label": "Quotient familial",
        "order": 20,
        "measure": "quotient_familial",
        "band_1_from": 0,
        "band_1_points": 6,
        "band_2_from": 500,
        "band_2_points": 3,
        "missing_points": 0,
    }
    assert client.post(f"{base}criteres/nouveau/?kind=bands", bands).status_code == 302
    page = client.get(base).content.decode()
    assert "10 points si la situation est reconnue." in page
    assert "De 500 à moins de" not in page and "500 € et plus : 3 points." in page
    response = client.post(f"{base}adopter/", {"adopted_on": "2025-09-01", "deliberation": "DCM 2025-77"})
    assert response.status_code == 302
    regulation = inside(alpha, lambda: Regulation.objects.get())
    assert (regulation.is_frozen, regulation.deliberation, regulation.adopted_by_id) == (
        True,
        "DCM 2025-77",
        alpha_admin.pk,
    )
    public = client_for(alpha).get("/transparence/").content.decode()
    assert "DCM 2025-77" in public and "Handicap de l&#x27;enfant" in public


def test_a_criterion_form_refuses_bad_bands_in_french_and_saves_nothing(alpha, alpha_admin):
    version = inside(alpha, lambda: regulation_create(title="Projet").version)
    client = client_for(alpha, alpha_admin)
    response = client.post(
        f"/gestion/reglement/{version}/criteres/nouveau/?kind=bands",
        {
            "code": "qf",
            "label": "QF",
            "order": 1,
            "measure": "quotient_familial",
            "band_1_from": 800,
            "band_1_points": 1,
            "band_2_from": 500,
            "band_2_points": 3,
            "band_3_from": 900,
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Tranche 2 : les bornes doivent aller croissant (500 après 800)." in page
    assert "Indiquez la borne basse et les points de cette tranche, ou laissez les deux vides." in page
    assert inside(alpha, lambda: Criterion.objects.count()) == 0


def test_a_criterion_code_is_unique_in_its_version(alpha, alpha_admin):
    def setup():
        regulation = regulation_create(title="Projet")
        criterion_save(regulation=regulation, fields=situation_fields())
        return regulation.version

    version = inside(alpha, setup)
    response = client_for(alpha, alpha_admin).post(
        f"/gestion/reglement/{version}/criteres/nouveau/?kind=situation",
        {"code": "handicap", "label": "Doublon", "order": 1, "situation": "monoparentalite", "points": 5},
    )
    assert response.status_code == 400
    assert "Un autre critère de ce règlement porte déjà ce code." in response.content.decode()


def metz_in_force():
    regulation = Regulation.objects.in_force()
    return regulation, list(regulation.criteria.values_list("pk", "label", "parameters"))


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("modifier/", {"title": "Changé", "introduction": ""}),
        ("adopter/", {"adopted_on": "2026-01-01", "deliberation": "DCM 2026-01"}),
        ("supprimer/", {}),
        (
            "criteres/nouveau/?kind=situation",
            {"code": "nouveau", "label": "Nouveau", "order": 1, "situation": "fratrie", "points": 50},
        ),
        (
            "criteres/{pk}/",
            {"code": "handicap_enfant", "label": "Changé", "order": 1, "situation": "handicap_enfant", "points": 50},
        ),
        ("criteres/{pk}/supprimer/", {}),
    ],
)
def test_the_pages_refuse_to_change_an_adopted_version_with_a_french_message(metz, path, data):
    before, criteria = inside(metz, metz_in_force)
    client = client_for(metz, demo_user(metz, "admin"))
    url = f"/gestion/reglement/{before.version}/" + path.format(pk=criteria[0][0])
    for response in (client.get(url), client.post(url, data)):
        assert response.status_code == 400
        assert "La version 2 du règlement est adoptée : elle ne se modifie plus." in response.content.decode()
    after, criteria_after = inside(metz, metz_in_force)
    assert (after.title, after.version, after.deliberation) == (before.title, before.version, before.deliberation)
    assert criteria_after == criteria


# --- Permissions --------------------------------------------------------------------------------------------------

WHO_MAY = {
    "/gestion/reglement/": {"admin"},
    "/gestion/reglement/2/": {"admin"},
    "/gestion/places-reservees/": {"agent", "admin"},
}


@pytest.mark.parametrize("local_part", DEMO_ROLES)
def test_only_the_administrator_edits_the_grid_and_agents_manage_reserved_places(metz, local_part):
    client = client_for(metz, demo_user(metz, local_part))
    for url, allowed in WHO_MAY.items():
        assert client.get(url).status_code == (200 if local_part in allowed else 403), (url, local_part)
    assert client.get("/transparence/").status_code == 200


@pytest.mark.parametrize("local_part", [role for role in DEMO_ROLES if role != "admin"])
def test_no_one_but_the_administrator_can_write_a_version(metz, local_part):
    client = client_for(metz, demo_user(metz, local_part))
    count = inside(metz, Regulation.objects.count)
    assert client.post("/gestion/reglement/", {"title": "Pirate"}).status_code == 403
    assert inside(metz, Regulation.objects.count) == count


def test_anonymous_visitors_read_the_transparency_page_and_are_sent_to_login_elsewhere(metz):
    client = client_for(metz)
    assert client.get("/transparence/").status_code == 200
    assert client.get("/transparence/version-1/").status_code == 200
    for url in WHO_MAY:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_the_navigation_and_the_administrator_home_link_to_the_pages(metz):
    admin_page = client_for(metz, demo_user(metz, "admin")).get("/espace/administration/").content.decode()
    assert admin_page.count('href="/gestion/reglement/"') >= 2  # navigation and card
    agent_page = client_for(metz, demo_user(metz, "agent")).get("/espace/agent/").content.decode()
    assert 'href="/gestion/places-reservees/"' in agent_page
    assert 'href="/gestion/reglement/"' not in agent_page


# --- Transparency -------------------------------------------------------------------------------------------------


def test_the_transparency_page_shows_the_grid_in_force_in_words(metz):
    page = client_for(metz).get("/transparence/").content.decode()
    assert "<h1>" in page and page.count("<h1") == 1
    for text in [
        "Version 2",
        "26 juin 2025",
        "DCM 2025-42",
        "Enfant en situation de handicap",
        "Sur justificatif de la MDPH ou d&#x27;un médecin.",
        "10 points si la situation est reconnue.",
        "De 500 à moins de 800 € : 4 points.",
        "1 point par mois d&#x27;attente depuis le dépôt de la demande, dans la limite de 24 points.",
        "2 points par commission déjà passée sans proposition de place, dans la limite de 6 points.",
        "5 points retirés par offre de place adaptée refusée.",
        "5 points de plus pour l&#x27;établissement où un frère ou une sœur est déjà accueilli·e",
        "DCM 2023-31",  # history
        "remplacée",
        "Familles en parcours d&#x27;insertion",  # reserved places
    ]:
        assert text in page, text
    assert "Version archivée" not in page


def test_a_past_version_has_its_own_public_page_and_drafts_have_none(metz):
    client = client_for(metz)
    page = client.get("/transparence/version-1/").content.decode()
    assert "Version archivée du règlement" in page and "DCM 2023-31" in page
    assert "dans la limite de 18 points" in page
    draft = inside(metz, lambda: regulation_create(title="Projet secret").version)
    assert client.get(f"/transparence/version-{draft}/").status_code == 404
    assert "Projet secret" not in client.get("/transparence/").content.decode()


def test_a_grid_of_one_collectivite_is_invisible_on_another(alpha, beta):
    inside(alpha, lambda: adopted_regulation(deliberation="DCM ALPHA-7"))
    assert "DCM ALPHA-7" in client_for(alpha).get("/transparence/").content.decode()
    page = client_for(beta).get("/transparence/").content.decode()
    assert "DCM ALPHA-7" not in page
    assert "n'est pas encore publié" in page
    assert inside(beta, Regulation.objects.count) == 0


def test_the_transparency_page_and_reserved_places_list_take_a_bounded_number_of_queries(
    metz, django_assert_max_num_queries
):
    anonymous, agent = client_for(metz), client_for(metz, demo_user(metz, "agent"))
    with django_assert_max_num_queries(15):
        assert anonymous.get("/transparence/").status_code == 200
    with django_assert_max_num_queries(25):
        assert agent.get("/gestion/places-reservees/").status_code == 200


def test_the_sitemap_lists_the_transparency_page(metz):
    assert "/transparence/" in client_for(metz).get("/sitemap.xml").content.decode()


# --- Reserved places ----------------------------------------------------------------------------------------------


def test_reserved_places_cannot_exceed_the_capacity_of_the_section(alpha):
    establishment = establishment_in(alpha)  # one section of 40 places
    with tenant_context(alpha):
        section = Section.objects.get(establishment=establishment)
        reservation_save(section=section, flag="insertion", count=30)
        with pytest.raises(ValidationError) as refused:
            reservation_save(section=section, flag="handicap", count=11)
        assert "il en reste au plus 10 à réserver" in refused.value.message_dict["count"][0]
        reservation_save(section=section, flag="handicap", count=10)
        assert sorted(Reservation.objects.values_list("flag", "count")) == [("handicap", 10), ("insertion", 30)]


def test_an_agent_reserves_places_through_the_page_and_bad_counts_are_refused(alpha):
    agent = staff_in(alpha, "agent@alpha.test", [Role.AGENT])
    establishment = establishment_in(alpha)
    section = inside(alpha, lambda: Section.objects.get(establishment=establishment))
    client = client_for(alpha, agent)
    response = client.post("/gestion/places-reservees/", {"section": section.pk, "flag": "avip", "count": 41})
    assert response.status_code == 400
    assert "il en reste au plus 40 à réserver" in response.content.decode()
    assert inside(alpha, Reservation.objects.count) == 0
    response = client.post("/gestion/places-reservees/", {"section": section.pk, "flag": "avip", "count": 4})
    assert response.status_code == 302
    reservation = inside(alpha, lambda: Reservation.objects.get())
    assert (reservation.count, reservation.updated_by_id) == (4, agent.pk)
    response = client.post(
        f"/gestion/places-reservees/{reservation.pk}/", {"section": section.pk, "flag": "avip", "count": 5}
    )
    assert response.status_code == 302
    assert inside(alpha, lambda: Reservation.objects.get().count) == 5
    assert (
        "Crèche à vocation d&#x27;insertion professionnelle"
        in client_for(alpha).get("/transparence/").content.decode()
    )
    assert client.post(f"/gestion/places-reservees/{reservation.pk}/supprimer/").status_code == 302
    assert inside(alpha, Reservation.objects.count) == 0


# --- Demo -----------------------------------------------------------------------------------------------------------


def test_the_demo_grids_are_seeded_once(metz, vie_et_boulogne):
    def counts():
        return Regulation.objects.count(), Criterion.objects.count(), Reservation.objects.count()

    for collectivite in (metz, vie_et_boulogne):
        before = inside(collectivite, counts)
        inside(collectivite, lambda c=collectivite: demo.seed(c))
        assert inside(collectivite, counts) == before
    metz_codes = inside(metz, lambda: set(Regulation.objects.in_force().criteria.values_list("kind", flat=True)))
    assert metz_codes == {"situation", "bands", "per_unit", "establishment_bonus", "negative"}
    vie = inside(vie_et_boulogne, lambda: Regulation.objects.in_force().rules())
    assert {rule.parameters.get("reason") for rule in vie} >= {"residence", "sibling"}


def test_each_municipal_crèche_of_metz_reserves_insertion_places_on_its_largest_section(metz):
    def check():
        municipal = Establishment.objects.filter(manager="municipal", is_active=True, capacity__gte=20)
        for establishment in municipal:
            reservation = Reservation.objects.get(section__establishment=establishment, flag="insertion")
            assert reservation.count == establishment.capacity // 20
            assert reservation.section.capacity == max(s.capacity for s in establishment.sections.all())
        return municipal.count()

    assert inside(metz, check) > 0


# --- Facts and score ----------------------------------------------------------------------------------------------


def test_facts_are_read_from_the_request_its_family_and_its_history(alpha):
    establishment = establishment_in(alpha)
    user, family, child = family_in(alpha)
    application = application_in(
        alpha, family, child, status=ApplicationStatus.LISTE_ATTENTE, establishment=establishment
    )
    with tenant_context(alpha):
        family.quotient_familial = 620
        family.save()
        family.situations.set(Situation.objects.filter(code__in=["monoparentalite", "insertion"]))
        Child.objects.filter(pk=child.pk).update(aeeh=True)
        Application.objects.filter(pk=application.pk).update(
            submitted_at=timezone.make_aware(datetime.datetime(2024, 3, 20, 10, 0))
        )
        application.refresh_from_db()
        S = ApplicationStatus
        for from_status, to_status, day in [
            (S.COMPLETE, S.EN_COMMISSION, datetime.date(2024, 6, 1)),
            (S.EN_COMMISSION, S.LISTE_ATTENTE, datetime.date(2024, 6, 10)),
            (S.LISTE_ATTENTE, S.EN_COMMISSION, datetime.date(2024, 10, 1)),
            (S.EN_COMMISSION, S.PROPOSITION, datetime.date(2024, 10, 10)),
            (S.PROPOSITION, S.REFUSEE, datetime.date(2024, 10, 20)),
            (S.REFUSEE, S.LISTE_ATTENTE, datetime.date(2024, 10, 21)),
            (S.LISTE_ATTENTE, S.EN_COMMISSION, datetime.date(2025, 2, 1)),
            (S.EN_COMMISSION, S.LISTE_ATTENTE, datetime.date(2025, 2, 10)),
        ]:
            change = StatusChange.objects.create(
                subject=application, from_status=from_status, to_status=to_status, actor=Actor.STAFF
            )
            at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
            StatusChange.objects.filter(pk=change.pk).update(created_at=at)
        facts = facts_for(application, on=datetime.date(2025, 5, 19))
        assert facts.situations == {"monoparentalite", "insertion", "handicap_enfant"}
        assert facts.quotient_familial == 620
        assert facts.months_waiting == 13  # 20 March 2024 → 19 May 2025
        assert facts.commissions_passed == 2
        assert facts.refused_offers == 1
        assert facts.residence == "44109"
        assert [(e.id, e.name, e.code_insee) for e in facts.establishments] == [
            (establishment.pk, establishment.name, "44109")
        ]
        earlier = facts_for(application, on=datetime.date(2024, 9, 1))
        assert (earlier.months_waiting, earlier.commissions_passed, earlier.refused_offers) == (5, 1, 0)
        assert facts_for(application, on=datetime.date(2025, 5, 20)).months_waiting == 14
        assert facts_for(application, sibling_establishments={establishment.pk}).sibling_establishments == {
            establishment.pk
        }


def test_a_draft_request_waits_zero_months(alpha):
    user, family, child = family_in(alpha, email="brouillon@alpha.test")
    application = application_in(alpha, family, child)
    assert inside(alpha, lambda: facts_for(application).months_waiting) == 0


def render_score(collectivite, application, user):
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load commissions_tags %}{% application_score application %}")

    def render():
        prepare_application(application)  # as the pages do: the tag only reads what the view prepared
        return template.render(Context({"application": application, "request": request}))

    return inside(collectivite, render)


def test_the_score_tag_shows_the_family_its_points_and_why(alpha):
    establishment = establishment_in(alpha)
    user, family, child = family_in(alpha, email="score@alpha.test")
    application = application_in(alpha, family, child, status=ApplicationStatus.COMPLETE, establishment=establishment)
    with tenant_context(alpha):
        regulation = regulation_create(title="Règlement")
        for fields in [
            situation_fields(10),
            {
                "code": "qf",
                "label": "Quotient familial",
                "kind": "bands",
                "order": 20,
                "parameters": {
                    "measure": "quotient_familial",
                    "bands": [{"from": 0, "points": 5}, {"from": 500, "points": 3}, {"from": 800, "points": 1}],
                },
            },
            {
                "code": "commune",
                "label": "Commune",
                "kind": "establishment_bonus",
                "order": 30,
                "parameters": {"reason": "residence", "points": 4},
            },
        ]:
            criterion_save(regulation=regulation, fields=fields)
        regulation_adopt(regulation=regulation, adopted_on=datetime.date(2025, 1, 1), deliberation="DCM 2025-01")
        Child.objects.filter(pk=child.pk).update(aeeh=True)
        family.quotient_familial = 620
        family.save()
        application = Application.objects.select_related("family", "child").get(pk=application.pk)
    html = render_score(alpha, application, user)
    assert "Votre demande a 13 points aujourd'hui." in html
    assert "Quotient familial de 620 € : tranche 500–800 € → 3 points" in html
    assert "Situation reconnue → 10 points" in html
    assert "Domicile à Nantes, commune de Multi-accueil les-lutins → +4 points pour cet établissement" in html
    assert "Vous habitez" not in html
    assert "DCM 2025-01" in html
    staff = staff_in(alpha, "agent-score@alpha.test", [Role.AGENT])
    assert "Cette demande a 13 points" in render_score(alpha, application, staff)


def test_the_score_tag_says_when_no_grid_is_published(beta):
    user, family, child = family_in(beta, email="sans-grille@beta.test")
    application = application_in(beta, family, child)
    html = render_score(beta, application, user)
    assert "n'est pas encore publié" in html


def test_the_demo_families_of_metz_get_a_score(metz):
    def first_scores():
        from commissions.services import application_score

        applications = Application.objects.waiting().select_related("family", "child")[:20]
        return [application_score(application)[1] for application in applications]

    scores = inside(metz, first_scores)
    assert scores and all(
        score is not None and score.total == sum(line.points for line in score.lines) for score in scores
    )
    assert any(score.total > 0 for score in scores)
