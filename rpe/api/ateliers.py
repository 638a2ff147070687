"""Ateliers through the API (contracts/rpe.md "Ateliers"): the programme, and an AM's registration to one."""

import datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api import PredicatePermission
from portal.api_schema import DETAIL
from portal.models import Collectivite
from rpe import perms
from rpe.ateliers import services
from rpe.ateliers.enums import RegistrationStatus
from rpe.models.ateliers import Atelier, Registration

MAX_DAYS = 366


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def commune_name(code_insee):
    return Collectivite.current_commune_names().get(code_insee, "")


class AtelierSerializer(serializers.ModelSerializer):
    place_name = serializers.CharField(source="where", read_only=True)
    commune = serializers.SerializerMethodField()
    free_adults = serializers.SerializerMethodField()
    free_children = serializers.SerializerMethodField()

    class Meta:
        model = Atelier
        fields = [
            "id",
            "title",
            "kind",
            "start",
            "end",
            "place_name",
            "commune",
            "code_insee",
            "seats_adults",
            "seats_children",
            "free_adults",
            "free_children",
        ]

    def get_commune(self, atelier) -> str:
        return commune_name(atelier.code_insee)

    def get_free_adults(self, atelier) -> int:
        return atelier.free_seats()[0]

    def get_free_children(self, atelier) -> int:
        return atelier.free_seats()[1]


def date_param(request, name, default):
    value = request.query_params.get(name)
    if value is None:
        return default
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise ValidationError({name: [_("Date attendue au format AAAA-MM-JJ.")]}) from error


@extend_schema(
    summary="Programme des ateliers",
    description="Les ateliers des relais de la collectivité (par défaut les 31 jours à partir d'aujourd'hui ; une "
    "fenêtre plus longue qu'un an est ramenée à 366 jours), avec les places libres. Les familles ne voient que les ateliers qui leur sont ouverts.",
    parameters=[
        OpenApiParameter("from", datetime.date, description="Premier jour (AAAA-MM-JJ), aujourd'hui par défaut."),
        OpenApiParameter("to", datetime.date, description="Dernier jour (AAAA-MM-JJ), inclus."),
    ],
)
class AtelierListView(ListAPIView):
    """Public like the programme page: anyone may read it."""

    serializer_class = AtelierSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        first = date_param(self.request, "from", timezone.localdate())
        try:
            default_last = first + datetime.timedelta(days=31)
        except OverflowError:
            default_last = datetime.date.max
        last = date_param(self.request, "to", default_last)
        # A window past a year is clamped to a year (an end before the start simply finds nothing).
        if (last - first).days > MAX_DAYS:
            last = first + datetime.timedelta(days=MAX_DAYS)
        family_only = not perms.sees_every_atelier(self.request.user)
        return (
            Atelier.objects.filter(cancelled_at__isnull=True)
            .between(first, last)
            .open_to(family=family_only)
            .select_related("lieu")
            .with_seats_taken()
            .order_by("start", "id")
        )


class RegistrationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Registration
        fields = ["id", "atelier", "status", "children", "created_at"]


class RegistrationInput(serializers.Serializer):
    children = serializers.IntegerField(min_value=0, max_value=services.MAX_CHILDREN, default=0)


class RegistrationView(APIView):
    """An AM (or a parent, for réunions d'information) registers, or cancels her registration."""

    permission_classes = [PredicatePermission.of(perms.can_register_to_ateliers)]

    @extend_schema(
        summary="S'inscrire à un atelier",
        request=RegistrationInput,
        responses={
            201: OpenApiResponse(RegistrationSerializer, description="Inscrite."),
            202: OpenApiResponse(RegistrationSerializer, description="Atelier complet : sur la liste d'attente."),
            409: OpenApiResponse(DETAIL, description="Déjà inscrite, ou inscription refusée par les règles."),
        },
    )
    def post(self, request, pk):
        data = RegistrationInput(data=request.data)
        data.is_valid(raise_exception=True)
        person = services.Registrant.of(request.user)
        try:
            registration = services.registration_create(
                atelier_id=pk,
                children=data.validated_data["children"],
                user=person.user,
                assistant=person.assistant,
                actor=person.actor,
                by=request.user,
            )
        except Atelier.DoesNotExist as error:
            raise NotFound() from error
        except services.RegistrationRefused as error:
            raise Conflict(str(error)) from error
        code = status.HTTP_201_CREATED if registration.status == RegistrationStatus.REGISTERED else 202
        return Response(RegistrationSerializer(registration).data, status=code)

    @extend_schema(
        summary="Annuler son inscription",
        request=None,
        responses={
            200: inline_serializer(
                "CancelledRegistration", {"id": serializers.IntegerField(), "status": serializers.CharField()}
            ),
            409: OpenApiResponse(DETAIL, description="L'atelier a déjà commencé."),
        },
    )
    def delete(self, request, pk):
        person = services.Registrant.of(request.user)
        registration = get_object_or_404(person.registrations().filter(status__in=services.CANCELLABLE), atelier_id=pk)
        try:
            services.registration_cancel(registration, actor=person.actor, user=request.user)
        except services.RegistrationRefused as error:
            raise Conflict(str(error)) from error
        return Response({"id": registration.pk, "status": registration.status})
