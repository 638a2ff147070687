"""Every route × every role × own / other family's / other collectivité's object, GET and POST: exact statuses.

The routes come from the URL patterns; each one must be in EXPECTED (a new route fails
`test_every_route_is_in_the_table` until its line is written). On top of the table, three rules hold
everywhere whatever the table says: no server error, nothing of another collectivité is ever served, and no
family is ever served another family's object.

How to read (and extend) EXPECTED: one block per route; under it, one line per group of roles:
`<roles>: <GET statuses> | <POST statuses>`, statuses in the order own, other family's, other collectivité's
object (only the variants the route has: a route without an object has one status per method; a single status
stands for every variant). `302>login` is a redirect to the login page, `302>/x/` a redirect to /x/. Roles: anonymous parent other_parent am animatrice agent directrice member elu
admin; `staff` is the seven staff roles, `others` every role not named above it. POSTs carry no data.
"""

import re

import pytest
from django.db import connection, transaction
from django.urls import get_resolver

from tests.portal.matrix_world import ROLES, STAFF
from tests.portal.test_roles import walk

VARIANTS = ("own", "other_family", "other_collectivite")
FAMILY_ROLES = ("parent", "other_parent")
# Objects that belong to one family (the others belong to the collectivité: establishments, sessions...).
FAMILY_OBJECTS = {
    "application",
    "child",
    "document",
    "offer",
    "dossier",
    "number",
    "user",
    "job_offer",
    "contact",
    "saved_search",
    "appointment",
}
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>|\^?\(\?P<(\w+)>[^)]*\)\$?")

# Which object a route's parameter names, by the route's beginning; parameters that name no object get one value.
FIXED_VALUES = {
    "action": "retirer",
    "file_format": "csv",
    "fmt": "csv",
    "token": "jeton-inconnu",
    "key": "cle-inconnue",
    "uidb36": "1",
    "provider_id": "franceconnect",
    "kind": "motifs",
    "year": "2025",
}
OBJECT_OF_PREFIX = [
    ("famille/enfants/", "child"),
    ("famille/demandes/", "application"),
    ("famille/pieces/", "document"),
    ("famille/propositions/", "offer"),
    ("famille/courriers/", "dossier"),
    ("guichet/demandes/", "application"),
    ("guichet/pieces/", "document"),
    ("espace/administration/utilisateurs/", "user"),
    ("gestion/bareme/", "fee_scale"),
    ("gestion/reglement/<int:version>/criteres/", "criterion"),
    ("gestion/places-reservees/", "reservation"),
    ("gestion/commissions/", "session"),
    ("gestion/propositions/", "offer"),
    ("api/v1/commissions/seances/", "session"),
    ("api/v1/etablissements/", "establishment_id"),
    ("api/v1/demandes/", "application"),
    # rpe: ateliers and the inbox (ateliers).
    ("ateliers/", "atelier"),
    ("relais/ateliers/", "atelier"),
    ("relais/boite/", "inbox_request"),
    ("api/v1/rpe/ateliers/", "atelier"),
    # rpe: the directory (rpecore).
    ("relais/assistants-maternels/", "am_profile"),
    ("gestion/relais/<int:relais_pk>/lieux/", "lieu"),
    ("gestion/relais/", "relais"),
    # rpe: the search side (rpesearch).
    ("assistants-maternels/", "am_profile"),
    ("api/v1/rpe/assistants-maternels/", "am_profile"),
    ("famille/assistants-maternels/recherches/", "saved_search"),
    ("famille/annonces/", "job_offer"),
    ("relais/annonces/", "job_offer"),
    ("assistant-maternel/annonces/", "job_offer"),
    ("api/v1/rpe/annonces/", "job_offer"),
    ("assistant-maternel/demandes-de-contact/", "contact"),
    ("relais/familles-sans-solution/", "followup"),
    # booking
    ("rendez-vous/", "appointment"),
    ("relais/agenda/rendez-vous/", "appointment"),
    ("api/v1/rpe/rendez-vous/", "appointment"),
    ("relais/agenda/reglages/", "motif"),
    # Observatoire: a stay's number (the world has none: every director's departure form answers 404).
    ("gestion/accueils/<int:stay_pk>/", "offer"),
]
OBJECT_OF_PARAMETER = {
    "offer_pk": "offer",
    "child_pk": "child",
    "slug": "establishment",
    "version": "regulation",
    "number": "number",
    "relais_pk": "relais",
    "motif_pk": "motif",
}


def object_kind(route, name):
    if route.startswith("espace/<slug"):
        return None  # a role's home page, not an object (tests/portal/test_roles.py covers each)
    if name in FIXED_VALUES:
        return None
    if name in OBJECT_OF_PARAMETER:
        return OBJECT_OF_PARAMETER[name]
    for prefix, kind in OBJECT_OF_PREFIX:
        if route.startswith(prefix):
            return kind
    raise LookupError(f"{route}: say in OBJECT_OF_PREFIX which object <{name}> names")


