"""Every email names its collectivité, comes from its sender and links to the platform's public host and port."""

import re

import pytest
from django.db import connection
from django.test import Client, override_settings
from django_tenants.utils import tenant_context

from families.enums import Actor, ApplicationStatus
from families.services import application_transition, message_send
from portal import mail
from portal.accounts.roles import Role
from tests.families.factories import ApplicationFactory
from tests.utils import client_for, demo_user

METZ_SENDER = '"Metz (démo)" <ne-pas-repondre@metz.localhost>'


def only_email_to(outbox, address):
    messages = [message for message in outbox if address in message.to]
    assert len(messages) == 1, [message.subject for message in outbox]
    return messages[0]


def test_the_verification_email_greets_with_the_collectivite_and_links_to_the_host_and_port_used(
    metz, mailoutbox, django_capture_on_commit_callbacks
):
    client = Client(HTTP_HOST="metz.localhost:8000")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/signup/",
            {
                "email": "nouvelle@exemple.fr",
                "password1": "un-mot-de-passe-solide",
                "password2": "un-mot-de-passe-solide",
            },
        )
    assert response.status_code == 302
    message = only_email_to(mailoutbox, "nouvelle@exemple.fr")
    assert message.from_email == METZ_SENDER
    assert message.reply_to == ["petite-enfance@metz.demo"]
    assert "c'est Metz (démo) !" in message.body
    assert "Merci d'utiliser Metz (démo) !" in message.body
    assert "c'est  !" not in message.body and "sur ." not in message.body
    assert re.search(r"http://metz\.localhost:8000/accounts/confirm-email/\S+", message.body)


def test_the_password_reset_email_names_the_collectivite(metz, mailoutbox, django_capture_on_commit_callbacks):
    client = Client(HTTP_HOST="metz.localhost:8000")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "parent@metz.demo"})
    message = only_email_to(mailoutbox, "parent@metz.demo")
    assert message.from_email == METZ_SENDER
    assert "Metz (démo)" in message.body
    assert re.search(r"http://metz\.localhost:8000/accounts/password/reset/key/\S+", message.body)


def test_a_collectivite_can_send_from_its_own_address(metz, mailoutbox, django_capture_on_commit_callbacks):
    metz.sender_email = "guichet@mairie-metz.fr"
    metz.save(update_fields=["sender_email"])
    with django_capture_on_commit_callbacks(execute=True):
        Client(HTTP_HOST="metz.localhost").post("/accounts/password/reset/", {"email": "parent@metz.demo"})
    assert only_email_to(mailoutbox, "parent@metz.demo").from_email == '"Metz (démo)" <guichet@mairie-metz.fr>'


def test_the_familys_status_email_links_to_its_request_on_the_public_port(
    metz, mailoutbox, django_capture_on_commit_callbacks
):
    with tenant_context(metz), django_capture_on_commit_callbacks(execute=True):
        application = ApplicationFactory()
        application_transition(
            application=application, to_status=ApplicationStatus.INCOMPLETE, actor=Actor.STAFF, reason="Pièce floue"
        )
        email = application.family.account.email
    message = only_email_to(mailoutbox, email)
    assert message.from_email == METZ_SENDER
    assert message.reply_to == ["petite-enfance@metz.demo"]
    assert f"http://metz.localhost:8000/famille/demandes/{application.pk}/" in message.body
    assert message.body.rstrip().endswith("Metz (démo)")


@override_settings(PUBLIC_URL_SCHEME="https", PUBLIC_PORT="443")
def test_links_carry_no_port_when_the_platform_is_served_on_the_default_one(
    metz, mailoutbox, django_capture_on_commit_callbacks
):
    with tenant_context(metz), django_capture_on_commit_callbacks(execute=True):
        application = ApplicationFactory()
        message_send(application=application, user=None, body="Votre dossier est à jour.", from_family=False)
        email = application.family.account.email
    assert f"https://metz.localhost/famille/demandes/{application.pk}/" in only_email_to(mailoutbox, email).body


def test_the_guichets_email_about_a_family_message_links_to_the_dossier(
    metz, mailoutbox, django_capture_on_commit_callbacks
):
    with tenant_context(metz), django_capture_on_commit_callbacks(execute=True):
        application = ApplicationFactory()
        message_send(application=application, user=application.family.account, body="Une question.", from_family=True)
    message = only_email_to(mailoutbox, "petite-enfance@metz.demo")
    assert message.from_email == METZ_SENDER
    assert application.number in message.body
    assert f"http://metz.localhost:8000/guichet/demandes/{application.pk}/" in message.body


@pytest.mark.parametrize("role", [Role.AGENT])
def test_an_invited_colleague_gets_a_link_to_the_host_and_port_used(
    metz, role, mailoutbox, django_capture_on_commit_callbacks
):
    admin = demo_user(metz, "admin")
    client = client_for(metz, admin)
    client.defaults["HTTP_HOST"] = "metz.localhost:8000"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/espace/administration/utilisateurs/inviter/",
            {"email": "collegue@metz.fr", "first_name": "Léa", "last_name": "Petit", "roles": [role]},
        )
    assert response.status_code == 302, response.content[:500]
    message = only_email_to(mailoutbox, "collegue@metz.fr")
    assert message.from_email == METZ_SENDER
    assert "Bonjour Léa," in message.body
    assert re.search(r"http://metz\.localhost:8000/accounts/password/reset/key/\S+", message.body)


@override_settings(DEFAULT_FROM_EMAIL="Plateforme <ne-pas-repondre@guichet.example.fr>")
def test_the_platform_writes_from_its_configured_sender_and_a_collectivite_from_its_own(metz):
    connection.set_schema_to_public()
    assert mail.sender() == "Plateforme <ne-pas-repondre@guichet.example.fr>"
    assert mail.sender(metz) == METZ_SENDER
