"""The family's and the guichet's daily journey: pieces as a small workflow, one request per child,
forms that say what is wrong where it is wrong, and a status box that says what is asked now."""

import datetime
import html
import io
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from families import services
from families.enums import Actor, ApplicationStatus, DocumentStatus
from families.models import Application, Child, Document, DocumentType, StatusChange
from families.workflow import DOCUMENT_TRANSITIONS, TransitionError, check_document_transition
from tests.families.factories import application_in, child_in, establishment_in, family_in, pdf_bytes, upload
from tests.families.test_guichet import inside, staff_in
from tests.utils import client_for


def text(response):
    """The page as a person reads it: entities decoded, white space collapsed."""
    return " ".join(html.unescape(response.content.decode()).split())


def required_kinds(collectivite):
    with inside(collectivite):
        return list(DocumentType.objects.filter(required=True, is_active=True))


def upload_piece(client, application, kind, name=None):
    return client.post(
        f"/famille/demandes/{application.pk}/pieces/",
        {"document_type": kind.pk, "file": upload(name or f"{kind.code}.pdf", pdf_bytes(kind.label))},
    )


def current_piece(collectivite, application, kind):
    with inside(collectivite):
        return Document.objects.get(
            application=application, document_type=kind, status__in=["pending", "valid", "rejected"]
        )


def review(client, document, decision, reason=""):
    return client.post(f"/guichet/pieces/{document.pk}/verification", {"decision": decision, "reason": reason})


@pytest.fixture
def filed_request(alpha):
    """A family's request, filed, with its client, and an agent's client."""
    establishment = establishment_in(alpha)
    user, family, child = family_in(alpha)
    application = application_in(alpha, family, child, status=ApplicationStatus.DEPOSEE, establishment=establishment)
    return client_for(alpha, user), client_for(alpha, staff_in(alpha)), application


# --- Pieces: a small workflow where only the current piece of each type counts ------------------


def test_the_whole_journey_reject_a_piece_replace_it_validate_it_mark_complete(alpha, filed_request):
    family_client, agent_client, application = filed_request
    kinds = required_kinds(alpha)
    for kind in kinds:
        response = upload_piece(family_client, application, kind)
        assert response.status_code == 302
        assert response["Location"].endswith(f"/famille/demandes/{application.pk}/#piece-{kind.code}")
    illegible = current_piece(alpha, application, kinds[0])
    assert review(agent_client, illegible, "rejected", "Illisible").status_code == 302
    for kind in kinds[1:]:
        assert review(agent_client, current_piece(alpha, application, kind), "valid").status_code == 302

    assert upload_piece(family_client, application, kinds[0], "lisible.pdf").status_code == 302
    replacement = current_piece(alpha, application, kinds[0])
    assert replacement.pk != illegible.pk
    assert review(agent_client, replacement, "valid").status_code == 302
    response = agent_client.post(f"/guichet/demandes/{application.pk}/complete")

    assert response.status_code == 302, text(response)
    with inside(alpha):
        assert Application.objects.get(pk=application.pk).status == ApplicationStatus.COMPLETE
        illegible.refresh_from_db()
        assert (illegible.status, illegible.review_reason) == (DocumentStatus.REPLACED, "Illisible")
        assert illegible.replaced_by.pk == replacement.pk
    dossier = text(agent_client.get(f"/guichet/demandes/{application.pk}/"))
    assert "Historique des pièces" in dossier
    assert "remplacée par « lisible.pdf »" in dossier


def test_a_replaced_piece_is_shown_to_the_family_as_replaced_never_as_validated(alpha, filed_request):
    family_client, agent_client, application = filed_request
    kind = required_kinds(alpha)[0]
    upload_piece(family_client, application, kind, "flou.pdf")
    review(agent_client, current_piece(alpha, application, kind), "rejected", "Illisible")
    upload_piece(family_client, application, kind, "net.pdf")
    page = text(family_client.get(f"/famille/demandes/{application.pk}/"))
    history = page[page.index("Pièces remplacées ou retirées") :]
    assert "flou.pdf" in history and "remplacée — Illisible" in history
    assert f'id="piece-{kind.code}"' in page