def urls_of(route, world, role):
    """variant -> URL for `role`; routes without an object have only "own".

    Objects are the parent's and the other parent's: for the other parent, "own" is its own object and
    "other_family" the parent's. Staff see both families' objects as objects of their collectivité.
    """
    names = [a or b for a, b in PARAMETER.findall(route)]
    has_object = any(object_kind(route, name) for name in names)
    urls = {}
    for variant in VARIANTS if has_object else ("own",):
        url = route
        for name in names:
            kind = object_kind(route, name)
            looked_up = variant
            if role == "other_parent" and kind in FAMILY_OBJECTS and variant != "other_collectivite":
                looked_up = "other_family" if variant == "own" else "own"
            value = world.objects[kind][looked_up] if kind else FIXED_VALUES.get(name, "famille")
            if value is None:
                break
            url = PARAMETER.sub(lambda match, value=value: str(value), url, count=1)
        else:
            urls[variant] = "/" + url.replace("^", "").replace("$", "")
    return urls


def outcome(response):
    if response.status_code in (301, 302):
        target = response.url
        return "302>login" if target.startswith("/accounts/login/") else f"302>{target.split('?')[0]}"
    return str(response.status_code)


EXPECTED_TEXT = r"""/
    anonymous: 200 | 405
    others: 302>/accueil/ | 405
accueil/
    anonymous: 302>login | 302>login
    am: 302>/espace/assistant-maternel/ | 405
    animatrice: 302>/espace/relais/ | 405
    agent: 302>/espace/agent/ | 405
    directrice: 302>/espace/etablissement/ | 405
    member: 302>/espace/commission/ | 405
    elu: 302>/espace/elu/ | 405
    admin: 302>/espace/administration/ | 405
    others: 302>/famille/ | 405
espace/<slug:slug>/
    anonymous: 302>login | 302>login
    parent, other_parent: 302>/famille/ | 405
    others: 403 | 405
espace/administration/utilisateurs/
    anonymous: 302>login | 302>login
    admin: 200 | 405
    others: 403 | 403
espace/administration/utilisateurs/inviter/
    anonymous: 302>login | 302>login
    admin: 200 | 200
    others: 403 | 403
espace/administration/utilisateurs/<int:pk>/roles/
    anonymous: 302>login | 302>login
    admin: 200 200 404 | 200 200 404
    others: 403 | 403
espace/administration/utilisateurs/historique/
    anonymous: 302>login | 302>login
    admin: 200 | 405
    others: 403 | 403
compte/mes-donnees/
    anonymous: 302>login | 302>login
    others: 200 | 405
creches/
    everyone: 200 | 405
creches/carte/
    everyone: 200 | 405
creches/<slug:slug>/
    everyone: 200 404 | 405
parcours/
    everyone: 200 | 405
simulateur/
    everyone: 200 | 405
gestion/etablissements/
    anonymous: 302>login | 302>login
    agent, admin: 200 | 405
    others: 403 | 403
gestion/etablissements/nouveau/
    anonymous: 302>login | 302>login
    agent, admin: 200 | 400
    others: 403 | 403
gestion/etablissements/import/
    anonymous: 302>login | 302>login
    agent, admin: 200 | 200
    others: 403 | 403
gestion/etablissements/export.<str:file_format>
    anonymous: 302>login | 302>login
    agent, admin: 200 | 405
    others: 403 | 403
gestion/etablissements/<slug:slug>/
    anonymous: 302>login | 302>login
    agent, admin: 200 404 | 400 404
    others: 403 | 403
gestion/places/
    anonymous: 302>login | 302>login
    agent, directrice, member, admin: 200 | 405
    others: 403 | 403
gestion/places/<slug:slug>/
    anonymous: 302>login | 302>login
    agent, directrice, admin: 200 404 | 400 404
    others: 403 | 403
gestion/bareme/
    anonymous: 302>login | 302>login
    admin: 200 | 400
    others: 403 | 403
gestion/bareme/<int:pk>/
    anonymous: 302>login | 302>login
    admin: 302>/gestion/bareme/ 404 | 302>/gestion/bareme/ 404
    others: 403 | 403
famille/
    anonymous: 302>login | 302>login
    parent, other_parent: 200 | 405
    others: 403 | 403
famille/foyer/
    anonymous: 302>login | 302>login
    parent, other_parent: 200 | 400
    others: 403 | 403
famille/mes-donnees/
    anonymous: 302>login | 302>login
    parent, other_parent: 200 | 405
    others: 403 | 403
famille/enfants/ajouter/
    anonymous: 302>login | 302>login
    parent, other_parent: 200 | 400
    others: 403 | 403
famille/enfants/<int:pk>/
    anonymous: 302>login | 302>login
    parent, other_parent: 200 404 404 | 400 404 404
    others: 403 | 403
famille/enfants/<int:child_pk>/demande/
    anonymous: 302>login | 302>login
    parent: 302>/famille/demandes/1/ 404 404 | 400 404 404
    other_parent: 302>/famille/demandes/2/ 404 404 | 400 404 404
    others: 403 | 403
famille/demandes/<int:pk>/
    anonymous: 302>login | 302>login
    parent, other_parent: 200 404 404 | 405
    others: 403 | 403
famille/demandes/<int:pk>/modifier/
    anonymous: 302>login | 302>login
    parent: 302>/famille/demandes/1/ 404 404 | 302>/famille/demandes/1/ 404 404
    other_parent: 200 404 404 | 400 404 404
    others: 403 | 403
famille/demandes/<int:pk>/pieces/
    anonymous: 302>login | 302>login
    parent, other_parent: 405 | 400 404 404
    others: 403 | 403
famille/demandes/<int:pk>/deposer/
    anonymous: 302>login | 302>login
    parent, other_parent: 405 | 400 404 404
    others: 403 | 403
famille/demandes/<int:pk>/relancer/
    anonymous: 302>login | 302>login
    parent: 405 | 302>/famille/demandes/1/ 404 404
    other_parent: 405 | 302>/famille/demandes/2/ 404 404
    others: 403 | 403
famille/demandes/<int:pk>/annuler/
    anonymous: 302>login | 302>login
    parent, other_parent: 200 404 404 | 400 404 404
    others: 403 | 403
famille/demandes/<int:pk>/reprendre/
    anonymous: 302>login | 302>login
    parent: 405 | 302>/famille/demandes/1/ 404 404
    other_parent: 405 | 302>/famille/demandes/2/ 404 404
    others: 403 | 403
famille/demandes/<int:pk>/messages/
    anonymous: 302>login | 302>login
    parent, other_parent: 405 | 400 404 404
    others: 403 | 403
famille/demandes/<int:pk>/attestation.pdf
    anonymous: 302>login | 302>login
    parent, other_parent: 200 404 404 | 405
    others: 403 | 403
famille/pieces/<int:pk>/
    anonymous: 302>login | 302>login
    parent, other_parent: 200 404 404 | 405
    others: 403 | 403
famille/pieces/<int:pk>/retirer/
    anonymous: 302>login | 302>login
    parent: 200 404 404 | 400 404 404
    other_parent: 200 404 404 | 302>/famille/demandes/2/#piece-domicile 404 404
    others: 403 | 403
renouvellement/<str:token>/
    everyone: 404 | 404
guichet/demandes/
    anonymous: 302>login | 302>login
    agent, admin: 200 | 405
    others: 403 | 403
guichet/demandes/export.<str:fmt>
    anonymous: 302>login | 302>login
    agent, admin: 200 | 405
    others: 403 | 403
guichet/demandes/<int:pk>/
    anonymous: 302>login | 302>login
    agent, admin: 200 200 404 | 405
    others: 403 | 403
guichet/demandes/<int:pk>/pieces-manquantes
    anonymous: 302>login | 302>login
    agent, admin: 405 | 400 400 404
    others: 403 | 403
guichet/demandes/<int:pk>/quotient-familial
    anonymous: 302>login | 302>login
    agent, admin: 405 | 400 400 404
    others: 403 | 403
guichet/demandes/<int:pk>/complete
    anonymous: 302>login | 302>login
    agent, admin: 405 | 400 400 404
    others: 403 | 403
guichet/demandes/<int:pk>/message
    anonymous: 302>login | 302>login
    agent, admin: 405 | 400 400 404
    others: 403 | 403
guichet/demandes/<int:pk>/note
    anonymous: 302>login | 302>login
    agent, admin: 405 | 400 400 404
    others: 403 | 403
guichet/demandes/<int:pk>/statut
    anonymous: 302>login | 302>login
    agent, admin: 405 | 400 400 404
    others: 403 | 403
guichet/pieces/<int:pk>/
    anonymous: 302>login | 302>login
    agent, admin: 200 200 404 | 405
    others: 403 | 403
guichet/pieces/<int:pk>/fichier
    anonymous: 302>login | 302>login
    agent, admin: 200 200 404 | 405
    others: 403 | 403
guichet/pieces/<int:pk>/verification
    anonymous: 302>login | 302>login
    agent, admin: 405 | 400 400 404
    others: 403 | 403
guichet/journal/
    anonymous: 302>login | 302>login
    admin: 200 | 405
    others: 403 | 403
guichet/configuration/
    anonymous: 302>login | 302>login
    admin: 200 | 400
    others: 403 | 403
transparence/
    everyone: 200 | 405
transparence/version-<int:version>/
    everyone: 200 404 | 405
gestion/reglement/
    anonymous: 302>login | 302>login
    admin: 200 | 200
    others: 403 | 403
gestion/reglement/<int:version>/
    anonymous: 302>login | 302>login
    admin: 200 404 | 405
    others: 403 | 403
gestion/reglement/<int:version>/modifier/
    anonymous: 302>login | 302>login
    admin: 400 404 | 400 404
    others: 403 | 403
gestion/reglement/<int:version>/supprimer/
    anonymous: 302>login | 302>login
    admin: 400 404 | 400 404
    others: 403 | 403
gestion/reglement/<int:version>/adopter/
    anonymous: 302>login | 302>login
    admin: 400 404 | 400 404
    others: 403 | 403
gestion/reglement/<int:version>/criteres/nouveau/
    anonymous: 302>login | 302>login
    admin: 404 | 404
    others: 403 | 403
gestion/reglement/<int:version>/criteres/<int:pk>/
    anonymous: 302>login | 302>login
    admin: 400 404 | 400 404
    others: 403 | 403
gestion/reglement/<int:version>/criteres/<int:pk>/supprimer/
    anonymous: 302>login | 302>login
    admin: 400 404 | 400 404
    others: 403 | 403
gestion/places-reservees/
    anonymous: 302>login | 302>login
    agent, admin: 200 | 200
    others: 403 | 403
gestion/places-reservees/<int:pk>/
    anonymous: 302>login | 302>login
    agent, admin: 200 404 | 200 404
    others: 403 | 403
gestion/places-reservees/<int:pk>/supprimer/
    anonymous: 302>login | 302>login
    agent, admin: 200 404 | 302>/gestion/places-reservees/ 404
    others: 403 | 403
gestion/commissions/
    anonymous: 302>login | 302>login
    agent, admin: 200 | 200
    member, elu: 200 | 403
    others: 403 | 403
gestion/commissions/reglages/
    anonymous: 302>login | 302>login
    admin: 200 | 400
    others: 403 | 403
gestion/commissions/<int:pk>/
    anonymous: 302>login | 302>login
    agent, member, elu, admin: 200 404 | 405
    others: 403 | 403
gestion/commissions/<int:pk>/preparer/
    anonymous: 302>login | 302>login
    agent, admin: 302>/gestion/commissions/1/ 404 | 302>/gestion/commissions/1/ 404
    member, elu: 403 404 | 403 404
    others: 403 | 403
gestion/commissions/<int:pk>/presences/
    anonymous: 302>login | 302>login
    agent, admin: 200 404 | 400 404
    member, elu: 403 404 | 403 404
    others: 403 | 403
gestion/commissions/<int:pk>/repartir/
    anonymous: 302>login | 302>login
    agent, member, elu, admin: 405 | 302>/gestion/commissions/1/ 404
    others: 403 | 403
gestion/commissions/<int:pk>/valider/
    anonymous: 302>login | 302>login
    agent, elu, admin: 302>/gestion/commissions/1/ 404 | 302>/gestion/commissions/1/ 404
    member: 403 404 | 403 404
    others: 403 | 403
gestion/commissions/<int:pk>/proces-verbal/
    anonymous: 302>login | 302>login
    agent, member, elu, admin: 200 404 | 405
    others: 403 | 403
gestion/commissions/<int:pk>/dossiers/<str:number>/ajuster/
    anonymous: 302>login | 302>login
    agent, member, elu, admin: 405 | 400 404
    others: 403 | 403
gestion/commissions/<int:pk>/dossiers/<str:number>/attribuer/
    anonymous: 302>login | 302>login
    agent, member, elu, admin: 405 | 400 404
    others: 403 | 403
gestion/commissions/<int:pk>/dossiers/<str:number>/retirer/
    anonymous: 302>login | 302>login
    agent, member, elu, admin: 405 | 400 404
    others: 403 | 403
gestion/commissions/<int:pk>/dossiers/<str:number>/echanger/
    anonymous: 302>login | 302>login
    agent, member, elu, admin: 405 | 400 404
    others: 403 | 403
gestion/propositions/
    anonymous: 302>login | 302>login
    agent, admin: 200 | 405
    others: 403 | 403
gestion/propositions/<int:pk>/reponse/
    anonymous: 302>login | 302>login
    agent, admin: 200 404 | 400 404
    others: 403 | 403
gestion/admissions/
    anonymous: 302>login | 302>login
    directrice: 200 | 405
    others: 403 | 403
famille/propositions/<int:pk>/accepter/
    anonymous: 302>login | 302>login
    parent: 405 | 302>/famille/demandes/1/ 404
    other_parent: 405 | 404
    others: 403 | 403
famille/propositions/<int:pk>/refuser/
    anonymous: 302>login | 302>login
    parent: 200 404 | 200 404
    other_parent: 404 | 404
    others: 403 | 403
famille/courriers/<int:pk>/
    anonymous: 302>login | 302>login
    parent, other_parent: 200 404 404 | 405
    agent, admin: 200 200 404 | 405
    others: 404 | 405
accounts/login/
    anonymous: 200 | 200
    others: 302>/accueil/ | 302>/accueil/
accounts/logout/
    anonymous: 302>/ | 302>/
    others: 200 | 302>/
accounts/inactive/
    everyone: 200 | 405
accounts/signup/
    anonymous: 200 | 200
    others: 302>/accueil/ | 302>/accueil/
accounts/reauthenticate/
    anonymous: 302>login | 302>login
    others: 200 | 200
accounts/email/
    anonymous: 302>login | 302>login
    others: 200 | 302>/accounts/email/
accounts/confirm-email/
    everyone: 200 | 405
accounts/password/change/
    anonymous: 302>login | 302>login
    others: 200 | 200
accounts/password/set/
    anonymous: 302>login | 302>login
    others: 302>/accounts/password/change/ | 302>/accounts/password/change/
accounts/password/reset/
    everyone: 200 | 200
accounts/login/code/confirm/
    anonymous: 302>login | 302>login
    others: 302>/accueil/ | 302>/accueil/
accounts/^confirm-email/(?P<key>[-:\w]+)/$
    everyone: 200 | 404
accounts/password/reset/key/done/
    everyone: 200 | 405
accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$
    everyone: 200 | 200
accounts/password/reset/done/
    everyone: 200 | 405
accounts/2fa/
    anonymous: 302>login | 302>login
    others: 200 | 405
accounts/2fa/authenticate/
    anonymous: 302>login | 302>login
    others: 302>/accueil/ | 302>/accueil/
accounts/2fa/reauthenticate/
    anonymous: 302>login | 302>login
    parent, other_parent: 302>/accounts/reauthenticate/ | 302>/accounts/reauthenticate/
    others: 200 | 200
accounts/2fa/totp/activate/
    anonymous: 302>login | 302>login
    others: 302>/accounts/reauthenticate/ | 302>/accounts/reauthenticate/
accounts/2fa/totp/deactivate/
    anonymous: 302>login | 302>login
    parent, other_parent: 404 | 404
    others: 302>/accounts/reauthenticate/ | 302>/accounts/reauthenticate/
accounts/2fa/recovery-codes/
    anonymous: 302>login | 302>login
    others: 404 | 405
accounts/2fa/recovery-codes/generate/
    anonymous: 302>login | 302>login
    others: 302>/accounts/reauthenticate/ | 302>/accounts/reauthenticate/
accounts/2fa/recovery-codes/download/
    anonymous: 302>login | 302>login
    others: 404 | 404
accounts/3rdparty/login/cancelled/
    everyone: 200 | 405
accounts/3rdparty/login/error/
    anonymous: 302>login | 302>login
    others: 401 | 405
accounts/3rdparty/signup/
    everyone: 302>login | 302>login
accounts/3rdparty/
    anonymous: 302>login | 302>login
    others: 200 | 200
accounts/social/login/cancelled/
    anonymous: 302>login | 302>login
    others: 302>/accounts/3rdparty/login/cancelled/ | 302>/accounts/3rdparty/login/cancelled/
accounts/social/login/error/
    anonymous: 302>login | 302>login
    others: 302>/accounts/3rdparty/login/error/ | 302>/accounts/3rdparty/login/error/
accounts/social/signup/
    anonymous: 302>login | 302>login
    others: 302>/accounts/3rdparty/signup/ | 302>/accounts/3rdparty/signup/
accounts/social/connections/
    anonymous: 302>login | 302>login
    others: 302>/accounts/3rdparty/ | 302>/accounts/3rdparty/
accounts/oidc/^(?P<provider_id>[^/]+)/login/
    everyone: 404 | 404
accounts/oidc/^(?P<provider_id>[^/]+)/login/callback/
    everyone: 404 | 404
i18n/setlang/
    everyone: 302>/ | 302>/
api/v1/schema/
    everyone: 200 | 405
api/v1/moi/
    anonymous: 403 | 403
    others: 200 | 405
api/v1/etablissements/
    everyone: 200 | 405
api/v1/etablissements/<int:pk>/
    everyone: 200 404 | 405
api/v1/demandes/
    parent, other_parent: 200 | 415
    others: 403 | 403
api/v1/demandes/<int:pk>/
    parent, other_parent: 200 404 404 | 405
    others: 403 | 403
api/v1/commissions/seances/
    agent, member, elu, admin: 200 | 405
    others: 403 | 403
api/v1/commissions/seances/<int:pk>/
    agent, member, elu, admin: 200 404 | 405
    others: 403 | 403
api/v1/guichet/demandes/
    agent, admin: 200 | 405
    others: 403 | 403
ateliers/
    everyone: 200 | 405
ateliers/programme.ics
    everyone: 200 | 405
ateliers/<int:pk>/
    am, animatrice, agent, admin: 200 404 | 405
    others: 404 | 405
ateliers/<int:pk>/inscription/
    anonymous: 302>login | 302>login
    am: 405 | 302>/mes-ateliers/ 404
    parent, other_parent: 405 | 404
    others: 403 | 403
ateliers/<int:pk>/desinscription/
    anonymous: 302>login | 302>login
    am, parent, other_parent: 405 | 404
    others: 403 | 403
mes-ateliers/
    anonymous: 302>login | 302>login
    am, parent, other_parent: 200 | 405
    others: 403 | 403
relais/ateliers/
    anonymous: 302>login | 302>login
    animatrice, agent, admin: 200 | 405
    others: 403 | 403
relais/ateliers/nouveau/
    anonymous: 302>login | 302>login
    animatrice, agent, admin: 200 | 400
    others: 403 | 403
relais/ateliers/programme/
    anonymous: 302>login | 302>login
    animatrice, agent, admin: 200 | 400
    others: 403 | 403
relais/ateliers/<int:pk>/
    anonymous: 302>login | 302>login
    animatrice, agent, admin: 200 404 | 405
    others: 403 | 403
relais/ateliers/<int:pk>/presences/
    anonymous: 302>login | 302>login
    animatrice, agent, admin: 405 | 409 404
    others: 403 | 403
ecrire-au-relais/
    everyone: 200 | 400
relais/boite/
    anonymous: 302>login | 302>login
    animatrice, agent, admin: 200 | 405
    others: 403 | 403
relais/boite/<int:pk>/
    anonymous: 302>login | 302>login
    animatrice, agent, admin: 200 404 | 405
    others: 403 | 403
relais/boite/<int:pk>/repondre/
    anonymous: 302>login | 302>login
    animatrice, agent, admin: 405 | 400 404
    others: 403 | 403
relais/boite/<int:pk>/attribuer/
    anonymous: 302>login | 302>login
    animatrice, agent, admin: 405 | 400 404
    others: 403 | 403
relais/boite/<int:pk>/statut/
    anonymous: 302>login | 302>login
    animatrice, agent, admin: 405 | 400 404
    others: 403 | 403
relais/contacts/
    anonymous: 302>login | 302>login
    animatrice, agent, admin: 200 | 400
    others: 403 | 403
relais/chiffres/
    anonymous: 302>login | 302>login
    animatrice, agent, elu, admin: 200 | 405
    others: 403 | 403
relais/chiffres/export.xlsx
    anonymous: 302>login | 302>login
    animatrice, agent, elu, admin: 200 | 405
    others: 403 | 403
api/v1/rpe/ateliers/
    everyone: 200 | 405
api/v1/rpe/ateliers/<int:pk>/inscription/
    am: 405 | 201 404
    parent, other_parent: 405 | 409 404
    others: 403 | 403
relais/
    anonymous: 302>login | 302>login
    animatrice, agent, admin: 200 | 405
    others: 403 | 403
relais/assistants-maternels/
    anonymous: 302>login | 302>login
    animatrice, agent, admin: 200 | 405
    others: 403 | 403
relais/assistants-maternels/<int:pk>/
    anonymous: 302>login | 302>login
    animatrice, agent, admin: 200 404 | 405
    others: 403 | 403
relais/assistants-maternels/<int:pk>/profil/
    anonymous: 302>login | 302>login
    animatrice, agent, admin: 200 404 | 400 404
    others: 403 | 403
relais/assistants-maternels/<int:pk>/disponibilites/
    anonymous: 302>login | 302>login
    animatrice, agent, admin: 200 404 | 400 404
    others: 403 | 403
relais/assistants-maternels/<int:pk>/activite/
    anonymous: 302>login | 302>login
    animatrice, agent, admin: 405 | 400 404
    others: 403 | 403
relais/assistants-maternels/<int:pk>/compte/
    anonymous: 302>login | 302>login
    animatrice, agent, admin: 405 | 400 404
    others: 403 | 403
relais/disponibilites/
    anonymous: 302>login | 302>login
    animatrice, agent, admin: 200 | 405
    others: 403 | 403
relais/demandes/
    anonymous: 302>login | 302>login
    animatrice, agent, admin: 200 | 405
    others: 403 | 403
relais/import-agrements/
    anonymous: 302>login | 302>login
    animatrice, agent, admin: 200 | 400
    others: 403 | 403
gestion/relais/
    anonymous: 302>login | 302>login
    admin: 200 | 405
    others: 403 | 403
gestion/relais/nouveau/
    anonymous: 302>login | 302>login
    admin: 200 | 400
    others: 403 | 403
gestion/relais/<int:pk>/
    anonymous: 302>login | 302>login
    admin: 200 404 | 400 404
    others: 403 | 403
gestion/relais/<int:relais_pk>/lieux/nouveau/
    anonymous: 302>login | 302>login
    admin: 200 404 | 400 404
    others: 403 | 403
gestion/relais/<int:relais_pk>/lieux/<int:pk>/
    anonymous: 302>login | 302>login
    admin: 200 404 | 400 404
    others: 403 | 403
assistant-maternel/profil/
    anonymous: 302>login | 302>login
    am: 200 | 400
    others: 403 | 403
assistant-maternel/activite/
    anonymous: 302>login | 302>login
    am: 405 | 400
    others: 403 | 403
assistant-maternel/disponibilites/
    anonymous: 302>login | 302>login
    am: 200 | 400
    others: 403 | 403
assistant-maternel/ma-fiche-publique/
    anonymous: 302>login | 302>login
    am: 200 | 405
    others: 403 | 403
assistants-maternels/
    everyone: 200 | 405
assistants-maternels/<int:pk>/
    everyone: 200 404 | 405
assistants-maternels/<int:pk>/contact/
    anonymous: 302>login | 302>login
    parent, other_parent: 200 404 | 400 404
    others: 403 | 403
famille/assistants-maternels/contacts/
    anonymous: 302>login | 302>login
    parent, other_parent: 200 | 405
    others: 403 | 403
famille/assistants-maternels/recherches/
    anonymous: 302>login | 302>login
    parent, other_parent: 200 | 400
    others: 403 | 403
famille/assistants-maternels/recherches/<int:pk>/supprimer/
    anonymous: 302>login | 302>login
    parent, other_parent: 405 | 302>/famille/assistants-maternels/recherches/ 404 404
    others: 403 | 403
famille/annonces/
    anonymous: 302>login | 302>login
    parent, other_parent: 200 | 405
    others: 403 | 403
famille/annonces/nouvelle/
    anonymous: 302>login | 302>login
    parent, other_parent: 200 | 400
    others: 403 | 403
famille/annonces/<int:pk>/
    anonymous: 302>login | 302>login
    parent, other_parent: 200 404 404 | 405
    others: 403 | 403
famille/annonces/<int:pk>/<slug:action>/
    anonymous: 302>login | 302>login
    parent: 405 | 302>/famille/annonces/1/ 404 404
    other_parent: 405 | 302>/famille/annonces/2/ 404 404
    others: 403 | 403
assistant-maternel/demandes-de-contact/
    anonymous: 302>login | 302>login
    am: 200 | 405
    others: 403 | 403
assistant-maternel/demandes-de-contact/<int:pk>/repondre/
    anonymous: 302>login | 302>login
    am: 405 | 302>/assistant-maternel/demandes-de-contact/ 302>/assistant-maternel/demandes-de-contact/ 404
    others: 403 | 403
assistant-maternel/annonces/
    anonymous: 302>login | 302>login
    am: 200 | 405
    others: 403 | 403
assistant-maternel/annonces/<int:pk>/
    anonymous: 302>login | 302>login
    am: 200 404 404 | 400 404 404
    others: 403 | 403
relais/annonces/
    anonymous: 302>login | 302>login
    animatrice, agent, admin: 200 | 405
    others: 403 | 403
relais/annonces/<int:pk>/
    anonymous: 302>login | 302>login
    animatrice, agent, admin: 200 200 404 | 400 400 404
    others: 403 | 403
relais/familles-sans-solution/
    anonymous: 302>login | 302>login
    animatrice, agent, admin: 200 | 405
    others: 403 | 403
relais/familles-sans-solution/<int:pk>/
    anonymous: 302>login | 302>login
    animatrice, agent, admin: 200 404 | 400 404
    others: 403 | 403
api/v1/rpe/assistants-maternels/
    everyone: 200 | 405
api/v1/rpe/assistants-maternels/<int:pk>/
    everyone: 200 404 | 405
api/v1/rpe/moi/fiche/
    am: 200 | 405
    others: 403 | 403
api/v1/rpe/moi/disponibilites/
    am: 200 | 405
    others: 403 | 403
api/v1/rpe/annonces/
    parent, other_parent: 200 | 415
    am, animatrice, agent, admin: 200 | 403
    others: 403 | 403
api/v1/rpe/annonces/<int:pk>/
    parent, other_parent: 200 404 404 | 405
    am: 200 404 404 | 405
    animatrice, agent, admin: 200 200 404 | 405
    others: 403 | 403
api/v1/rpe/annonces/<int:pk>/moderation/
    animatrice, agent, admin: 405 | 415 415 404
    others: 403 | 403
api/v1/rpe/annonces/<int:pk>/reponse/
    am: 405 | 415 404 404
    others: 403 | 403
assistant-maternel/mes-donnees.json
    anonymous: 302>login | 302>login
    am: 200 | 405
    others: 403 | 403
disponibilites/rien-n-a-change/<str:token>/
    everyone: 400 | 400
rendez-vous/
    anonymous: 302>login | 302>login
    parent, other_parent, am: 200 | 405
    others: 403 | 403
rendez-vous/prendre/
    anonymous: 302>login | 302>login
    parent, other_parent, am: 200 | 405
    others: 403 | 403
rendez-vous/prendre/<int:motif_pk>/
    anonymous: 302>login | 302>login
    parent, other_parent, am: 200 404 | 400 404
    others: 403 | 403
rendez-vous/<int:pk>/
    anonymous: 302>login | 302>login
    parent, other_parent: 200 404 404 | 405
    am: 404 | 405
    others: 403 | 403
rendez-vous/<int:pk>/annuler/
    anonymous: 302>login | 302>login
    parent, other_parent: 200 404 404 | 302>/rendez-vous/ 404 404
    am: 404 | 404
    others: 403 | 403
rendez-vous/<int:pk>/deplacer/
    anonymous: 302>login | 302>login
    parent, other_parent: 200 404 404 | 400 404 404
    am: 404 | 404
    others: 403 | 403
rendez-vous/<int:pk>/plus-tot/
    anonymous: 302>login | 302>login
    parent: 405 | 302>/rendez-vous/1/ 404 404
    other_parent: 405 | 302>/rendez-vous/2/ 404 404
    am: 405 | 404
    others: 403 | 403
rendez-vous/<int:pk>/calendrier.ics
    anonymous: 302>login | 302>login
    parent, other_parent: 200 404 404 | 405
    am: 404 | 405
    others: 403 | 403
relais/agenda/
    anonymous: 302>login | 302>login
    animatrice, agent, admin: 200 | 405
    others: 403 | 403
relais/agenda/rendez-vous/<int:pk>/
    anonymous: 302>login | 302>login
    animatrice, agent, admin: 200 200 404 | 302>/relais/agenda/ 302>/relais/agenda/ 404
    others: 403 | 403
relais/agenda/prendre/
    anonymous: 302>login | 302>login
    animatrice, agent, admin: 200 | 405
    others: 403 | 403
relais/agenda/prendre/<int:motif_pk>/
    anonymous: 302>login | 302>login
    animatrice, agent, admin: 200 404 | 400 404
    others: 403 | 403
relais/agenda/agenda-prive/
    anonymous: 302>login | 302>login
    animatrice, agent, admin: 200 | 302>/relais/agenda/agenda-prive/
    others: 403 | 403
relais/agenda/reglages/
    anonymous: 302>login | 302>login
    animatrice, agent, admin: 200 | 405
    others: 403 | 403
relais/agenda/reglages/<int:relais_pk>/<str:kind>/nouveau/
    anonymous: 302>login | 302>login
    animatrice, agent, admin: 200 404 | 400 404
    others: 403 | 403
relais/agenda/reglages/<int:relais_pk>/<str:kind>/<int:pk>/
    anonymous: 302>login | 302>login
    animatrice, agent, admin: 200 404 | 400 404
    others: 403 | 403
relais/agenda/vacances-scolaires/
    anonymous: 302>login | 302>login
    admin: 200 | 400
    others: 403 | 403
agenda-prive/<str:token>.ics
    everyone: 404 | 405
api/v1/rpe/motifs/
    parent, other_parent, am: 200 | 405
    others: 403 | 403
api/v1/rpe/creneaux/
    parent, other_parent, am: 400 | 405
    others: 403 | 403
api/v1/rpe/rendez-vous/
    parent, other_parent, am: 200 | 400
    others: 403 | 403
api/v1/rpe/rendez-vous/<int:pk>/
    parent, other_parent: 200 404 404 | 405
    am: 404 | 405
    others: 403 | 403
api/v1/rpe/rendez-vous/<int:pk>/annulation/
    parent, other_parent: 405 | 200 404 404
    am: 405 | 404
    others: 403 | 403
api/v1/rpe/rendez-vous/<int:pk>/ics
    parent, other_parent: 200 404 404 | 405
    am: 404 | 405
    others: 403 | 403
observatoire/
    anonymous: 302>login | 302>login
    agent, elu, admin: 200 | 405
    others: 403 | 403
observatoire/actualiser/
    anonymous: 302>login | 302>login
    agent, admin: 405 | 302>/observatoire/
    others: 403 | 403
observatoire/export/<slug:key>.<str:fmt>
    anonymous: 302>login | 302>login
    agent, elu, admin: 404 | 405
    others: 403 | 403
observatoire/rapport-<int:year>.pdf
    anonymous: 302>login | 302>login
    agent, elu, admin: 503 | 405
    others: 403 | 403
observatoire/rapport/
    anonymous: 302>login | 302>login
    admin: 200 | 302>/observatoire/rapport/
    others: 403 | 403
observatoire/partage/
    anonymous: 302>login | 302>login
    admin: 200 | 302>/observatoire/partage/
    others: 403 | 403
observatoire/population/
    anonymous: 302>login | 302>login
    admin: 200 | 400
    others: 403 | 403
observatoire/guide/
    anonymous: 302>login | 302>login
    admin: 200 | 302>/observatoire/guide/
    others: 403 | 403
guide-petite-enfance.pdf
    everyone: 503 | 405
gestion/accueils/
    anonymous: 302>login | 302>login
    directrice: 200 | 405
    others: 403 | 403
gestion/accueils/arrivee/<int:offer_pk>/
    anonymous: 302>login | 302>login
    directrice: 405 405 | 302>/gestion/accueils/ 404
    others: 403 | 403
gestion/accueils/<int:stay_pk>/depart/
    anonymous: 302>login | 302>login
    directrice: 405 405 | 404 404
    others: 403 | 403
api/v1/observatoire/indicateurs/
    agent, elu, admin: 200 | 405
    others: 403 | 403
sitemap.xml
    everyone: 200 | 200
healthz
    everyone: 200 | 405
theme.css
    everyone: 200 | 405
logo
    everyone: 404 | 405
"""


