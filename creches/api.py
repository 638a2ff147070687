"""Public read-only API of the offer: anyone may list the établissements of a collectivité."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from creches.models import Establishment, Section


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = ["code", "name", "min_age_months", "max_age_months", "capacity"]


class EstablishmentSerializer(serializers.ModelSerializer):
    sections = SectionSerializer(many=True, read_only=True)

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


@extend_schema_view(
    list=extend_schema(summary="Établissements d'accueil du territoire"),
    retrieve=extend_schema(summary="Un établissement"),
)
class EstablishmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Open data: no personal information here, so no sign-in."""

    serializer_class = EstablishmentSerializer
    permission_classes = [AllowAny]
    authentication_classes = []

    def get_queryset(self):
        queryset = Establishment.objects.active().prefetch_related("sections").order_by("commune", "name")
        if commune := self.request.query_params.get("commune"):
            queryset = queryset.filter(code_insee=commune)
        if kind := self.request.query_params.get("type"):
            queryset = queryset.filter(type=kind)
        return queryset