def test_a_validated_piece_cannot_be_replaced_by_the_family(alpha, filed_request):
    family_client, agent_client, application = filed_request
    kind = required_kinds(alpha)[0]
    upload_piece(family_client, application, kind)
    review(agent_client, current_piece(alpha, application, kind), "valid")
    response = upload_piece(family_client, application, kind, "autre.pdf")
    assert response.status_code == 400
    assert "est déjà validée : écrivez au guichet" in text(response)
    with inside(alpha):
        assert Document.objects.filter(application=application).count() == 1


def test_the_family_withdraws_a_pending_piece_after_a_confirmation_page(alpha, filed_request):
    family_client, _agent_client, application = filed_request
    kind = required_kinds(alpha)[0]
    upload_piece(family_client, application, kind)
    document = current_piece(alpha, application, kind)
    confirmation = family_client.get(f"/famille/pieces/{document.pk}/retirer/")
    assert confirmation.status_code == 200
    assert "Oui, retirer la pièce" in text(confirmation)
    assert current_piece(alpha, application, kind).status == DocumentStatus.PENDING
    response = family_client.post(f"/famille/pieces/{document.pk}/retirer/")
    assert response.status_code == 302
    with inside(alpha):
        document.refresh_from_db()
        assert document.status == DocumentStatus.WITHDRAWN
        assert kind in services.missing_document_types(application)


def test_a_validated_piece_cannot_be_withdrawn(alpha, filed_request):
    family_client, agent_client, application = filed_request
    kind = required_kinds(alpha)[0]
    upload_piece(family_client, application, kind)
    document = current_piece(alpha, application, kind)
    review(agent_client, document, "valid")
    response = family_client.post(f"/famille/pieces/{document.pk}/retirer/")
    assert response.status_code == 400
    assert current_piece(alpha, application, kind).status == DocumentStatus.VALID


ALL_DOCUMENT_MOVES = [(frm, to) for frm in DocumentStatus.values for to in DocumentStatus.values if frm != to]


@pytest.mark.parametrize(("from_status", "to_status"), ALL_DOCUMENT_MOVES)
@pytest.mark.parametrize("actor", Actor.values)
def test_a_piece_moves_only_as_its_table_allows(from_status, to_status, actor):
    if actor in DOCUMENT_TRANSITIONS.get((from_status, to_status), set()):
        check_document_transition(from_status, to_status, actor)
    else:
        with pytest.raises(TransitionError):
            check_document_transition(from_status, to_status, actor)


def test_the_database_keeps_one_current_piece_per_type(alpha, filed_request):
    family_client, _agent_client, application = filed_request
    kind = required_kinds(alpha)[0]
    upload_piece(family_client, application, kind)
    first = current_piece(alpha, application, kind)
    with inside(alpha), pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.create(
            application=application,
            document_type=kind,
            file=first.file.name,
            original_name="doublon.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
        )


def test_the_agent_s_request_for_a_piece_is_a_checklist_in_the_family_s_status_box(alpha, filed_request):
    family_client, agent_client, application = filed_request
    with inside(alpha):
        optional = DocumentType.objects.get(code="imposition")
    response = agent_client.post(
        f"/guichet/demandes/{application.pk}/pieces-manquantes",
        {"reason": "Merci d'ajouter votre avis d'imposition.", "document_types": [optional.pk]},
    )
    assert response.status_code == 302
    page = text(family_client.get(f"/famille/demandes/{application.pk}/"))
    status_box = page[page.index('role="status"') : page.index("Votre demande</h2>")]
    assert "Ce que le guichet vous demande" in status_box
    assert "Le guichet, le" in status_box and "Merci d'ajouter votre avis d'imposition." in status_box
    assert f'<a href="#piece-imposition">{optional.label}</a> — à fournir' in status_box
    assert "J'ai complété ma demande" in status_box and "il reprend alors l'instruction" in status_box
    to_provide = page[page.index("Pièces à fournir</h3>") : page.index("Ajouter ou remplacer une pièce")]
    assert optional.label in to_provide and "demandée par le guichet" in to_provide

    upload_piece(family_client, application, optional)
    page = text(family_client.get(f"/famille/demandes/{application.pk}/"))
    assert "déposée, le guichet la vérifiera" in page