def parse(text):
    """route -> role -> (GET statuses, POST statuses), each a list or a one-element list for every variant."""
    table, route = {}, None
    for line in text.splitlines():
        if not line.strip():
            continue
        if not line.startswith(" "):
            route = line.strip().removeprefix("/")  # "/" is the welcome page, route ""
            table[route] = {}
            continue
        roles, statuses = line.split(":", 1)
        get, post = (part.split() for part in statuses.split("|"))
        for role in (name.strip() for name in roles.split(",")):
            expanded = (
                list(STAFF)
                if role == "staff"
                else ROLES
                if role == "everyone"
                else [r for r in ROLES if r not in table[route]]
                if role == "others"
                else [role]
            )
            for one in expanded:
                table[route][one] = (get, post)
    return table


EXPECTED = parse(EXPECTED_TEXT)
ROUTES = [route for route, _callback in walk(get_resolver("portal.urls").url_patterns)]


def request(client, method, url):
    """One request whose effects (rows, session, cookies) are all undone afterwards."""
    cookies = client.cookies
    client.cookies = type(cookies)(cookies)
    try:
        with transaction.atomic():
            response = getattr(client, method)(url)
            if response.streaming:
                b"".join(response.streaming_content)  # read to the end: the test client then closes the file
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
        connection.set_schema_to_public()
    return response


