"""The guichet's back-office: who reaches it, what it shows, what each action does, what it logs."""

import csv
import datetime
import html
import io
from contextlib import contextmanager

import openpyxl
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from families.enums import ApplicationStatus, AuditAction, DocumentStatus
from families.models import Application, AuditEntry, InternalNote, Message, StatusChange
from portal.accounts.roles import Role
from tests.families.factories import (
    ApplicationFactory,
    ChildFactory,
    DocumentFactory,
    EstablishmentFactory,
    FamilyFactory,
    GuardianFactory,
    SectionFactory,
    complete_pieces,
)
from tests.portal.test_roles import DEMO_ROLES
from tests.utils import client_for, demo_user, user_in

TOTP_SECRET = "JBSWY3DPEHPK3PXP"
STAFF_OK = {"agent", "admin"}


@contextmanager
def inside(collectivite):
    """Run ORM code in the collectivité's schema, then back to public (as a request would find it)."""
    with tenant_context(collectivite):
        yield
    connection.set_schema_to_public()


def staff_in(collectivite, role=Role.AGENT, email=None):
    user = user_in(collectivite, email=email or f"{role}@{collectivite.slug}.test", roles=[role])
    with inside(collectivite):
        TOTP.activate(user, TOTP_SECRET)
    return user


def filed(collectivite, **fields):
    """A filed request with one piece, in `collectivite`."""
    with inside(collectivite):
        application = ApplicationFactory(**fields)
        document = DocumentFactory(application=application)
    return application, document


def text(response):
    """The page as a person reads it (entities decoded)."""
    return html.unescape(response.content.decode())


def back_office_urls(application, document):
    return [
        "/guichet/demandes/",
        "/guichet/demandes/export.csv",
        "/guichet/demandes/export.xlsx",
        f"/guichet/demandes/{application.pk}/",
        f"/guichet/pieces/{document.pk}/",
        f"/guichet/pieces/{document.pk}/fichier",
    ]


def action_posts(application, document):
    return [
        (f"/guichet/demandes/{application.pk}/note", {"body": "Vu au guichet"}),
        (f"/guichet/demandes/{application.pk}/message", {"body": "Bonjour"}),
        (f"/guichet/demandes/{application.pk}/quotient-familial", {"value": "800"}),
        (f"/guichet/demandes/{application.pk}/pieces-manquantes", {"reason": "Il manque l'acte de naissance."}),
        (f"/guichet/demandes/{application.pk}/complete", {}),
        (f"/guichet/demandes/{application.pk}/statut", {"to_status": ApplicationStatus.ANNULEE, "reason": "Doublon"}),
        (f"/guichet/pieces/{document.pk}/verification", {"decision": "valid"}),
    ]


def state_of(collectivite, application):
    """Everything an action could change on a request, to assert that a refused one changed nothing."""
    with inside(collectivite):
        application = Application.objects.select_related("family").get(pk=application.pk)
        return {
            "status": application.status,
            "qf": (application.family.quotient_familial, application.family.quotient_familial_verified_at),
            "documents": list(application.documents.values_list("status", "review_reason").order_by("pk")),
            "history": StatusChange.objects.filter(subject=application).count(),
            "messages": Message.objects.filter(application=application).count(),
            "notes": InternalNote.objects.filter(application=application).count(),
        }


# --- Who may use it ------------------------------------------------------------------------------


@pytest.mark.parametrize("local_part", DEMO_ROLES)
def test_only_agents_and_administrators_reach_the_queue_dossiers_and_pieces(metz, local_part):
    application, document = filed(metz)
    client = client_for(metz, demo_user(metz, local_part))
    expected = 200 if local_part in STAFF_OK else 403
    for url in back_office_urls(application, document):
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)  # read to the end: the client then closes the file
        assert response.status_code == expected, url


