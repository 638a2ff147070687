"""Creating collectivités (tenants) and keeping the template schema they are cloned from current."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_exists

from portal.cloning import quoted, template_is_current
from portal.enums import CollectiviteKind
from portal.models import Collectivite, Domain, validate_communes
from portal.spares import LOCK_CLASS, TEMPLATE_LOCK
from portal.tasks import enqueue_on_commit

TEMPLATE_SCHEMA = settings.TENANT_BASE_SCHEMA
SCHEMA_RE = re.compile(r"^[a-z][a-z0-9_]{1,62}$")
DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")
RESERVED_NAMES = {
    "public",
    "information_schema",
    TEMPLATE_SCHEMA,
    "admin",
    "api",
    "www",
    "static",
    "media",
    "plateforme",
    "platform",
    "localhost",
    "test",
}


def schemas_behind_template(schemas):
    """The schemas (in the given order) whose migration records lack one of the template's.

    The template is migrated first, so its records are what the code expects; a schema holding them
    all has nothing to apply. One statement per two hundred schemas instead of a migrate per schema.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relname = 'django_migrations' AND c.relkind = 'r' AND n.nspname = ANY(%s)
            """,
            [list(schemas)],
        )
        with_records = {row[0] for row in cursor.fetchall()}
        behind = set(schemas) - with_records
        checked = [schema for schema in schemas if schema in with_records]
        template = quoted(TEMPLATE_SCHEMA)
        for start in range(0, len(checked), 200):
            chunk = checked[start : start + 200]
            cursor.execute(
                " UNION ALL ".join(
                    f"SELECT %s WHERE EXISTS (SELECT app, name FROM {template}.django_migrations "  # noqa: S608
                    f"EXCEPT SELECT app, name FROM {quoted(schema)}.django_migrations)"
                    for schema in chunk
                ),
                chunk,
            )
            behind.update(row[0] for row in cursor.fetchall())
    return [schema for schema in schemas if schema in behind]


def template_sync(verbosity=0):
    """Create or migrate the template schema that new collectivités are cloned from."""
    if not schema_exists(TEMPLATE_SCHEMA):
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{TEMPLATE_SCHEMA}"')
    # No spare copy is made of a template half-migrated (records applied, content types not yet).
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_CLASS, TEMPLATE_LOCK])
    try:
        call_command(
            "migrate_schemas", tenant=True, schema_name=TEMPLATE_SCHEMA, interactive=False, verbosity=verbosity
        )
    finally:
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_CLASS, TEMPLATE_LOCK])


def platform_ensure():
    """The public schema is itself a tenant row for django-tenants: the platform, at PLATFORM_DOMAIN."""
    platform, _created = Collectivite.objects.get_or_create(
        schema_name=get_public_schema_name(),
        defaults={"slug": "plateforme", "name": "Plateforme", "kind": CollectiviteKind.COMMUNE},
    )
    Domain.objects.get_or_create(domain=settings.PLATFORM_DOMAIN, defaults={"tenant": platform, "is_primary": True})
    return platform


def collectivite_validate(*, schema, name, domain, slug):
    """Every reason not to create this collectivité, as French messages (empty when fine)."""
    errors = []
    if not SCHEMA_RE.match(schema or "") or schema.startswith("pg_"):
        errors.append(
            _("Schéma « %(schema)s » invalide : lettres minuscules, chiffres et _, commençant par une lettre.")
            % {"schema": schema}
        )
    elif schema in RESERVED_NAMES:
        errors.append(_("Le nom « %(schema)s » est réservé.") % {"schema": schema})
    elif Collectivite.objects.filter(schema_name=schema).exists() or schema_exists(schema):
        errors.append(_("Le schéma « %(schema)s » existe déjà.") % {"schema": schema})
    if not (name or "").strip():
        errors.append(_("Le nom de la collectivité est obligatoire."))
    elif len(name) > 200:
        errors.append(_("Le nom de la collectivité dépasse 200 caractères."))
    if not slug or slugify(slug) != slug or len(slug) > 63:
        errors.append(_("Identifiant « %(slug)s » invalide : minuscules, chiffres et tirets.") % {"slug": slug})
    elif slug in RESERVED_NAMES:
        errors.append(_("L'identifiant « %(slug)s » est réservé.") % {"slug": slug})
    elif Collectivite.objects.filter(slug=slug).exists():
        errors.append(_("L'identifiant « %(slug)s » est déjà pris.") % {"slug": slug})
    domain = (domain or "").lower()
    if not DOMAIN_RE.match(domain):
        errors.append(_("Domaine « %(domain)s » invalide.") % {"domain": domain})
    elif domain == settings.PLATFORM_DOMAIN or domain.split(".")[0] in RESERVED_NAMES:
        errors.append(_("Le domaine « %(domain)s » est réservé.") % {"domain": domain})
    elif Domain.objects.filter(domain=domain).exists():
        errors.append(_("Le domaine « %(domain)s » est déjà utilisé.") % {"domain": domain})
    return errors


@transaction.atomic
def collectivite_create(*, schema, name, domain, slug=None, kind=CollectiviteKind.COMMUNE, communes=(), **fields):
    """Create a ready collectivité: its row, its schema (cloned from the template) and its domain.

    Everything happens in one transaction (PostgreSQL DDL is transactional): on any error
    nothing is left behind.
    """
    slug = slug or (schema or "").replace("_", "-")
    errors = collectivite_validate(schema=schema, name=name, domain=domain, slug=slug)
    if kind not in CollectiviteKind.values:
        errors.append(_("Type « %(kind)s » inconnu (commune ou intercommunalite).") % {"kind": kind})
    communes = list(communes)
    if communes:
        try:
            validate_communes(communes)
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    connection.set_schema_to_public()
    if not template_is_current():
        template_sync()
    collectivite = Collectivite(
        schema_name=schema, slug=slug, name=name.strip(), kind=kind, communes=communes, **fields
    )
    collectivite.full_clean(exclude=["schema_name"])
    collectivite.save(verbosity=0)
    Domain.objects.create(domain=domain.lower(), tenant=collectivite, is_primary=True)
    connection.set_schema_to_public()
    # The spare this creation may have renamed is replaced by the worker.
    enqueue_on_commit("portal.tasks.spare_schemas_refill")
    return collectivite