# --- One request per child ---------------------------------------------------------------------


def request_form_data(establishment, start=None):
    start = start or (timezone.localdate() + datetime.timedelta(days=70)).replace(day=1)
    return {
        "kind": "regulier",
        "desired_start": start.isoformat(),
        "mon_start": "08:00",
        "mon_end": "17:00",
        "wants_collective": "on",
        "wish_1": str(establishment.pk),
    }


def test_a_second_request_for_the_same_child_is_refused_by_the_form(alpha):
    establishment = establishment_in(alpha)
    user, family, child = family_in(alpha)
    first = application_in(alpha, family, child, status=ApplicationStatus.DEPOSEE)
    client = client_for(alpha, user)
    response = client.get(f"/famille/enfants/{child.pk}/demande/")
    assert response.status_code == 302 and response["Location"] == f"/famille/demandes/{first.pk}/"
    response = client.post(f"/famille/enfants/{child.pk}/demande/", request_form_data(establishment))
    assert response.status_code == 400
    assert "a déjà une demande en cours : une seule demande par enfant" in text(response)
    with inside(alpha):
        assert Application.objects.filter(child=child).count() == 1


def test_a_second_request_for_the_same_child_is_refused_by_the_api(alpha):
    establishment = establishment_in(alpha)
    user, family, child = family_in(alpha)
    application_in(alpha, family, child)
    start = (timezone.localdate() + datetime.timedelta(days=70)).replace(day=1)
    response = client_for(alpha, user).post(
        "/api/v1/demandes/",
        {
            "child": child.pk,
            "kind": "regulier",
            "desired_start": start.isoformat(),
            "planning": {"mon": ["08:00", "17:00"]},
            "wants_collective": True,
            "wishes": [establishment.pk],
        },
        content_type="application/json",
    )
    assert response.status_code == 409
    assert "une seule demande par enfant" in str(response.json())
    with inside(alpha):
        assert Application.objects.filter(child=child).count() == 1


def test_a_second_live_request_for_the_same_child_is_refused_by_the_database(alpha):
    _user, family, child = family_in(alpha)
    first = application_in(alpha, family, child, status=ApplicationStatus.LISTE_ATTENTE)
    with inside(alpha), pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(
            family=family, child=child, desired_start=first.desired_start, status=ApplicationStatus.BROUILLON
        )


def test_two_requests_arriving_together_one_is_refused_by_the_database_in_french(alpha, monkeypatch):
    """Both passed the form's check before either was written: the constraint decides."""
    _user, family, child = family_in(alpha)
    application_in(alpha, family, child)
    monkeypatch.setattr(services, "live_application_of", lambda child: None)
    with inside(alpha), pytest.raises(services.ValidationError, match="une seule demande par enfant"):
        services.application_create(
            family=family,
            child=child,
            fields={"desired_start": timezone.localdate() + datetime.timedelta(days=60), "planning": {}},
            establishments=[],
        )


def test_a_cancelled_request_lets_the_family_file_a_new_one(alpha):
    _user, family, child = family_in(alpha)
    application_in(alpha, family, child, status=ApplicationStatus.ANNULEE)
    application_in(alpha, family, child, status=ApplicationStatus.BROUILLON)
    with inside(alpha):
        assert Application.objects.filter(child=child).count() == 2