@pytest.mark.parametrize("local_part", sorted(set(DEMO_ROLES) - STAFF_OK))
def test_other_roles_cannot_act_on_a_request(metz, local_part, django_capture_on_commit_callbacks):
    application, document = filed(metz)
    before = state_of(metz, application)
    client = client_for(metz, demo_user(metz, local_part))
    for url, data in action_posts(application, document):
        assert client.post(url, data).status_code == 403, url
    assert state_of(metz, application) == before


def test_anonymous_visitors_are_sent_to_login(metz):
    application, document = filed(metz)
    client = client_for(metz)
    for url in [*back_office_urls(application, document), "/guichet/journal/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/accounts/login/"), url
    for url, data in action_posts(application, document):
        response = client.post(url, data)
        assert response.status_code == 302, url
        assert response.url.startswith("/accounts/login/"), url


@pytest.mark.parametrize("local_part", DEMO_ROLES)
def test_only_the_administrator_reads_the_audit_log(metz, local_part):
    response = client_for(metz, demo_user(metz, local_part)).get("/guichet/journal/")
    assert response.status_code == (200 if local_part == "admin" else 403)


def test_actions_refuse_get(alpha):
    application, document = filed(alpha)
    client = client_for(alpha, staff_in(alpha))
    for url, _data in action_posts(application, document):
        assert client.get(url).status_code == 405, url


def test_a_staff_member_of_alpha_cannot_see_requests_of_beta(alpha, beta):
    application, document = filed(beta, child__last_name="Bêtaenfant")
    client = client_for(alpha, staff_in(alpha))
    queue = client.get("/guichet/demandes/").content.decode()
    assert application.number not in queue
    assert "Bêtaenfant" not in queue
    for url in back_office_urls(application, document)[3:]:
        assert client.get(url).status_code == 404, url
    for url, data in action_posts(application, document):
        assert client.post(url, data).status_code == 404, url
    assert application.number not in client.get("/api/v1/guichet/demandes/").content.decode()
    with inside(beta):
        assert Application.objects.get(pk=application.pk).status == ApplicationStatus.DEPOSEE


def test_drafts_stay_with_the_family(alpha):
    """A request not yet filed is not the guichet's: absent from the queue, no dossier."""
    with inside(alpha):
        draft = ApplicationFactory(draft=True)
    client = client_for(alpha, staff_in(alpha))
    assert draft.number not in client.get("/guichet/demandes/").content.decode()
    assert client.get(f"/guichet/demandes/{draft.pk}/").status_code == 404


def test_navigation_shows_the_back_office_to_whom_it_concerns(metz):
    agent_page = client_for(metz, demo_user(metz, "agent")).get("/espace/agent/").content.decode()
    assert 'href="/guichet/demandes/"' in agent_page
    assert 'href="/guichet/journal/"' not in agent_page
    admin_page = client_for(metz, demo_user(metz, "admin")).get("/espace/administration/").content.decode()
    assert 'href="/guichet/demandes/"' in admin_page
    assert 'href="/guichet/journal/"' in admin_page
    parent_page = client_for(metz, demo_user(metz, "parent")).get("/espace/famille/").content.decode()
    assert "/guichet/" not in parent_page


def test_the_agent_home_counts_requests_to_instruct(alpha):
    with inside(alpha):
        ApplicationFactory.create_batch(2, status=ApplicationStatus.DEPOSEE)
        ApplicationFactory(status=ApplicationStatus.INCOMPLETE)
        ApplicationFactory(status=ApplicationStatus.COMPLETE)
        ApplicationFactory(draft=True)
    page = client_for(alpha, staff_in(alpha)).get("/espace/agent/").content.decode()
    assert "2 demandes déposées à vérifier" in page
    assert "1 demande incomplète" in page
    assert "1 demande complète" in page


# --- The audit trail -----------------------------------------------------------------------------


