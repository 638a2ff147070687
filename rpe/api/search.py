"""The directory API (contracts/rpe.md), the AM's own profile and availability, and job offers.

What an item says of an AM is rpe.publication.am_data: anonymous visitors and families get published fields
only (a refused field is absent, not null); the staff of her relais get every field and `publication`.
"""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api import CommentField, NoEmptyParametersForm, PredicatePermission
from portal.api_defaults import JSONParser
from portal.api_schema import DETAIL
from portal.models import Collectivite
from portal.workflows import TransitionError
from rpe import offers
from rpe.enums import ActivityStatus, ChangedBy, HalfDay
from rpe.models import AssistantMaternel, JobOffer
from rpe.perms import (
    am_of,
    can_answer_job_offers,
    can_moderate_job_offers,
    can_post_job_offer,
    can_use_relais_pages,
    is_assistant_maternel,
    moderatable_job_offers,
    own_job_offers,
    relais_of,
)
from rpe.publication import am_data, directory_queryset
from rpe.search import MAX_RADIUS_KM, Criteria, search
from rpe.services import PROFILE_FIELDS, am_profile_update, availability_declare

INSEE_CODE = r"^(\d{5}|2[AB]\d{3})$"


class Conflict(ValidationError):
    """Well-formed, refused by the rules as things stand (a past date, a commune no relais covers, a closed offer)."""

    status_code = status.HTTP_409_CONFLICT


REFUSED = OpenApiResponse(
    DETAIL,
    description="Requête bien formée mais refusée par les règles (date passée, commune sans relais, annonce close…).",
)


def _json_ready(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _json_ready(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_ready(item) for item in value]
    return value


def _commune_names():
    names = Collectivite.current_commune_names()
    return lambda code: names.get(code, code)


NUMBER = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?")
INTEGER = re.compile(r"-?(0|[1-9]\d*)")


class DirectoryFilters(NoEmptyParametersForm):
    """The list's query parameters: a bad value is a 400 with a French message (numbers written as JSON's)."""

    def clean(self):
        data = super().clean()
        for name, pattern in (
            ("age_months", INTEGER),
            ("latitude", NUMBER),
            ("longitude", NUMBER),
            ("radius_km", NUMBER),
        ):
            raw = self.data.get(name)
            if raw not in (None, "") and not pattern.fullmatch(raw):
                self.add_error(name, _("Indiquez un nombre."))
        return data

    commune = forms.CharField(
        required=False,
        validators=[RegexValidator(INSEE_CODE, gettext_lazy("Indiquez un code INSEE de 5 caractères."))],
    )
    age_months = forms.IntegerField(required=False, min_value=0, max_value=72)
    date = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    latitude = forms.FloatField(required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180)
    radius_km = forms.FloatField(required=False, min_value=0.1, max_value=MAX_RADIUS_KM)

    def criteria(self):
        """A distance needs a point: latitude and longitude together (one alone, or a radius alone, is ignored)."""
        data = self.cleaned_data
        has_point = data.get("latitude") is not None and data.get("longitude") is not None
        return Criteria(
            code_insee=data.get("commune") or "",
            latitude=data.get("latitude") if has_point else None,
            longitude=data.get("longitude") if has_point else None,
            radius_km=(data.get("radius_km") or 10.0) if has_point else None,
            date=data.get("date"),
            age_months=data.get("age_months"),
        )


AVAILABILITY = inline_serializer(
    "AvailabilityItem",
    fields={
        "from": serializers.DateField(),
        "age_min_months": serializers.IntegerField(),
        "age_max_months": serializers.IntegerField(),
        "half_days": serializers.ListField(child=serializers.ChoiceField(choices=HalfDay.choices)),
        "count": serializers.IntegerField(),
    },
)


class AssistantMaternelSerializer(serializers.Serializer):
    """An AM as rpe.publication.am_data gives her to this viewer; consented fields only when published."""

    id = serializers.IntegerField()
    display_name = serializers.CharField()
    commune = serializers.CharField()
    code_insee = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True, help_text=gettext_lazy("Approximative sauf adresse publiée."))
    longitude = serializers.FloatField(allow_null=True)
    capacity = serializers.IntegerField()
    availability = serializers.ListField(child=AVAILABILITY)
    availability_updated_on = serializers.DateField(allow_null=True)
    is_stale = serializers.BooleanField()
    phone = serializers.CharField(required=False, help_text=gettext_lazy("Absent quand il n'est pas publié."))
    email = serializers.CharField(required=False, help_text=gettext_lazy("Absent quand il n'est pas publié."))
    address = serializers.CharField(required=False, help_text=gettext_lazy("Absente quand elle n'est pas publiée."))
    publication = inline_serializer(
        "Publication",
        fields={
            "phone": serializers.BooleanField(),
            "email": serializers.BooleanField(),
            "address": serializers.BooleanField(),
        },
        required=False,
        help_text=gettext_lazy("Pour le personnel du relais seulement."),
    )

    def to_representation(self, am):
        viewer = self.context["request"].user
        return _json_ready(am_data(am, viewer, commune_name=self.context["commune_name"]))


