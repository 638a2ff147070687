"""The two demonstration collectivités of DESIGN.md and their accounts (people are fictional)."""

import importlib

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.db import transaction
from django_tenants.utils import schema_context, tenant_context

from portal.accounts.models import User
from portal.accounts.roles import STAFF_ROLES, Role
from portal.enums import CollectiviteKind
from portal.models import Collectivite
from portal.tenancy import collectivite_create

DEMO_PASSWORD = "demo-petite-enfance"
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"
DEMO_OPERATOR_EMAIL = "operateur@plateforme.demo"

# Real communes (code officiel géographique) and their centres (town hall, decimal degrees); the people
# and figures attached to them are fictional.
VIE_ET_BOULOGNE_COMMUNES = [
    ("85003", "Aizenay", 46.7392, -1.6081),
    ("85006", "Apremont", 46.7555, -1.7483),
    ("85015", "Beaufou", 46.8191, -1.5254),
    ("85019", "Bellevigny", 46.7762, -1.4286),
    ("85086", "Falleron", 46.8821, -1.7013),
    ("85104", "Grand'Landes", 46.8517, -1.6448),
    ("85055", "La Chapelle-Palluau", 46.7874, -1.6234),
    ("85098", "La Génétouze", 46.7283, -1.5098),
    ("85178", "Le Poiré-sur-Vie", 46.7685, -1.5093),
    ("85129", "Les Lucs-sur-Boulogne", 46.8447, -1.4947),
    ("85130", "Maché", 46.7542, -1.6860),
    ("85169", "Palluau", 46.8061, -1.6203),
    ("85208", "Saint-Denis-la-Chevasse", 46.8281, -1.3570),
    ("85215", "Saint-Étienne-du-Bois", 46.8295, -1.5929),
    ("85261", "Saint-Paul-Mont-Penit", 46.8069, -1.6695),
]

DEMO_COLLECTIVITES = [
    {
        "slug": "vie-et-boulogne",
        "schema": "vie_et_boulogne",
        "name": "Vie et Boulogne (démo)",
        "kind": CollectiviteKind.INTERCOMMUNALITE,
        "communes": [
            {"code_insee": code, "nom": name, "latitude": latitude, "longitude": longitude}
            for code, name, latitude, longitude in VIE_ET_BOULOGNE_COMMUNES
        ],
        "main_colour": "#00607a",
        "contact_email": "petite-enfance@vie-et-boulogne.demo",
        "contact_phone": "02 00 00 00 01",
        "contact_address": "Siège de la communauté de communes\n85170 Le Poiré-sur-Vie",
    },
    {
        "slug": "metz",
        "schema": "metz",
        "name": "Metz (démo)",
        "kind": CollectiviteKind.COMMUNE,
        "communes": [{"code_insee": "57463", "nom": "Metz", "latitude": 49.1196, "longitude": 6.1757}],
        "main_colour": "#8a1538",
        "contact_email": "petite-enfance@metz.demo",
        "contact_phone": "03 00 00 00 01",
        "contact_address": "Pôle petite enfance\n57000 Metz",
    },
]

# (local part of the address, role, first name, last name)
DEMO_ACCOUNTS = [
    ("parent", Role.PARENT, "Camille", "Martin"),
    ("parent2", Role.PARENT, "Karim", "Benali"),
    ("am", Role.ASSISTANT_MATERNEL, "Sylvie", "Giraud"),
    ("animatrice", Role.ANIMATRICE_RPE, "Hélène", "Rousseau"),
    ("agent", Role.AGENT, "Julien", "Moreau"),
    ("directrice", Role.DIRECTEUR, "Nathalie", "Lefebvre"),
    ("commission", Role.MEMBRE_COMMISSION, "Bernard", "Chevalier"),
    ("elu", Role.ELU, "Isabelle", "Fontaine"),
    ("admin", Role.ADMINISTRATEUR, "Thomas", "Garnier"),
]

# Apps fill a demo collectivité through `<app>.demo.seed(collectivite)`, then `seed_after(collectivite)` if they
# need the other apps' data.
DOMAIN_APPS = ["creches", "families", "rpe", "commissions", "observatoire"]


def demo_domain(slug):
    return f"{slug}.{settings.PLATFORM_DOMAIN}"


def demo_accounts(slug):
    return [(f"{local}@{slug}.demo", role, first, last) for local, role, first, last in DEMO_ACCOUNTS]


def account_ensure(*, email, roles, first_name="", last_name="", staff_totp=False, **extra):
    """Create or bring back to its demo state one account (idempotent)."""
    user, _created = User.objects.get_or_create(email=email, defaults={"first_name": first_name, **extra})
    user.first_name, user.last_name, user.roles, user.is_active = first_name, last_name, sorted(roles), True
    for field, value in extra.items():
        setattr(user, field, value)
    if not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
    user.save()
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    if staff_totp:
        totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if totp is None:
            TOTP.activate(user, DEMO_TOTP_SECRET)
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists():
            RecoveryCodes.activate(user)
    return user


@transaction.atomic
def collectivite_seed(spec):
    collectivite = Collectivite.objects.filter(slug=spec["slug"]).first()
    fields = {
        key: spec[key]
        for key in ("kind", "communes", "main_colour", "contact_email", "contact_phone", "contact_address")
    }
    if collectivite is None:
        collectivite = collectivite_create(
            schema=spec["schema"],
            name=spec["name"],
            domain=demo_domain(spec["slug"]),
            slug=spec["slug"],
            is_demo=True,
            **fields,
        )
    else:
        Collectivite.objects.filter(pk=collectivite.pk).update(name=spec["name"], is_demo=True, **fields)
        collectivite.refresh_from_db()
    with tenant_context(collectivite):
        for email, role, first_name, last_name in demo_accounts(spec["slug"]):
            account_ensure(
                email=email, roles=[role], first_name=first_name, last_name=last_name, staff_totp=role in STAFF_ROLES
            )
        modules = []
        for app in DOMAIN_APPS:
            try:
                modules.append(importlib.import_module(f"{app}.demo"))
            except ModuleNotFoundError:
                continue
        for module in modules:
            module.seed(collectivite)
        # A second pass for what needs every app's data (the relais follow up the families past sessions left
        # without a place, once the commissions are seeded).
        for module in modules:
            if hasattr(module, "seed_after"):
                module.seed_after(collectivite)
    return collectivite


def platform_operator_seed():
    with schema_context("public"):
        return account_ensure(
            email=DEMO_OPERATOR_EMAIL,
            roles=[],
            first_name="Opératrice",
            last_name="Plateforme",
            staff_totp=True,
            is_staff=True,
            is_superuser=True,
        )
