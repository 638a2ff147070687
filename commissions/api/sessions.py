"""Read-only API of commission sessions (contract commission.md): places, final decisions and cutoffs.

Staff (agents, administrators) read every session; the chair and members only those they sit in. Nothing names
a family: dossiers are their anonymous numbers.
"""

from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import ListAPIView, RetrieveAPIView

from commissions import figures, perms
from commissions.models import Session
from portal.api import PredicatePermission


class PlaceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    establishment = serializers.IntegerField()
    establishment_name = serializers.CharField()
    section = serializers.CharField()
    starts_on = serializers.DateField()
    reserved_for = serializers.CharField(allow_null=True)


class DecisionSerializer(serializers.Serializer):
    dossier = serializers.CharField()
    place = serializers.IntegerField()
    establishment = serializers.IntegerField()
    section = serializers.CharField()
    score = serializers.FloatField()
    origin = serializers.ChoiceField(choices=["engine", "override", "reoffer"])
    offer_status = serializers.ChoiceField(choices=["pending", "accepted", "declined", "expired"], allow_null=True)


CutoffSerializer = inline_serializer(
    "Cutoff",
    {
        "filled": serializers.IntegerField(),
        "capacity": serializers.IntegerField(),
        "last_admitted_score": serializers.FloatField(allow_null=True),
    },
)


class SecondsDateTimeField(serializers.DateTimeField):
    """ISO 8601 to the second with the offset, as the contract writes it (2026-10-08T18:40:00+02:00)."""

    def to_representation(self, value):
        return super().to_representation(value.replace(microsecond=0)) if value else None


class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="session.pk")
    date = serializers.DateField(source="session.date")
    status = serializers.CharField(source="session.status")
    validated_at = SecondsDateTimeField(source="session.validated_at", allow_null=True)
    places = PlaceSerializer(many=True)
    decisions = DecisionSerializer(many=True)
    cutoffs = serializers.DictField(child=CutoffSerializer)


class SessionQueryMixin:
    serializer_class = SessionSerializer
    permission_classes = [PredicatePermission.of(perms.can_list_sessions)]

    def get_queryset(self):
        return Session.objects.visible_to(self.request.user).with_dossier_total().order_by("-date", "-pk")


@extend_schema(
    summary="Commissions d'attribution",
    description="Les commissions, de la plus récente à la plus ancienne, avec leurs places, leurs décisions "
    "finales et leurs seuils par établissement et section. Dossiers anonymes.",
)
class SessionListView(SessionQueryMixin, ListAPIView):
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        by_id = figures.figures_for(page)
        return self.get_paginated_response(self.get_serializer([by_id[s.pk] for s in page], many=True).data)


@extend_schema(summary="Une commission d'attribution", description="Places, décisions finales et seuils.")
class SessionDetailView(SessionQueryMixin, RetrieveAPIView):
    def get_object(self):
        session = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if session is None:
            raise Http404
        return figures.session_figures(session)