def test_every_staff_read_of_a_dossier_or_a_piece_is_in_the_audit_log(alpha):
    application, document = filed(alpha)
    agent = staff_in(alpha)
    client = client_for(alpha, agent)
    expected = [
        (f"/guichet/demandes/{application.pk}/", AuditAction.READ),
        (f"/guichet/demandes/{application.pk}/", AuditAction.READ),
        (f"/guichet/pieces/{document.pk}/", AuditAction.DOCUMENT),
        (f"/guichet/pieces/{document.pk}/fichier", AuditAction.DOCUMENT),
    ]
    for count, (url, action) in enumerate(expected, start=1):
        response = client.get(url)
        assert response.status_code == 200
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        with inside(alpha):
            entries = list(AuditEntry.objects.filter(application=application).order_by("at", "id"))
        assert len(entries) == count, url
        assert (entries[-1].user_id, entries[-1].action) == (agent.pk, action)


def test_the_dossier_shows_its_last_audit_entries(alpha):
    application, _document = filed(alpha)
    agent = staff_in(alpha, email="camille.agent@alpha.test")
    with inside(alpha):
        agent.first_name, agent.last_name = "Camille", "Instructrice"
        agent.save()
    client = client_for(alpha, agent)
    client.get(f"/guichet/demandes/{application.pk}/")
    page = client.get(f"/guichet/demandes/{application.pk}/").content.decode()
    assert "Derniers accès au dossier" in page
    assert page.count("Camille Instructrice") >= 2


def test_the_audit_log_filters_by_person_and_date(alpha):
    application, _document = filed(alpha)
    admin = staff_in(alpha, Role.ADMINISTRATEUR)
    agent = staff_in(alpha, Role.AGENT)
    client_for(alpha, agent).get(f"/guichet/demandes/{application.pk}/")
    with inside(alpha):
        old = AuditEntry.objects.create(
            user=admin, application=application, action=AuditAction.READ, detail="entrée-témoin"
        )
        AuditEntry.objects.filter(pk=old.pk).update(at=timezone.now() - datetime.timedelta(days=40))
    client = client_for(alpha, admin)
    everything = client.get("/guichet/journal/").content.decode()
    assert "lecture du dossier" in everything and "entrée-témoin" in everything
    by_agent = client.get("/guichet/journal/", {"user": agent.pk}).content.decode()
    assert "lecture du dossier" in by_agent and "entrée-témoin" not in by_agent
    recent = client.get(
        "/guichet/journal/", {"date_from": (timezone.localdate() - datetime.timedelta(days=7)).isoformat()}
    ).content.decode()
    assert "entrée-témoin" not in recent and "lecture du dossier" in recent


# --- The dossier and its pieces ------------------------------------------------------------------


def test_the_dossier_shows_every_fact_of_the_request(alpha):
    with inside(alpha):
        establishment = EstablishmentFactory(name="Les Petits Loups")
        second = EstablishmentFactory(name="La Ribambelle")
        family = FamilyFactory(outside=True, numero_allocataire="7654321", quotient_familial=1234)
        GuardianFactory(family=family, first_name="Nadia", last_name="Benali", professional_situation="formation")
        child = ChildFactory(family=family, unborn=True, last_name="Benali", aeeh=True)
        application = ApplicationFactory(
            family=family, child=child, wishes=[establishment, second], comment="Horaires décalés le mardi."
        )
    page = client_for(alpha, staff_in(alpha)).get(f"/guichet/demandes/{application.pk}/").content.decode()
    for fact in [
        "Nadia Benali",
        "En formation ou études",
        "Rezé",
        "hors du territoire de la collectivité",
        "7654321",
        "1\u00a0234&nbsp;€",
        "déclaré, non vérifié",
        "Enfant à naître (Benali)",
        "Naissance prévue le",
        "Horaires décalés le mardi.",
        "Lundi",
        "08:30",
        "Les Petits Loups",
        "La Ribambelle",
        "Pièces obligatoires manquantes",
    ]:
        assert fact in page, fact
    assert page.index("Les Petits Loups") < page.index("La Ribambelle")
    assert page.count("<h1") == 1


def test_a_family_of_the_territory_is_shown_as_such(alpha):
    application, _document = filed(alpha)
    page = client_for(alpha, staff_in(alpha)).get(f"/guichet/demandes/{application.pk}/").content.decode()
    assert "sur le territoire de la collectivité" in page


