"""Pages for families and AM: book, my appointments, cancel, move, wait for an earlier slot.

Every query starts from the signed-in account's own appointments: another person's ids do not resolve (404).
"""

import datetime

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.decorators import allowed_if
from portal.workflows import TransitionError
from rpe.booking import calendars, services
from rpe.booking.enums import AppointmentStatus
from rpe.booking.ics import appointment_ics
from rpe.booking.workflow import APPOINTMENT
from rpe.models import Appointment, Lieu
from rpe.perms import can_book_online
from rpe.slots import PARIS, distinct_by_place

WEEK = datetime.timedelta(days=7)


def own_appointments(request):
    return Appointment.objects.of_person(request.user).select_related("motif", "lieu", "relais")


def own_appointment(request, pk):
    return get_object_or_404(own_appointments(request), pk=pk)


def week_window(request):
    """The week the page shows: `?semaine=YYYY-MM-DD` (its Monday), this week by default."""
    today = timezone.localdate()
    try:
        chosen = datetime.date.fromisoformat(request.GET.get("semaine", ""))
    except ValueError:
        chosen = today
    monday = chosen - datetime.timedelta(days=chosen.weekday())
    monday = max(monday, today - datetime.timedelta(days=today.weekday()))
    start = datetime.datetime.combine(monday, datetime.time(), tzinfo=PARIS)
    return monday, start, start + WEEK


def slots_by_day(slots, lieux):
    days = {}
    for slot in slots:
        local = slot.start.astimezone(PARIS)
        days.setdefault(local.date(), []).append(
            {
                "slot": slot,
                "local": local,
                "lieu": lieux.get(slot.place),
                "value": f"{slot.start.isoformat()}|{slot.place}",
            }
        )
    return sorted(days.items())


def week_slots(request, motif, *, exclude=None):
    monday, start, end = week_window(request)
    slots = distinct_by_place(calendars.search(motif, start, end, exclude=exclude))
    lieux = {lieu.pk: lieu for lieu in Lieu.objects.filter(relais=motif.relais_id)}
    return {
        "monday": monday,
        "days": slots_by_day(slots, lieux),
        "previous_week": monday - WEEK if monday > timezone.localdate() - WEEK else None,
        "next_week": monday + WEEK,
        "next_free": [] if slots else distinct_by_place(calendars.next_free(motif, count=3)),
        "lieux": lieux,
    }


def parse_choice(value, motif):
    """ "<start>|<place>" from the slot's radio button, or (None, None)."""
    start_text, _sep, place = (value or "").partition("|")
    start = parse_datetime(start_text) if start_text else None
    lieu = Lieu.objects.filter(pk=place, relais=motif.relais_id).first() if place.isdigit() else None
    if start is None or timezone.is_naive(start) or lieu is None:
        return None, None
    return start, lieu


@allowed_if(can_book_online)
@require_GET
def my_appointments(request):
    appointments = list(own_appointments(request).order_by("-start"))
    now = timezone.now()
    return render(
        request,
        "rpe/booking/my_appointments.html",
        {
            "coming": sorted(
                (a for a in appointments if a.start >= now and not a.is_cancelled), key=lambda a: a.start
            ),
            "past": [a for a in appointments if a.start < now or a.is_cancelled],
        },
    )


@allowed_if(can_book_online)
@require_GET
def choose_motif(request):
    motifs = services.bookable_motifs(request.user).order_by("relais__name", "name")
    return render(request, "rpe/booking/choose_motif.html", {"motifs": motifs})