def directory_base(user):
    """Listed AM for everyone; the staff also see their relais's suspended or archived ones."""
    if can_use_relais_pages(user):
        return AssistantMaternel.objects.filter(
            Q(activity_status=ActivityStatus.ACTIVE) | Q(relais__in=relais_of(user))
        )
    return AssistantMaternel.objects.listed()


@extend_schema_view(
    get=extend_schema(
        summary="Assistant·es maternel·les du territoire",
        parameters=[
            OpenApiParameter("commune", str, pattern=INSEE_CODE, description="Code INSEE de la commune."),
            OpenApiParameter(
                "age_months",
                {"type": "integer", "minimum": 0, "maximum": 72},
                description="Âge de l'enfant (mois) à la date `date`.",
            ),
            OpenApiParameter("date", datetime.date, description="Place recherchée à partir de cette date."),
            OpenApiParameter(
                "latitude",
                {"type": "number", "minimum": -90, "maximum": 90},
                description="Point d'où mesurer la distance (avec `longitude`).",
            ),
            OpenApiParameter("longitude", {"type": "number", "minimum": -180, "maximum": 180}),
            OpenApiParameter(
                "radius_km",
                {"type": "number", "minimum": 0.1, "maximum": MAX_RADIUS_KM},
                description="Distance maximale (km) du point, 10 par défaut.",
            ),
        ],
    )
)
class AssistantMaternelList(generics.ListAPIView):
    serializer_class = AssistantMaternelSerializer
    permission_classes = [AllowAny]

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "commune_name": _commune_names()}

    def get_queryset(self):
        filters = DirectoryFilters(self.request.query_params)
        if not filters.is_valid():
            errors = dict(filters.errors)
            if "__all__" in errors:
                raise ValidationError({"detail": errors["__all__"][0]})
            raise ValidationError(errors)
        user = self.request.user
        ams = search(filters.criteria(), queryset=directory_base(user), listed_only=not can_use_relais_pages(user))
        return directory_queryset(ams)


@extend_schema(summary="Un·e assistant·e maternel·le")
class AssistantMaternelDetail(generics.RetrieveAPIView):
    serializer_class = AssistantMaternelSerializer
    permission_classes = [AllowAny]

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "commune_name": _commune_names()}

    def get_queryset(self):
        return directory_queryset(directory_base(self.request.user))


# --- The AM's own profile and availability -------------------------------------------------------------------


class OwnProfileSerializer(serializers.ModelSerializer):
    """What the AM reads and may change of her own profile (the agrément is the département's)."""

    display_name = serializers.CharField(read_only=True)
    availability = serializers.SerializerMethodField()

    class Meta:
        model = AssistantMaternel
        fields = [
            "id",
            "display_name",
            "code_insee",
            "agrement_number",
            "agrement_date",
            "renewal_due_on",
            "availability_confirmed_on",
            "activity_status",
            *PROFILE_FIELDS,
            "availability",
        ]
        read_only_fields = [
            "id",
            "code_insee",
            "agrement_number",
            "agrement_date",
            "renewal_due_on",
            "availability_confirmed_on",
            "activity_status",
        ]

    def get_availability(self, am) -> list:
        return _json_ready(am_data(am)["availability"])