def test_a_pdf_piece_is_shown_in_a_frame_and_served_inline_with_safe_headers(alpha):
    application, document = filed(alpha)
    client = client_for(alpha, staff_in(alpha))
    page = client.get(f"/guichet/pieces/{document.pk}/").content.decode()
    assert f'<iframe src="/guichet/pieces/{document.pk}/fichier"' in page
    assert "frame-ancestors 'none'" in client.get(f"/guichet/pieces/{document.pk}/")["Content-Security-Policy"]
    response = client.get(f"/guichet/pieces/{document.pk}/fichier")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_an_image_piece_is_shown_inline(alpha):
    with inside(alpha):
        application = ApplicationFactory()
        document = DocumentFactory(application=application, image=True)
    client = client_for(alpha, staff_in(alpha))
    page = client.get(f"/guichet/pieces/{document.pk}/").content.decode()
    assert f'<img src="/guichet/pieces/{document.pk}/fichier"' in page
    response = client.get(f"/guichet/pieces/{document.pk}/fichier")
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


# --- Actions: each works ------------------------------------------------------------------------


@pytest.fixture
def desk(alpha):
    """An agent's client and a filed request with one pending piece."""
    application, document = filed(alpha)
    agent = staff_in(alpha)
    return client_for(alpha, agent), agent, application, document


def follow_message(response):
    return [str(message) for message in response.context["messages"]]