def test_the_request_button_is_gone_once_the_child_has_a_request(alpha):
    user, family, child = family_in(alpha)
    second = child_in(alpha, family, "Sam")
    application = application_in(alpha, family, child, status=ApplicationStatus.DEPOSEE)
    page = text(client_for(alpha, user).get("/famille/"))
    assert f'href="/famille/enfants/{child.pk}/demande/"' not in page
    assert f'href="/famille/demandes/{application.pk}/"' in page
    assert f'href="/famille/enfants/{second.pk}/demande/"' in page


# --- The request form: dates from the child, errors at their field -----------------------------


def test_the_start_date_defaults_to_a_date_the_unborn_child_can_be_admitted_at(alpha):
    establishment_in(alpha)  # youngest section: 2 months
    user, family, _child = family_in(alpha)
    due = timezone.localdate() + datetime.timedelta(days=75)
    with inside(alpha):
        unborn = Child.objects.create(family=family, last_name="Durand", expected_date=due)
    response = client_for(alpha, user).get(f"/famille/enfants/{unborn.pk}/demande/")
    start = response.context["form"].initial["desired_start"]
    assert start.day == 1
    assert start >= due + relativedelta(months=2)
    assert start < due + relativedelta(months=3, days=1)


def test_a_start_date_before_the_child_can_be_admitted_is_one_error_next_to_the_date(alpha):
    establishment = establishment_in(alpha)
    user, family, _child = family_in(alpha)
    due = timezone.localdate() + datetime.timedelta(days=75)
    with inside(alpha):
        unborn = Child.objects.create(family=family, last_name="Durand", expected_date=due)
    too_early = (timezone.localdate() + datetime.timedelta(days=40)).replace(day=1) + relativedelta(months=1)
    data = {**request_form_data(establishment, too_early), "wish_2": str(establishment_in(alpha, "les-loupiots").pk)}
    response = client_for(alpha, user).post(f"/famille/enfants/{unborn.pk}/demande/", data)
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == ["desired_start"]
    page = text(response)
    assert page.count("n'aura pas encore l'âge d'être accueilli") == 1
    assert "mois à la date d'entrée" not in page
    assert 'id="id_desired_start_error"' in page


def test_an_establishment_that_does_not_take_the_age_is_told_at_its_vœu(alpha):
    user, family, child = family_in(alpha)  # ten months old
    with inside(alpha):
        from tests.families.factories import SectionFactory

        babies = SectionFactory(min_age_months=2, max_age_months=6).establishment
    response = client_for(alpha, user).post(f"/famille/enfants/{child.pk}/demande/", request_form_data(babies))
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["wish_1"]
    assert text(response).count("n'accueille pas un enfant de") == 1


# --- Confirmations and attributed words ---------------------------------------------------------


def test_cancelling_asks_for_confirmation_and_the_email_gives_the_family_s_own_words(
    alpha, filed_request, mailoutbox, django_capture_on_commit_callbacks
):
    family_client, _agent_client, application = filed_request
    page = text(family_client.get(f"/famille/demandes/{application.pk}/"))
    assert f'href="/famille/demandes/{application.pk}/annuler/"' in page
    confirmation = family_client.get(f"/famille/demandes/{application.pk}/annuler/")
    assert confirmation.status_code == 200
    assert "Oui, annuler la demande" in text(confirmation) and "définitive" in text(confirmation)
    with inside(alpha):
        assert Application.objects.get(pk=application.pk).status == ApplicationStatus.DEPOSEE
    with django_capture_on_commit_callbacks(execute=True):
        response = family_client.post(f"/famille/demandes/{application.pk}/annuler/", {"reason": "Nous déménageons"})
    assert response.status_code == 302
    body = mailoutbox[-1].body
    assert "Votre motif :\nNous déménageons" in body
    assert "Précisions du guichet" not in body


