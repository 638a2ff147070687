"""Public read-only API of the offer: anyone may list the établissements of a collectivité."""

import django_filters
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from creches.enums import EstablishmentType
from creches.models import Establishment, Section
from portal.api import NoEmptyParametersForm


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = ["code", "name", "min_age_months", "max_age_months", "capacity"]


# JSON Schema's `format: time` wants an offset ("07:30:00+01:00"): a local opening time is a plain string.
@extend_schema_field(
    {"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$", "example": "07:30:00"}
)
class LocalTimeField(serializers.TimeField):
    pass


class EstablishmentSerializer(serializers.ModelSerializer):
    sections = SectionSerializer(many=True, read_only=True)
    opens_at = LocalTimeField(read_only=True, label=_("Ouverture"))
    closes_at = LocalTimeField(read_only=True, label=_("Fermeture"))

    class Meta:
        model = Establishment
        fields = [
            "id",
            "slug",
            "name",
            "type",
            "manager",
            "address",
            "postal_code",
            "commune",
            "code_insee",
            "latitude",
            "longitude",
            "opening_days",
            "opens_at",
            "closes_at",
            "capacity",
            "care_kinds",
            "atypical_hours",
            "disability_friendly",
            "avip",
            "insertion_places",
            "phone",
            "email",
            "sections",
        ]


INSEE_CODE = r"^(\d{5}|2[AB]\d{3})$"


class EstablishmentFilter(django_filters.FilterSet):
    """The list's query parameters, validated: a bad value is a 400 with a French message, never a 500."""

    commune = django_filters.CharFilter(
        field_name="code_insee",
        strip=False,  # the value is checked exactly as sent (" 75056" does not match the pattern)
        help_text=_("Code INSEE de la commune (5 caractères, 2A/2B pour la Corse)."),
        validators=[RegexValidator(INSEE_CODE, _("Indiquez un code INSEE de 5 caractères."))],
    )
    type = django_filters.ChoiceFilter(choices=EstablishmentType.choices, help_text=_("Type d'établissement."))

    class Meta:
        model = Establishment
        fields = ["commune", "type"]
        form = NoEmptyParametersForm


@extend_schema_view(
    list=extend_schema(
        summary="Établissements d'accueil du territoire",
        # The schema says what the filter accepts, so that a client knows a bad code is refused (400).
        parameters=[
            OpenApiParameter(
                "commune",
                str,
                description=str(EstablishmentFilter.base_filters["commune"].extra["help_text"]),
                pattern=INSEE_CODE,
            )
        ],
    ),
    retrieve=extend_schema(summary="Un établissement"),
)
class EstablishmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Open data: no personal information here, so no sign-in."""

    serializer_class = EstablishmentSerializer
    permission_classes = [AllowAny]
    authentication_classes = []
    filter_backends = [DjangoFilterBackend]
    filterset_class = EstablishmentFilter

    def get_queryset(self):
        return Establishment.objects.active().prefetch_related("sections").order_by("commune", "name")