def test_validating_a_piece(alpha, desk):
    client, agent, application, document = desk
    response = client.post(f"/guichet/pieces/{document.pk}/verification", {"decision": "valid"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/guichet/demandes/{application.pk}/#pieces"
    assert any("validée" in message for message in follow_message(response))
    with inside(alpha):
        document.refresh_from_db()
        assert (document.status, document.reviewed_by_id) == (DocumentStatus.VALID, agent.pk)


def test_rejecting_a_piece_with_a_reason(alpha, desk):
    client, _agent, application, document = desk
    response = client.post(
        f"/guichet/pieces/{document.pk}/verification", {"decision": "rejected", "reason": "Illisible"}
    )
    assert response.status_code == 302
    with inside(alpha):
        document.refresh_from_db()
        assert (document.status, document.review_reason) == (DocumentStatus.REJECTED, "Illisible")


def test_asking_for_pieces_makes_the_request_incomplete_and_emails_the_family(
    alpha, desk, mailoutbox, django_capture_on_commit_callbacks
):
    client, _agent, application, _document = desk
    with inside(alpha):
        email = application.family.account.email
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/guichet/demandes/{application.pk}/pieces-manquantes", {"reason": "Merci d'ajouter le livret."}
        )
    assert response.status_code == 302
    with inside(alpha):
        application.refresh_from_db()
        change = StatusChange.objects.get(subject=application)
    assert application.status == ApplicationStatus.INCOMPLETE
    assert "Merci d'ajouter le livret." in change.note
    assert "Attestation de quotient familial CAF ou MSA" in change.note
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [email]


def test_verifying_the_quotient_familial(alpha, desk):
    client, agent, application, _document = desk
    response = client.post(f"/guichet/demandes/{application.pk}/quotient-familial", {"value": "812"}, follow=True)
    assert "Quotient familial vérifié." in follow_message(response)
    with inside(alpha):
        family = application.family
        family.refresh_from_db()
    assert (family.quotient_familial, family.quotient_familial_verified_by_id) == (812, agent.pk)
    assert family.quotient_familial_verified_at is not None


def test_marking_a_request_complete_when_every_piece_is_valid(alpha):
    with inside(alpha):
        application = ApplicationFactory()
        complete_pieces(application)
    client = client_for(alpha, staff_in(alpha))
    response = client.post(f"/guichet/demandes/{application.pk}/complete", follow=True)
    assert "La demande est complète." in follow_message(response)
    with inside(alpha):
        assert Application.objects.get(pk=application.pk).status == ApplicationStatus.COMPLETE


def test_messaging_the_family(alpha, desk, mailoutbox, django_capture_on_commit_callbacks):
    client, agent, application, _document = desk
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/guichet/demandes/{application.pk}/message", {"body": "Votre dossier avance."})
    assert response.status_code == 302
    with inside(alpha):
        message = Message.objects.get(application=application)
    assert (message.from_family, message.author_id, message.body) == (False, agent.pk, "Votre dossier avance.")
    assert len(mailoutbox) == 1
    assert "Votre dossier avance." in mailoutbox[0].body


def test_adding_an_internal_note(alpha, desk, mailoutbox, django_capture_on_commit_callbacks):
    client, _agent, application, _document = desk
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/guichet/demandes/{application.pk}/note", {"body": "Appel de la mère le 3."})
    page = client.get(f"/guichet/demandes/{application.pk}/").content.decode()
    assert "Appel de la mère le 3." in page
    assert mailoutbox == []


def test_admitting_a_child_after_acceptance(alpha):
    with inside(alpha):
        application = ApplicationFactory(status=ApplicationStatus.ACCEPTEE)
    client = client_for(alpha, staff_in(alpha))
    page = client.get(f"/guichet/demandes/{application.pk}/").content.decode()
    assert f'<option value="{ApplicationStatus.ADMISE}">admise</option>' in page
    response = client.post(
        f"/guichet/demandes/{application.pk}/statut", {"to_status": ApplicationStatus.ADMISE}, follow=True
    )
    assert "Statut de la demande mis à jour." in follow_message(response)
    with inside(alpha):
        assert Application.objects.get(pk=application.pk).status == ApplicationStatus.ADMISE


def test_cancelling_a_request_with_a_reason(alpha, desk):
    client, agent, application, _document = desk
    response = client.post(
        f"/guichet/demandes/{application.pk}/statut",
        {"to_status": ApplicationStatus.ANNULEE, "reason": "Déménagement"},
    )
    assert response.status_code == 302
    with inside(alpha):
        change = StatusChange.objects.get(subject=application)
        assert AuditEntry.objects.filter(application=application, action=AuditAction.UPDATE).exists()
    assert (change.to_status, change.note, change.user_id) == (ApplicationStatus.ANNULEE, "Déménagement", agent.pk)


# --- Actions: bad input is refused in French and changes nothing ---------------------------------

BAD_ACTIONS = [
    ("reject without reason", "piece", {"decision": "rejected", "reason": "  "}, "Indiquez le motif du refus"),
    ("no decision", "piece", {}, "Ce champ est obligatoire"),
    ("complete with missing pieces", "complete", {}, "Des pièces obligatoires manquent."),
    (
        "transition not in the table",
        "statut",
        {"to_status": ApplicationStatus.ADMISE},
        "ne peut pas passer à « admise »",
    ),
    (
        "transition kept for the family",
        "statut",
        {"to_status": ApplicationStatus.ACCEPTEE},
        "ne peut pas passer à « acceptée »",
    ),
    (
        "complete through the generic form",
        "statut",
        {"to_status": ApplicationStatus.COMPLETE},
        "utilisez l'action prévue",
    ),
    ("cancel without reason", "statut", {"to_status": ApplicationStatus.ANNULEE}, "Indiquez le motif"),
    ("unknown status", "statut", {"to_status": "nimporte"}, "Sélectionnez un choix valide"),
    ("empty message", "message", {"body": "   "}, "Ce champ est obligatoire"),
    ("empty note", "note", {"body": ""}, "Ce champ est obligatoire"),
    ("negative QF", "quotient-familial", {"value": "-5"}, "supérieure ou égale à 0"),
    ("QF not a number", "quotient-familial", {"value": "beaucoup"}, "Saisissez un nombre entier"),
]


@pytest.mark.parametrize(("case", "action", "data", "message"), BAD_ACTIONS, ids=[case[0] for case in BAD_ACTIONS])
def test_bad_input_gets_a_french_message_a_400_and_changes_nothing(
    alpha, desk, case, action, data, message, mailoutbox, django_capture_on_commit_callbacks
):
    client, _agent, application, document = desk
    before = state_of(alpha, application)
    url = (
        f"/guichet/pieces/{document.pk}/verification"
        if action == "piece"
        else f"/guichet/demandes/{application.pk}/{action}"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 400
    assert message in text(response)
    assert state_of(alpha, application) == before
    assert mailoutbox == []


def test_pieces_cannot_be_asked_for_once_the_request_is_in_commission(alpha, desk):
    client, _agent, application, _document = desk
    with inside(alpha):
        Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.EN_COMMISSION)
    before = state_of(alpha, application)
    response = client.post(f"/guichet/demandes/{application.pk}/pieces-manquantes", {"reason": "encore"})
    assert response.status_code == 400
    assert "ne peut pas passer à « incomplète »" in text(response)
    assert state_of(alpha, application) == before


def test_completing_needs_every_piece_validated(alpha):
    with inside(alpha):
        application = ApplicationFactory()
        complete_pieces(application, status=DocumentStatus.PENDING)
    response = client_for(alpha, staff_in(alpha)).post(f"/guichet/demandes/{application.pk}/complete")
    assert response.status_code == 400
    assert "Toutes les pièces obligatoires doivent être validées." in response.content.decode()
    with inside(alpha):
        assert Application.objects.get(pk=application.pk).status == ApplicationStatus.DEPOSEE


# --- The queue: filters, search, order, counts -------------------------------------------------


@pytest.fixture
def population(alpha):
    """Six requests that each filter tells apart."""
    with inside(alpha):
        SectionFactory(code="bebes", name="Bébés", min_age_months=0, max_age_months=12)
        SectionFactory(code="grands", name="Grands", min_age_months=24, max_age_months=36)
        soleil = EstablishmentFactory(name="Crèche Soleil")
        now = timezone.now()
        today = timezone.localdate()
        rows = {
            "ancien": ApplicationFactory(
                submitted_at=now - datetime.timedelta(days=30),
                child__last_name="Ancien",
                child__birth_date=today - datetime.timedelta(days=120),
                desired_start=today + datetime.timedelta(days=60),
                wishes=[soleil],
            ),
            "complet": ApplicationFactory(
                status=ApplicationStatus.COMPLETE,
                submitted_at=now - datetime.timedelta(days=20),
                child__last_name="Complet",
                child__birth_date=today - datetime.timedelta(days=800),
                desired_start=today + datetime.timedelta(days=200),
            ),
            "rezeen": ApplicationFactory(
                family__outside=True,
                submitted_at=now - datetime.timedelta(days=10),
                child__last_name="Rezeen",
                kind="occasionnel",
            ),
            "recent": ApplicationFactory(submitted_at=now - datetime.timedelta(days=1), child__last_name="Recent"),
        }
        GuardianFactory(family=rows["recent"].family, first_name="Yasmina", last_name="Oubliée")
        complete_pieces(rows["complet"])
    return rows


def numbers_in(content, rows):
    return [name for name, application in rows.items() if application.number in content]


def test_the_queue_lists_the_oldest_filing_first(alpha, population):
    page = client_for(alpha, staff_in(alpha)).get("/guichet/demandes/").content.decode()
    positions = [page.index(application.number) for application in population.values()]
    assert positions == sorted(positions)
    assert "Crèche Soleil" in page


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": ApplicationStatus.COMPLETE}, ["complet"]),
        ({"commune": "44109"}, ["ancien", "complet", "recent"]),
        ({"commune": "hors"}, ["rezeen"]),
        ({"section": "bebes"}, ["ancien", "rezeen", "recent"]),
        ({"section": "grands"}, ["complet"]),
        ({"kind": "occasionnel"}, ["rezeen"]),
        ({"start_from": "START+100"}, ["complet"]),
        ({"start_to": "START+100"}, ["ancien", "rezeen", "recent"]),
        ({"missing": "oui"}, ["ancien", "rezeen", "recent"]),
        ({"missing": "non"}, ["complet"]),
        ({"q": "ancien"}, ["ancien"]),
        ({"q": "yasmina oubli"}, ["recent"]),
        ({"q": "NUMBER:rezeen"}, ["rezeen"]),
        ({"status": ApplicationStatus.DEPOSEE, "commune": "44109", "missing": "oui"}, ["ancien", "recent"]),
    ],
)
def test_filters_and_search_return_the_right_requests(alpha, population, params, expected):
    start = timezone.localdate() + datetime.timedelta(days=100)
    params = {
        key: value.replace("START+100", start.isoformat())
        if not value.startswith("NUMBER:")
        else population[value.removeprefix("NUMBER:")].number.lower()
        for key, value in params.items()
    }
    client = client_for(alpha, staff_in(alpha))
    page = client.get("/guichet/demandes/", params).content.decode()
    assert numbers_in(page, population) == expected
    api = client.get("/api/v1/guichet/demandes/", params).json()
    assert [row["number"] for row in api["results"]] == [population[name].number for name in expected]