def test_the_guichet_s_reason_is_attributed_to_the_guichet(
    alpha, filed_request, mailoutbox, django_capture_on_commit_callbacks
):
    _family_client, agent_client, application = filed_request
    with django_capture_on_commit_callbacks(execute=True):
        agent_client.post(
            f"/guichet/demandes/{application.pk}/statut", {"to_status": ApplicationStatus.ANNULEE, "reason": "Doublon"}
        )
    assert "Précisions du guichet :\nDoublon" in mailoutbox[-1].body


# --- After deposit: consistent messages, the attestation, the renewal --------------------------


def test_after_deposit_the_messages_agree_and_the_attestation_is_there(alpha, django_capture_on_commit_callbacks):
    establishment = establishment_in(alpha)
    user, family, child = family_in(alpha)
    application = application_in(alpha, family, child, establishment=establishment)
    client = client_for(alpha, user)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert client.post(f"/famille/demandes/{application.pk}/deposer/", {"consent": "on"}).status_code == 302
    while_queued = text(client.get(f"/famille/demandes/{application.pk}/"))
    assert "Demande déposée" in while_queued and "prête ci-dessous" not in while_queued
    assert "L'attestation de dépôt est en préparation" in while_queued
    for callback in queued:
        callback()
    built = text(client.get(f"/famille/demandes/{application.pk}/"))
    assert "en préparation" not in built
    assert "Télécharger l'attestation de dépôt (PDF)" in built
    with inside(alpha):
        application.refresh_from_db()
        assert application.attestation and application.attestation_queued_at is None


def test_en_preparation_is_shown_only_while_a_build_is_queued(alpha):
    user, family, child = family_in(alpha)
    application = application_in(alpha, family, child, status=ApplicationStatus.DEPOSEE)
    client = client_for(alpha, user)
    assert "en préparation" not in text(client.get(f"/famille/demandes/{application.pk}/"))
    with inside(alpha):
        Application.objects.filter(pk=application.pk).update(attestation_queued_at=timezone.now())
    assert "en préparation" in text(client.get(f"/famille/demandes/{application.pk}/"))
    with inside(alpha):
        Application.objects.filter(pk=application.pk).update(
            attestation_queued_at=timezone.now() - datetime.timedelta(hours=1)
        )
    assert "en préparation" not in text(client.get(f"/famille/demandes/{application.pk}/"))


def test_a_missing_attestation_is_rebuilt_on_demand_with_every_mode_asked(alpha):
    user, family, child = family_in(alpha)
    application = application_in(alpha, family, child, status=ApplicationStatus.DEPOSEE)
    with inside(alpha):
        Application.objects.filter(pk=application.pk).update(wants_shared_home_care=True)
    response = client_for(alpha, user).get(f"/famille/demandes/{application.pk}/attestation.pdf")
    assert response.status_code == 200
    pdf = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    content = " ".join("".join(page.extract_text() for page in pdf.pages).split())
    assert application.number in content
    assert "garde partagée" in content


def test_seeding_the_demo_builds_every_filed_request_attestation(alpha, settings, django_capture_on_commit_callbacks):
    """seed_demo marks each filed request's attestation as queued, and the sweep it queues builds them all."""
    from families.demo import attestations_queue_demo

    settings.DEMO_ATTESTATIONS = True
    user, family, child = family_in(alpha)
    _second_user, second_family, second_child = family_in(alpha, email="famille2@alpha.test")
    application_in(alpha, family, child, status=ApplicationStatus.DEPOSEE)
    application_in(alpha, second_family, second_child, status=ApplicationStatus.COMPLETE)
    with inside(alpha):
        filed = Application.objects.filter(submitted_at__isnull=False)
        filed.update(attestation="", attestation_queued_at=None)
        assert filed.count() == 2
        with django_capture_on_commit_callbacks(execute=True):
            attestations_queue_demo()
            assert filed.filter(attestation_queued_at__isnull=False).count() == 2
        assert not filed.filter(attestation="").exists()
        assert not filed.filter(attestation_queued_at__isnull=False).exists()