def test_every_route_is_in_the_table():
    assert sorted(set(ROUTES) - set(EXPECTED)) == [], "routes without a line in EXPECTED"
    assert sorted(set(EXPECTED) - set(ROUTES)) == [], "lines of EXPECTED for routes that no longer exist"
    for route, lines in EXPECTED.items():
        assert sorted(lines) == sorted(ROLES), route


def statuses_of(matrix, route):
    """(role, method, variant) -> what the portal answers, and the rules it broke."""
    found, broken = {}, []
    for role in ROLES:
        urls = urls_of(route, matrix, role)
        for method in ("get", "post"):
            for variant, url in urls.items():
                response = request(matrix.clients[role], method, url)
                got = found[(role, method, variant)] = outcome(response)
                where = f"{role} {method.upper()} {url}"
                # 503 with Retry-After is an answer (a document the worker is still building), not an error.
                if response.status_code >= 500 and not (
                    response.status_code == 503 and response.has_header("Retry-After")
                ):
                    broken.append(f"{where}: server error")
                if variant == "other_collectivite" and got == "200":
                    broken.append(f"{where}: another collectivité's object served")
                if variant == "other_family" and role in FAMILY_ROLES and got == "200":
                    broken.append(f"{where}: another family's object served")
    return found, broken


@pytest.mark.parametrize("route", ROUTES)
def test_each_role_gets_exactly_the_expected_status(matrix, route, db):
    found, broken = statuses_of(matrix, route)
    assert broken == []
    expected = EXPECTED[route]
    mismatches = []
    for (role, method, variant), got in found.items():
        statuses = expected[role][0 if method == "get" else 1]
        present = [v for (r, m, v) in found if r == role and m == method]
        want = statuses[0] if len(statuses) == 1 else statuses[present.index(variant)]
        if want != got:
            mismatches.append(f"{role} {method.upper()} {variant}: expected {want}, got {got}")
    assert mismatches == []
