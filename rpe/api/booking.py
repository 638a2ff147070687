"""Appointments through the API (contracts/rpe.md "Appointments"): motifs, free slots, book, cancel, ICS.

Families and AM see and book for themselves only; another person's appointment is a 404. The relais' notes
never appear here.
"""

import datetime

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api import PredicatePermission
from portal.api_schema import DETAIL
from portal.workflows import TransitionError
from rpe.booking import calendars, services
from rpe.booking.ics import appointment_ics
from rpe.models import Appointment, Lieu
from rpe.perms import can_book_online
from rpe.slots import PARIS, distinct_by_place

MAX_DAYS = 31
MAX_ID = 2**31 - 1
TAKEN = {
    **DETAIL,
    "properties": {
        **DETAIL["properties"],
        "next_slots": {"type": "array", "items": {"type": "object"}, "description": "Les prochains créneaux libres."},
    },
}


class MotifSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    duration_minutes = serializers.IntegerField()
    modality = serializers.CharField()
    relais = serializers.IntegerField(source="relais_id")
    relais_name = serializers.CharField(source="relais.name")
    restriction_text = serializers.CharField()


class SlotSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    place = serializers.IntegerField()
    place_name = serializers.CharField()


class AppointmentSerializer(serializers.ModelSerializer):
    motif_name = serializers.CharField(source="motif.name", read_only=True)
    place = serializers.IntegerField(source="lieu_id", read_only=True)
    place_name = serializers.CharField(source="lieu.name", read_only=True)
    modality = serializers.CharField(source="motif.modality", read_only=True)

    class Meta:
        model = Appointment
        fields = ["id", "start", "end", "motif", "motif_name", "place", "place_name", "modality", "status"]


@extend_schema_field(
    {
        "type": "string",
        "format": "date-time",
        "pattern": r"^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})$",
    }
)
class StartField(serializers.DateTimeField):
    """A slot's start with its offset, as Python reads it: this century, no leap second, microseconds at most."""


class BookingSerializer(serializers.Serializer):
    motif = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    start = StartField()
    place = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    accept_conditions = serializers.BooleanField(required=False, default=False)


def slot_json(slots, motif):
    names = dict(Lieu.objects.filter(relais=motif.relais_id).values_list("pk", "name"))
    return [
        {
            "start": slot.start.astimezone(PARIS).isoformat(),
            "end": slot.end.astimezone(PARIS).isoformat(),
            "place": slot.place,
            "place_name": names.get(slot.place, ""),
        }
        for slot in slots
    ]


OnlineBooking = PredicatePermission.of(can_book_online)


@extend_schema(summary="Motifs réservables", description="Les motifs de rendez-vous que la personne peut réserver.")
class MotifListView(generics.ListAPIView):
    serializer_class = MotifSerializer
    permission_classes = [OnlineBooking]

    def get_queryset(self):
        return services.bookable_motifs(self.request.user).order_by("relais__name", "name")


@extend_schema(
    summary="Créneaux libres",
    parameters=[
        OpenApiParameter("motif", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, required=True),
        OpenApiParameter("from", datetime.date, required=True, description="Premier jour (AAAA-MM-JJ)."),
        OpenApiParameter(
            "to", datetime.date, required=True, description="Dernier jour ; au-delà de 31 jours, les 31 premiers."
        ),
    ],
    responses={
        200: SlotSerializer(many=True),
        404: OpenApiResponse(DETAIL, description="Motif introuvable ou non réservable en ligne."),
    },
)
class SlotListView(APIView):
    permission_classes = [OnlineBooking]

    def get(self, request):
        motif_id, first, last = (request.query_params.get(name, "") for name in ("motif", "from", "to"))
        errors = {}
        if not (motif_id.isascii() and motif_id.isdigit()) or not 1 <= int(motif_id) <= MAX_ID:
            errors["motif"] = [_("Indiquez le motif (son numéro).")]
        try:
            first, last = parse_date(first), parse_date(last)
        except ValueError:
            first = last = None
        if first is None or last is None:
            errors["from"] = [_("Indiquez les dates from et to au format AAAA-MM-JJ.")]
        if errors:
            raise ValidationError(errors)
        motif = get_object_or_404(services.bookable_motifs(request.user), pk=motif_id)
        # At most 31 days from `from`; nothing is bookable outside the motif's horizon: a window past it (or
        # reversed) is simply empty.
        today = timezone.localdate()
        last = min(
            last, first + datetime.timedelta(days=MAX_DAYS - 1), today + datetime.timedelta(days=motif.max_delay_days)
        )
        first = max(first, today)
        if last < first:
            return Response([])
        window_start = datetime.datetime.combine(first, datetime.time(), tzinfo=PARIS)
        window_end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time(), tzinfo=PARIS)
        slots = distinct_by_place(calendars.search(motif, window_start, window_end))
        return Response(slot_json(slots, motif))