def test_the_renewal_date_is_explained(alpha):
    user, family, child = family_in(alpha)
    application = application_in(alpha, family, child, status=ApplicationStatus.DEPOSEE)
    with inside(alpha):
        Application.objects.filter(pk=application.pk).update(renewal_due_on=timezone.localdate())
    page = text(client_for(alpha, user).get(f"/famille/demandes/{application.pk}/"))
    assert re.search(r"se renouvelle tous les 6 mois : vous recevrez un courriel", page)
    assert "Sans réponse 30 jours après cette date, la demande expire." in page


# --- The foyer form ----------------------------------------------------------------------------


def foyer_data(**overrides):
    data = {
        "responsables-TOTAL_FORMS": "2",
        "responsables-INITIAL_FORMS": "0",
        "responsables-MIN_NUM_FORMS": "1",
        "responsables-MAX_NUM_FORMS": "2",
        "address": "3 rue Haute",
        "postal_code": "44000",
        "commune_choice": "44109",
        "dependent_children": "1",
    }
    return {**data, **overrides}


def test_the_foyer_form_asks_for_a_responsable_in_plain_french(alpha):
    from portal.accounts.roles import Role
    from tests.utils import user_in

    user = user_in(alpha, email="nouveau@alpha.test", roles=[Role.PARENT])
    response = client_for(alpha, user).post("/famille/foyer/", foyer_data())
    assert response.status_code == 400
    page = text(response)
    assert "Veuillez soumettre" not in page
    assert "Indiquez au moins un responsable de l'enfant" in page


def test_the_foyer_form_helps_find_the_quotient_familial_and_keeps_the_commune_by_the_address(alpha):
    user, _family, _child = family_in(alpha)
    page = text(client_for(alpha, user).get("/famille/foyer/"))
    assert "caf.fr" in page and "attestation de quotient familial" in page
    positions = [page.index(f'name="{name}"') for name in ("address", "postal_code", "commune_choice")]
    assert positions == sorted(positions)
    assert page.index('name="commune_choice"') < page.index('name="numero_allocataire"')
    assert page.count("Elles peuvent donner des points selon le règlement") == 1


# --- Modes: MAM and garde partagée; an assistant maternel's next step; the queue shows the modes ---


def test_mam_and_garde_partagee_are_modes_of_the_request(alpha):
    user, _family, child = family_in(alpha)
    data = {
        **request_form_data(establishment_in(alpha)),
        "wants_collective": "",
        "wish_1": "",
        "wants_mam": "on",
        "wants_shared_home_care": "on",
    }
    response = client_for(alpha, user).post(f"/famille/enfants/{child.pk}/demande/", data)
    assert response.status_code == 302, response.context["form"].errors
    with inside(alpha):
        application = Application.objects.get(child=child)
        assert [mode.value for mode in application.modes] == ["mam", "shared_home_care"]


def test_a_request_for_an_assistant_maternel_shows_the_family_whom_to_contact(alpha, filed_request):
    family_client, _agent_client, application = filed_request
    alpha.contact_email, alpha.contact_phone = "petite-enfance@alpha.test", "02 40 00 00 00"
    alpha.save(update_fields=["contact_email", "contact_phone"])
    page = text(family_client.get(f"/famille/demandes/{application.pk}/"))
    assert "Votre prochaine étape pour un·e assistant·e maternel·le" not in page
    with inside(alpha):
        Application.objects.filter(pk=application.pk).update(wants_mam=True)
    page = text(family_client.get(f"/famille/demandes/{application.pk}/"))
    step = page[page.index("Votre prochaine étape pour un·e assistant·e maternel·le") :]
    assert 'href="tel:0240000000"' in step and "petite-enfance@alpha.test" in step


