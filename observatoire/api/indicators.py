"""`GET /api/v1/observatoire/indicateurs/?year=YYYY` (contract observatoire.md): the year's indicators for the
territory and each commune, statistical secrecy applied (hidden counts are null and listed in `suppressed`).

Élus, agents and administrators only (403 for everyone else); aggregates only, never a name or a dossier.
"""

from django.db import connection
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from observatoire import services
from observatoire.perms import can_see_observatoire
from observatoire.tables import TOTAL_CODE
from portal.api import PredicatePermission
from portal.api_schema import DETAIL, AutoSchema, error

FIRST_YEAR, LAST_YEAR = 2000, 2100


class YearQuery(serializers.Serializer):
    year = serializers.IntegerField(
        required=False,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        help_text="Année des indicateurs (par défaut l'année en cours) ; une année à venir n'en a pas (404).",
    )


def parse_year(raw):
    """The year asked for (this year when absent), or a French 400; a year to come has no figures (404)."""
    today = timezone.localdate()
    if raw is None:
        return today.year
    if not str(raw).isdigit() or not FIRST_YEAR <= int(raw) <= LAST_YEAR:
        raise ValidationError(
            {"year": [f"Indiquez une année entre {FIRST_YEAR} et {today.year}, par exemple ?year={today.year}."]}
        )
    if int(raw) > today.year:
        raise NotFound(f"Pas encore d'indicateurs pour {raw} : l'année n'est pas commencée.")
    return int(raw)


def table_json(table):
    return {
        "key": table.key,
        "title": str(table.title),
        "source": str(table.source),
        "columns": [{"key": c.key, "label": str(c.label), "personal": c.personal} for c in table.columns],
        "rows": [
            {
                "code": row.code,
                "label": str(row.label),
                "values": {c.key: table.value(row, c.key) for c in table.columns},
            }
            for row in table.all_rows
        ],
        "suppressed": sorted([code, key] for code, key in table.suppressed),
    }


def indicators_json(published):
    territory = published.table("territory")
    keys = [column.key for column in territory.columns]
    communes = [
        {"code_insee": row.code, "name": str(row.label), **{key: territory.value(row, key) for key in keys}}
        for row in territory.rows
    ]
    return {
        "year": published.year,
        "generated_at": timezone.localtime(published.computed_at).replace(microsecond=0).isoformat(),
        "as_of": published.as_of.isoformat(),
        "territory": {
            "name": connection.tenant.name,
            **{key: territory.value(territory.total, key) for key in keys},
            **{key: value for key, value in published.headline.items() if key not in keys},
        },
        "communes": communes,
        "suppressed": sorted([code, key] for code, key in territory.suppressed if code != TOTAL_CODE)
        + sorted(["territory", key] for code, key in territory.suppressed if code == TOTAL_CODE),
        "coverage_terms": [{"code": t["code"], "label": str(t["label"]), "used": t["used"]} for t in published.terms],
        "tables": [table_json(table) for table in published.tables],
    }


class IndicatorsSchema(AutoSchema):
    def error_responses(self):
        return {**super().error_responses(), "404": error("Pas encore d'indicateurs pour une année à venir.", DETAIL)}


class IndicatorsView(APIView):
    permission_classes = [PredicatePermission.of(can_see_observatoire)]
    schema = IndicatorsSchema()

    @extend_schema(
        summary="Indicateurs de l'observatoire",
        description=(
            "Les indicateurs de l'année pour le territoire et chaque commune ; les effectifs de familles ou "
            "d'enfants de 1 à 4, et ce qui permettrait de les retrouver, sont publiés à null et listés dans "
            "`suppressed`. Élus, agents et administrateurs."
        ),
        parameters=[YearQuery],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        year = parse_year(request.query_params.get("year"))
        return Response(indicators_json(services.for_year(year)))