def test_status_counts_follow_the_other_filters(alpha, population):
    client = client_for(alpha, staff_in(alpha))
    page = client.get("/guichet/demandes/", {"commune": "44109"}).content.decode()
    assert "Déposée : 2" in page
    assert "Complète : 1" in page
    assert "status=complete" in page and "commune=44109" in page


def test_a_wrong_date_is_reported_and_the_other_filters_still_apply(alpha, population):
    page = (
        client_for(alpha, staff_in(alpha))
        .get("/guichet/demandes/", {"start_from": "hier", "status": ApplicationStatus.COMPLETE})
        .content.decode()
    )
    assert "Saisissez une date valide." in page
    assert numbers_in(page, population) == ["complet"]


def test_the_queue_is_paginated_by_fifty(alpha):
    with inside(alpha):
        ApplicationFactory.create_batch(51)
    client = client_for(alpha, staff_in(alpha))
    first = client.get("/guichet/demandes/")
    assert len(first.context["page"].object_list) == 50
    assert "Page 1 sur 2" in first.content.decode()
    assert len(client.get("/guichet/demandes/", {"page": 2}).context["page"].object_list) == 1


def test_the_htmx_fragment_equals_the_results_in_the_full_page(alpha, population):
    client = client_for(alpha, staff_in(alpha))
    params = {"commune": "44109", "missing": "oui"}
    full = client.get("/guichet/demandes/", params).content.decode()
    fragment = client.get(
        "/guichet/demandes/", params, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue-results"
    ).content.decode()
    assert "<html" not in fragment and "<form" not in fragment
    assert population["ancien"].number in fragment
    start = full.index('<div id="queue-results">') + len('<div id="queue-results">')
    assert full[start:].strip().startswith(fragment.strip())
    assert fragment.strip() in full
    assert 'hx-get="/guichet/demandes/"' in full and 'hx-target="#queue-results"' in full