def test_the_queue_filters_and_shows_the_modes_asked(alpha):
    with inside(alpha):
        from tests.families.factories import ApplicationFactory

        creche = ApplicationFactory(child__last_name="Creche")
        mam = ApplicationFactory(child__last_name="Mam", wants_collective=False, wants_mam=True)
    client = client_for(alpha, staff_in(alpha))
    page = text(client.get("/guichet/demandes/", {"mode": "mam"}))
    assert mam.number in page and creche.number not in page
    assert "Modes demandés" in page and "maison d'assistants maternels (MAM)" in page
    rows = client.get("/api/v1/guichet/demandes/", {"mode": "mam"}).json()["results"]
    assert [(row["number"], row["modes"]) for row in rows] == [(mam.number, ["mam"])]


def test_a_new_period_after_expiry_moves_the_same_request_not_a_new_row(alpha):
    establishment = establishment_in(alpha)
    user, family, child = family_in(alpha)
    expired = application_in(alpha, family, child, status=ApplicationStatus.EXPIREE, establishment=establishment)
    client = client_for(alpha, user)
    assert client.get(f"/famille/enfants/{child.pk}/demande/")["Location"] == f"/famille/demandes/{expired.pk}/"
    response = client.post(f"/famille/enfants/{child.pk}/demande/", request_form_data(establishment))
    assert response.status_code == 400 and "reprenez-la pour une nouvelle période" in text(response)
    assert "Reprendre ma demande" in text(client.get(f"/famille/demandes/{expired.pk}/"))
    assert client.post(f"/famille/demandes/{expired.pk}/reprendre/").status_code == 302
    with inside(alpha):
        application = Application.objects.get(child=child)
        assert application.pk == expired.pk and application.status == ApplicationStatus.DEPOSEE
        assert application.renewal_due_on > timezone.localdate()
        change = StatusChange.objects.filter(subject=application).last()
        assert (change.from_status, change.actor) == (ApplicationStatus.EXPIREE, Actor.FAMILY)


def test_two_requests_racing_for_one_child_one_is_created(db):
    """Two connections create a request for the same child at the same moment: the database lets one through."""
    import threading

    from django.db import connections

    from portal.models import Collectivite

    metz = Collectivite.objects.get(slug="metz")
    with inside(metz):
        child = Child.objects.get(family__account__email="parent2@metz.demo")
        assert services.live_application_of(child) is None
    barrier, outcomes = threading.Barrier(2), []

    def file_request():
        try:
            with tenant_context(metz), transaction.atomic():
                barrier.wait(timeout=10)
                services.application_create(
                    family=child.family,
                    child=child,
                    fields={"desired_start": timezone.localdate() + datetime.timedelta(days=200), "planning": {}},
                    establishments=[],
                )
                outcomes.append("created")
        except services.ValidationError as error:
            outcomes.append(" ".join(error.messages))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=file_request) for _ in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert len(outcomes) == 2 and outcomes.count("created") == 1
        assert "une seule demande par enfant" in next(outcome for outcome in outcomes if outcome != "created")
    finally:
        # The threads committed in their own connections: put the demo back as it was, committed likewise.
        def clean_up():
            with tenant_context(metz):
                Application.objects.filter(child=child).delete()
            connections.close_all()

        cleaner = threading.Thread(target=clean_up)
        cleaner.start()
        cleaner.join(timeout=30)


def test_a_request_cannot_come_back_to_life_while_the_child_has_another_one(alpha):
    _user, family, child = family_in(alpha)
    expired = application_in(alpha, family, child, status=ApplicationStatus.EXPIREE)
    with inside(alpha):
        Application.objects.filter(pk=expired.pk).update(status=ApplicationStatus.ANNULEE)
    application_in(alpha, family, child, status=ApplicationStatus.DEPOSEE)
    with inside(alpha):
        Application.objects.filter(pk=expired.pk).update(status=ApplicationStatus.EXPIREE)
        with pytest.raises(services.ValidationError, match="une seule demande par enfant"):
            services.application_reopen(application=expired, user=family.account)
        assert Application.objects.get(pk=expired.pk).status == ApplicationStatus.EXPIREE