def own_am(request):
    am = am_of(request.user)
    if am is None:
        raise NotFound(_("Aucune fiche d'assistante maternelle n'est liée à ce compte."))
    return am


@extend_schema_view(
    get=extend_schema(summary="Ma fiche d'assistant·e maternel·le"),
    patch=extend_schema(summary="Modifier ma fiche (coordonnées, consentements de publication, accueils)"),
)
class OwnProfile(generics.RetrieveUpdateAPIView):
    serializer_class = OwnProfileSerializer
    parser_classes = [JSONParser]  # JSON only: the schema says so
    permission_classes = [PredicatePermission.of(is_assistant_maternel)]
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return directory_queryset(AssistantMaternel.objects.filter(pk=own_am(self.request).pk)).get()

    def perform_update(self, serializer):
        try:
            am = am_profile_update(am=serializer.instance, changes=dict(serializer.validated_data))
        except DjangoValidationError as error:
            raise ValidationError({"detail": error.messages[0]}) from None
        serializer.instance = directory_queryset(AssistantMaternel.objects.filter(pk=am.pk)).get()


class AvailabilityInSerializer(serializers.Serializer):
    place = serializers.IntegerField(help_text=gettext_lazy("Identifiant de la place d'agrément."))
    status = serializers.CharField()
    available_from = serializers.DateField(required=False, allow_null=True)
    count = serializers.IntegerField(min_value=1, required=False, default=1)
    half_days = serializers.ListField(child=serializers.ChoiceField(choices=HalfDay.choices), required=False)
    age_min_months = serializers.IntegerField(min_value=0, max_value=72, required=False)
    age_max_months = serializers.IntegerField(min_value=1, max_value=72, required=False)


@extend_schema(
    summary="Déclarer mes disponibilités",
    request=AvailabilityInSerializer(many=True),
    responses={200: OwnProfileSerializer},
)
class OwnAvailability(APIView):
    """PUT the declaration of every agrément place (the legal declaration); GET reads it."""

    parser_classes = [JSONParser]  # JSON only: the schema says so
    permission_classes = [PredicatePermission.of(is_assistant_maternel)]

    def get(self, request):
        return Response(OwnProfileSerializer(own_am(request)).data)

    def put(self, request):
        am = own_am(request)
        serializer = AvailabilityInSerializer(data=request.data, many=True)
        serializer.is_valid(raise_exception=True)
        declarations = {row.pop("place"): row for row in serializer.validated_data}
        try:
            availability_declare(am=am, declarations=declarations, user=request.user, changed_by=ChangedBy.AM)
        except DjangoValidationError as error:
            raise ValidationError({"detail": error.messages[0]}) from None
        am = directory_queryset(AssistantMaternel.objects.filter(pk=am.pk)).get()
        return Response(OwnProfileSerializer(am).data)


# --- Job offers -----------------------------------------------------------------------------------------------


class JobOfferSerializer(serializers.ModelSerializer):
    commune = serializers.RegexField(INSEE_CODE, source="code_insee")
    half_days = serializers.ListField(child=serializers.ChoiceField(choices=HalfDay.choices), min_length=1)
    child_age_months = serializers.IntegerField(min_value=0, max_value=72)
    particular_needs = CommentField(required=False, max_length=2000)

    class Meta:
        model = JobOffer
        fields = [
            "id",
            "commune",
            "start_date",
            "child_age_months",
            "half_days",
            "atypical_hours",
            "disability",
            "particular_needs",
            "status",
            "refusal_reason",
            "published_on",
            "expires_on",
            "renewals",
            "created_at",
        ]
        read_only_fields = ["id", "status", "refusal_reason", "published_on", "expires_on", "renewals", "created_at"]


def visible_job_offers(user):
    if can_moderate_job_offers(user):
        return moderatable_job_offers(user)
    if can_post_job_offer(user):
        return own_job_offers(user)
    if can_answer_job_offers(user):
        am = am_of(user)
        published = JobOffer.objects.published()
        return published.filter(relais=am.relais) if am else published
    return JobOffer.objects.none()