# --- Bounded queries ----------------------------------------------------------------------------


def populate(collectivite, count):
    with inside(collectivite):
        establishments = EstablishmentFactory.create_batch(3)
        for index in range(count):
            application = ApplicationFactory(wishes=establishments[: 1 + index % 3])
            GuardianFactory(family=application.family)
            DocumentFactory(application=application)


QUEUE_QUERY_BOUND = 12


@pytest.mark.parametrize("count", [5, 40])
def test_the_queue_runs_a_bounded_number_of_queries(alpha, count, django_assert_max_num_queries):
    populate(alpha, count)
    client = client_for(alpha, staff_in(alpha))
    with django_assert_max_num_queries(QUEUE_QUERY_BOUND):
        response = client.get("/guichet/demandes/", {"q": "enfant", "missing": "oui"})
    assert len(response.context["page"].object_list) == count
    with django_assert_max_num_queries(QUEUE_QUERY_BOUND):
        client.get("/guichet/demandes/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue-results")
    with django_assert_max_num_queries(QUEUE_QUERY_BOUND):
        assert client.get("/api/v1/guichet/demandes/").json()["count"] == count


# The grid in force (regulation + criteria), the pieces to ask for, the emails sent, the offers and their answer.
DOSSIER_QUERY_BOUND = 27


