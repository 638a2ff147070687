"""Sharing with the département (optional, off by default) and the département's consolidated table.

A collectivité that opts in publishes its territory table per commune, as its own pages publish it (secret cells
are None), into the public schema. The consolidation only adds published values: a total with a secret part is
itself secret, so nothing hidden by a collectivité can be recomputed from the département's table.
"""

from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from observatoire.compute import OUTSIDE
from observatoire.departement.models import DepartementShare

SHARED_KEYS = [
    "children_under_3",
    "places_eaje",
    "places_am",
    "places_am_available",
    "requests_filed",
    "requests_active",
]


def departement_of(code_insee):
    code = str(code_insee)
    return code[:3] if code.startswith("97") else code[:2]


def share_publish(published):
    """In a collectivité's schema: publish (or withdraw, when sharing is off) the year's shared aggregates."""
    from observatoire.models import ObservatoireSettings

    tenant = connection.tenant
    if not ObservatoireSettings.current().share_with_departement:
        share_withdraw()
        return None
    territory = published.table("territory")
    rows = [
        {
            "code_insee": row.code,
            "name": str(row.label),
            "departement": departement_of(row.code),
            **{key: territory.value(row, key) for key in SHARED_KEYS},
        }
        for row in territory.rows
        if row.code != OUTSIDE
    ]
    with schema_context("public"):
        share, _created = DepartementShare.objects.update_or_create(
            collectivite_id=tenant.pk, year=published.year, defaults={"rows": rows, "shared_at": timezone.now()}
        )
    return share


def share_withdraw():
    tenant = connection.tenant
    with schema_context("public"):
        DepartementShare.objects.filter(collectivite_id=tenant.pk).delete()


def coverage(places, children):
    if not children:
        return None
    return round(100 * places / children, 1)


def departement_table(code, year):
    """Communes of the département shared for `year`, with the département's total (public schema)."""
    shares = DepartementShare.objects.filter(year=year).select_related("collectivite").order_by("collectivite__name")
    rows = []
    for share in shares:
        for row in share.rows:
            if row.get("departement") == code:
                rows.append({**row, "collectivite": share.collectivite.name})
    total = {}
    for key in SHARED_KEYS:
        values = [row.get(key) for row in rows]
        # A total with a secret part stays secret (None): it would otherwise give the part away.
        total[key] = sum(values) if values and all(value is not None for value in values) else None
    for row in [*rows, total]:
        eaje, am, children = row.get("places_eaje"), row.get("places_am"), row.get("children_under_3")
        row["coverage_rate"] = coverage((eaje or 0) + (am or 0), children) if eaje is not None else None
    return {"rows": sorted(rows, key=lambda row: row["name"]), "total": total, "shares": list(shares)}


def departements_shared(year=None):
    codes = {}
    for share in DepartementShare.objects.filter(**({"year": year} if year else {})).select_related("collectivite"):
        for code in {row.get("departement") for row in share.rows}:
            codes.setdefault((code, share.year), set()).add(share.collectivite.name)
    return sorted(
        ({"code": code, "year": y, "collectivites": sorted(names)} for (code, y), names in codes.items()),
        key=lambda item: (item["code"], -item["year"]),
    )
