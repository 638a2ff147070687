"""An email is written in its recipient's language, whoever's action sends it: the person's choice on the
portal is remembered on their account (the language switcher signed in, or a choice made before signing in)."""

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django_tenants.utils import tenant_context

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.notifications import notify, recipients_language
from tests.utils import client_for, user_in

FRENCH = "Votre accès au guichet petite enfance — Alpha"
ENGLISH = "Your access to the early childhood service portal — Alpha"


def invitation_to(collectivite, *addresses, language):
    """The subject of an invitation sent to `addresses` by someone reading the portal in `language`."""
    with tenant_context(collectivite), translation.override(language):
        inviter = User.objects.get(email="admin@alpha.test")
        message = notify(
            "accounts/email/invitation",
            to=list(addresses),
            context={"user": inviter, "invited_by": inviter, "setup_url": "http://alpha.localhost/"},
        )
    connection.set_schema_to_public()
    return message.subject


def language_of(collectivite, email):
    with tenant_context(collectivite):
        language = User.objects.get(email=email).language
    connection.set_schema_to_public()
    return language


def test_the_recipient_s_language_not_the_sender_s_writes_the_email(alpha):
    user_in(alpha, email="admin@alpha.test", roles=[Role.ADMINISTRATEUR])
    user_in(alpha, email="reads-english@alpha.test", roles=[Role.PARENT], language="en")
    user_in(alpha, email="lit-le-francais@alpha.test", roles=[Role.PARENT])
    assert invitation_to(alpha, "lit-le-francais@alpha.test", language="en") == FRENCH
    assert invitation_to(alpha, "Reads-English@alpha.test", language="fr") == ENGLISH
    # Recipients who do not share a language, or an address with no account here: French, the default.
    assert invitation_to(alpha, "reads-english@alpha.test", "lit-le-francais@alpha.test", language="en") == FRENCH
    assert invitation_to(alpha, "personne@exemple.fr", language="en") == FRENCH


def test_an_account_given_as_recipient_brings_its_language_without_a_lookup(alpha):
    reader = user_in(alpha, email="reads-english@alpha.test", roles=[Role.PARENT], language="en")
    with tenant_context(alpha), CaptureQueriesContext(connection) as queries:
        assert recipients_language([reader]) == "en"
        assert recipients_language([reader, "lit-le-francais@alpha.test"]) == "fr"
    connection.set_schema_to_public()
    assert sum("accounts_user" in query["sql"] for query in queries.captured_queries) == 1  # the bare address


def test_choosing_a_language_signed_in_sets_the_language_of_one_s_own_emails_only(alpha):
    parent = user_in(alpha, email="parent@alpha.test", roles=[Role.PARENT])
    user_in(alpha, email="voisin@alpha.test", roles=[Role.PARENT])
    client = client_for(alpha, parent)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/famille/"})
    assert response.status_code == 302 and response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert language_of(alpha, "parent@alpha.test") == "en"
    assert language_of(alpha, "voisin@alpha.test") == "fr"
    client.post("/i18n/setlang/", {"language": "xx", "next": "/famille/"})  # not a language of the portal
    assert language_of(alpha, "parent@alpha.test") == "en"
    client.post("/i18n/setlang/", {"language": "fr", "next": "/famille/"})
    assert language_of(alpha, "parent@alpha.test") == "fr"


def test_a_language_chosen_before_signing_in_is_remembered_and_no_cookie_changes_nothing(alpha):
    user_in(alpha, email="parent@alpha.test", roles=[Role.PARENT], password="un-mot-de-passe-solide")
    visitor = client_for(alpha)
    visitor.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = visitor.post("/accounts/login/", {"login": "parent@alpha.test", "password": "un-mot-de-passe-solide"})
    assert response.status_code == 302
    assert language_of(alpha, "parent@alpha.test") == "en"
    # Another device, no choice made there: the stored language stays.
    response = client_for(alpha).post(
        "/accounts/login/", {"login": "parent@alpha.test", "password": "un-mot-de-passe-solide"}
    )
    assert response.status_code == 302
    assert language_of(alpha, "parent@alpha.test") == "en"