@pytest.mark.parametrize("count", [5, 40])
def test_the_dossier_runs_a_bounded_number_of_queries(alpha, count, django_assert_max_num_queries):
    agent = staff_in(alpha)
    with inside(alpha):
        establishments = EstablishmentFactory.create_batch(5)
        application = ApplicationFactory(wishes=establishments)
        for index in range(count):
            # One current piece; the others, history (replaced), still listed with what replaced them.
            DocumentFactory(
                application=application,
                status=DocumentStatus.PENDING if index == count - 1 else DocumentStatus.REPLACED,
            )
            Message.objects.create(application=application, author=agent, from_family=bool(index % 2), body="m")
            InternalNote.objects.create(application=application, author=agent, body="n")
            StatusChange.objects.create(
                subject=application,
                from_status=ApplicationStatus.DEPOSEE,
                to_status=ApplicationStatus.DEPOSEE,
                actor="staff",
                user=agent,
            )
            AuditEntry.objects.create(application=application, user=agent, action=AuditAction.READ)
    client = client_for(alpha, agent)
    with django_assert_max_num_queries(DOSSIER_QUERY_BOUND):
        response = client.get(f"/guichet/demandes/{application.pk}/")
    assert len(response.context["documents"]) + len(response.context["past_documents"]) == count


# --- Export ------------------------------------------------------------------------------------


def test_the_csv_export_holds_the_filtered_rows_and_is_audited(alpha, population):
    agent = staff_in(alpha)
    client = client_for(alpha, agent)
    response = client.get("/guichet/demandes/export.csv", {"commune": "44109", "missing": "oui"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Numéro", "Statut", "Enfant"]
    assert [row[0] for row in rows[1:]] == [population["ancien"].number, population["recent"].number]
    recent = rows[2]
    assert "Yasmina Oubliée" in recent[4]
    assert recent[13] == "oui"
    with inside(alpha):
        entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.user_id == agent.pk
    assert "CSV" in entry.detail and "2 demande(s)" in entry.detail


def test_the_xlsx_export_holds_the_filtered_rows_and_is_audited(alpha, population):
    client = client_for(alpha, staff_in(alpha))
    response = client.get("/guichet/demandes/export.xlsx", {"status": ApplicationStatus.COMPLETE})
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(rows) == 2
    assert rows[1][0] == population["complet"].number
    assert rows[1][13] == "non"
    with inside(alpha):
        assert AuditEntry.objects.filter(action=AuditAction.EXPORT, detail__contains="XLSX").count() == 1


def test_exports_neutralise_spreadsheet_formulas(alpha):
    with inside(alpha):
        family = FamilyFactory(commune='=HYPERLINK("http://evil")', address="+33")
        GuardianFactory(family=family, first_name="@SUM(1)", last_name="-2")
        ApplicationFactory(family=family, child__last_name="Normal")
    client = client_for(alpha, staff_in(alpha))
    rows = list(
        csv.reader(io.StringIO(client.get("/guichet/demandes/export.csv").content.decode("utf-8-sig")), delimiter=";")
    )
    assert rows[1][5] == '\'=HYPERLINK("http://evil")'
    assert rows[1][4] == "'@SUM(1) -2"
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/guichet/demandes/export.xlsx").content)).active
    assert sheet.cell(row=2, column=6).value == '\'=HYPERLINK("http://evil")'
    assert sheet.cell(row=2, column=6).data_type == "s"


def test_an_unknown_export_format_is_not_found(alpha):
    assert client_for(alpha, staff_in(alpha)).get("/guichet/demandes/export.pdf").status_code == 404