def conflict(error, motif):
    body = {"detail": str(error)}
    if isinstance(error, services.SlotTaken):
        body["next_slots"] = slot_json(error.next_slots, motif)
    return Response(body, status=status.HTTP_409_CONFLICT)


@extend_schema(summary="Mes rendez-vous")
class AppointmentListView(generics.ListCreateAPIView):
    serializer_class = AppointmentSerializer
    permission_classes = [OnlineBooking]

    def get_queryset(self):
        return Appointment.objects.of_person(self.request.user).select_related("motif", "lieu").order_by("-start")

    @extend_schema(
        summary="Réserver un rendez-vous",
        request=BookingSerializer,
        responses={
            201: AppointmentSerializer,
            404: OpenApiResponse(DETAIL, description="Motif ou lieu introuvable, ou motif non réservable en ligne."),
            409: OpenApiResponse(
                TAKEN,
                description="Ce créneau vient d'être pris (avec les prochains créneaux libres), ou la personne "
                "a déjà un rendez-vous à cette heure-là.",
            ),
        },
    )
    def post(self, request, *args, **kwargs):
        booking = BookingSerializer(data=request.data)
        booking.is_valid(raise_exception=True)
        data = booking.validated_data
        # Well-formed, but naming a motif or a place this person cannot book: not found (404), as a GET would say.
        motif = services.bookable_motifs(request.user).filter(pk=data["motif"]).first()
        if motif is None:
            raise NotFound(_("Ce motif n'existe pas ou ne se réserve pas en ligne pour vous."))
        lieu = Lieu.objects.filter(pk=data["place"], relais=motif.relais_id).first()
        if lieu is None:
            raise NotFound(_("Ce lieu n'accueille pas ce motif."))
        try:
            with transaction.atomic():
                appointment = services.appointment_book(
                    motif=motif,
                    start=data["start"],
                    lieu=lieu,
                    booked_by=request.user,
                    person=request.user,
                    accepted_restriction=data["accept_conditions"],
                )
        except (services.SlotTaken, services.PersonBusy) as error:
            return conflict(error, motif)
        except services.BookingError as error:
            return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(AppointmentSerializer(appointment).data, status=status.HTTP_201_CREATED)


def own_appointment(request, pk):
    queryset = Appointment.objects.of_person(request.user).select_related("motif", "lieu")
    return get_object_or_404(queryset, pk=pk)


@extend_schema(summary="Un de mes rendez-vous")
class AppointmentDetailView(generics.RetrieveAPIView):
    serializer_class = AppointmentSerializer
    permission_classes = [OnlineBooking]

    def get_object(self):
        return own_appointment(self.request, self.kwargs["pk"])


@extend_schema(
    summary="Annuler un de mes rendez-vous",
    request=None,
    responses={200: AppointmentSerializer, 409: OpenApiResponse(DETAIL, description="Trop tard ou déjà annulé.")},
)
class AppointmentCancelView(APIView):
    permission_classes = [OnlineBooking]

    def post(self, request, pk):
        appointment = own_appointment(request, pk)
        try:
            services.appointment_cancel(appointment=appointment, user=request.user)
        except TransitionError as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        return Response(AppointmentSerializer(appointment).data)


@extend_schema(summary="Un de mes rendez-vous au format iCalendar", responses={(200, "text/calendar"): bytes})
class AppointmentIcsView(APIView):
    permission_classes = [OnlineBooking]

    def get(self, request, pk):
        appointment = own_appointment(request, pk)
        response = HttpResponse(appointment_ics(appointment), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="rendez-vous-{appointment.pk}.ics"'
        return response


# The API answers 403 itself (DRF permissions) rather than redirecting to the login page.
urlpatterns = [
    path("motifs/", login_not_required(MotifListView.as_view()), name="rpe_motifs"),
    path("creneaux/", login_not_required(SlotListView.as_view()), name="rpe_slots"),
    path("rendez-vous/", login_not_required(AppointmentListView.as_view()), name="rpe_appointments"),
    path("rendez-vous/<int:pk>/", login_not_required(AppointmentDetailView.as_view()), name="rpe_appointment"),
    path(
        "rendez-vous/<int:pk>/annulation/",
        login_not_required(AppointmentCancelView.as_view()),
        name="rpe_appointment_cancel",
    ),
    path("rendez-vous/<int:pk>/ics", login_not_required(AppointmentIcsView.as_view()), name="rpe_appointment_ics"),
]