@allowed_if(can_book_online)
@require_http_methods(["GET", "POST"])
def book(request, motif_pk):
    motif = get_object_or_404(services.bookable_motifs(request.user), pk=motif_pk)
    error, status = None, 200
    if request.method == "POST":
        start, lieu = parse_choice(request.POST.get("creneau"), motif)
        if start is None:
            error, status = _("Choisissez un créneau."), 400
        else:
            try:
                with transaction.atomic():
                    appointment = services.appointment_book(
                        motif=motif,
                        start=start,
                        lieu=lieu,
                        booked_by=request.user,
                        person=request.user,
                        accepted_restriction=request.POST.get("conditions") == "on",
                    )
            except (services.SlotTaken, services.PersonBusy) as refused:
                error, status = str(refused), 409
            except services.BookingError as refused:
                error, status = str(refused), 400
            else:
                messages.success(
                    request, _("Votre rendez-vous est réservé. Une confirmation vous est envoyée par courriel.")
                )
                return redirect("rpe:booking:appointment", appointment.pk)
    context = {"motif": motif, "error": error, **week_slots(request, motif)}
    return render(request, "rpe/booking/book.html", context, status=status)


@allowed_if(can_book_online)
@require_GET
def appointment_detail(request, pk):
    appointment = own_appointment(request, pk)
    return render(
        request,
        "rpe/booking/appointment.html",
        {
            "appointment": appointment,
            "can_cancel": APPOINTMENT.allowed(
                appointment, AppointmentStatus.CANCELLED_BY_PERSON, services.actor_of(request.user), request.user
            ),
            "waiting": hasattr(appointment, "waiting"),
        },
    )


@allowed_if(can_book_online)
@require_http_methods(["GET", "POST"])
def cancel(request, pk):
    """A confirmation page first (works without JavaScript), then the cancellation."""
    appointment = own_appointment(request, pk)
    error = None
    if request.method == "POST":
        try:
            services.appointment_cancel(appointment=appointment, user=request.user)
        except TransitionError as refused:
            error = str(refused)
        else:
            messages.success(request, _("Votre rendez-vous est annulé. Le créneau est libéré."))
            return redirect("rpe:booking:my_appointments")
    return render(
        request, "rpe/booking/cancel.html", {"appointment": appointment, "error": error}, status=409 if error else 200
    )


@allowed_if(can_book_online)
@require_http_methods(["GET", "POST"])
def reschedule(request, pk):
    appointment = own_appointment(request, pk)
    if appointment.status != AppointmentStatus.BOOKED or appointment.start <= timezone.now():
        messages.error(request, _("Seul un rendez-vous à venir peut être déplacé."))
        return redirect("rpe:booking:appointment", appointment.pk)
    error, status = None, 200
    if request.method == "POST":
        start, lieu = parse_choice(request.POST.get("creneau"), appointment.motif)
        if start is None:
            error, status = _("Choisissez un créneau."), 400
        else:
            try:
                with transaction.atomic():
                    services.appointment_move(appointment=appointment, start=start, lieu=lieu, user=request.user)
            except (services.SlotTaken, services.PersonBusy) as refused:
                error, status = str(refused), 409
            except services.BookingError as refused:
                error, status = str(refused), 400
            else:
                messages.success(
                    request, _("Votre rendez-vous est déplacé. Une nouvelle confirmation vous est envoyée.")
                )
                return redirect("rpe:booking:appointment", appointment.pk)
    context = {
        "motif": appointment.motif,
        "appointment": appointment,
        "error": error,
        **week_slots(request, appointment.motif, exclude=appointment),
    }
    return render(request, "rpe/booking/book.html", context, status=status)


@allowed_if(can_book_online)
@require_POST
def waiting_list(request, pk):
    appointment = own_appointment(request, pk)
    if request.POST.get("action") == "leave":
        services.waiting_list_leave(appointment=appointment)
        messages.success(request, _("Vous ne serez plus prévenu·e d'un créneau plus tôt."))
    else:
        try:
            services.waiting_list_join(appointment=appointment)
        except services.BookingError as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                _(
                    "Nous vous prévenons par courriel si un créneau plus tôt se libère (trois fois au plus, une par jour)."
                ),
            )
    return redirect("rpe:booking:appointment", appointment.pk)


@allowed_if(can_book_online)
@require_GET
def appointment_ics_download(request, pk):
    appointment = own_appointment(request, pk)
    response = HttpResponse(appointment_ics(appointment), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rendez-vous-{appointment.pk}.ics"'
    return response