def can_see_job_offers(user, obj=None):
    return can_moderate_job_offers(user) or can_post_job_offer(user) or can_answer_job_offers(user)


@extend_schema_view(
    get=extend_schema(summary="Petites annonces (les siennes pour une famille, celles du relais pour l'animatrice)"),
    post=extend_schema(
        summary="Déposer une petite annonce (famille)", responses={201: JobOfferSerializer, 409: REFUSED}
    ),
)
class JobOfferList(generics.ListCreateAPIView):
    serializer_class = JobOfferSerializer
    parser_classes = [JSONParser]  # JSON only: the schema says so

    def get_permissions(self):
        # Everyone concerned reads the offers; only a family posts one.
        predicate = can_post_job_offer if self.request.method == "POST" else can_see_job_offers
        return [PredicatePermission.of(predicate)()]

    def get_queryset(self):
        return visible_job_offers(self.request.user).order_by("-created_at", "-pk")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["start_date"] < timezone.localdate():
            raise Conflict({"detail": _("La date d'accueil est passée.")})
        try:
            offer = offers.job_offer_create(
                author=request.user,
                code_insee=data["code_insee"],
                start_date=data["start_date"],
                child_age_months=data["child_age_months"],
                half_days=data["half_days"],
                particular_needs=data.get("particular_needs", ""),
                atypical_hours=data.get("atypical_hours", False),
                disability=data.get("disability", False),
            )
        except DjangoValidationError as error:
            raise Conflict({"detail": error.messages[0]}) from None
        return Response(self.get_serializer(offer).data, status=status.HTTP_201_CREATED)


@extend_schema(summary="Une petite annonce")
class JobOfferDetail(generics.RetrieveAPIView):
    serializer_class = JobOfferSerializer
    permission_classes = [PredicatePermission.of(can_see_job_offers)]

    def get_queryset(self):
        return visible_job_offers(self.request.user)


@extend_schema(
    summary="Valider ou refuser une annonce (relais)",
    request=inline_serializer(
        "Moderation",
        fields={
            "decision": serializers.ChoiceField(choices=["publish", "refuse"]),
            "reason": serializers.CharField(required=False),
        },
    ),
    responses={200: JobOfferSerializer, 409: REFUSED},
)
class JobOfferModeration(APIView):
    parser_classes = [JSONParser]  # JSON only: the schema says so
    permission_classes = [PredicatePermission.of(can_moderate_job_offers)]

    def post(self, request, pk):
        offer = get_object_or_404(moderatable_job_offers(request.user), pk=pk)
        decision = request.data.get("decision")
        if decision not in ("publish", "refuse"):
            raise ValidationError({"decision": [_("Choisissez « publish » ou « refuse ».")]})
        try:
            offers.job_offer_moderate(
                offer=offer, user=request.user, publish=decision == "publish", reason=request.data.get("reason", "")
            )
        except TransitionError as error:
            raise Conflict({"detail": error.messages[0]}) from None
        return Response(JobOfferSerializer(offer).data)


@extend_schema(
    summary="Répondre à une annonce (assistant·e maternel·le)",
    request=inline_serializer("JobOfferAnswer", fields={"message": serializers.CharField()}),
    responses={
        201: inline_serializer(
            "JobOfferAnswered", fields={"id": serializers.IntegerField(), "offer": serializers.IntegerField()}
        ),
        409: REFUSED,
    },
)
class JobOfferAnswerView(APIView):
    parser_classes = [JSONParser]  # JSON only: the schema says so
    permission_classes = [PredicatePermission.of(can_answer_job_offers)]

    def post(self, request, pk):
        am = own_am(request)
        offer = get_object_or_404(JobOffer.objects.published(), pk=pk)
        try:
            answer = offers.job_offer_answer(offer=offer, am=am, message=request.data.get("message", ""))
        except DjangoValidationError as error:
            raise Conflict({"detail": error.messages[0]}) from None
        return Response({"id": answer.pk, "offer": offer.pk}, status=status.HTTP_201_CREATED)
