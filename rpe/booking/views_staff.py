"""The relais' pages: the agenda (day and week, per animatrice, lieu or relais), the day's marks and notes,
bookings on someone's behalf, and each animatrice's private calendar feed."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from portal.accounts.models import User
from portal.decorators import allowed_if
from portal.mail import absolute_url
from portal.workflows import Actor, TransitionError
from rpe.booking import services
from rpe.booking.enums import AppointmentStatus
from rpe.booking.ics import feed_ics
from rpe.booking.views import parse_choice, week_slots
from rpe.booking.workflow import APPOINTMENT
from rpe.models import Appointment, CalendarFeed, Lieu, Motif, Relais
from rpe.perms import can_manage_appointment, can_run_agenda, relais_of
from rpe.slots import PARIS

DAY = datetime.timedelta(days=1)


class AgendaFilter(forms.Form):
    vue = forms.ChoiceField(
        label=gettext_lazy("Vue"),
        choices=[("jour", gettext_lazy("jour")), ("semaine", gettext_lazy("semaine"))],
        required=False,
    )
    date = forms.DateField(label=gettext_lazy("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    relais = forms.ModelChoiceField(label=gettext_lazy("Relais"), queryset=Relais.objects.none(), required=False)
    animatrice = forms.ModelChoiceField(label=gettext_lazy("Animatrice"), queryset=User.objects.none(), required=False)
    lieu = forms.ModelChoiceField(label=gettext_lazy("Lieu"), queryset=Lieu.objects.none(), required=False)

    def __init__(self, *args, relais, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["animatrice"].queryset = (
            User.objects.filter(relais_memberships__relais__in=relais).distinct().order_by("last_name")
        )
        self.fields["lieu"].queryset = Lieu.objects.filter(relais__in=relais).order_by("name")
        self.fields["relais"].queryset = relais
        self.fields["relais"].empty_label = _("tous")
        self.fields["animatrice"].empty_label = _("toutes")
        self.fields["lieu"].empty_label = _("tous")


@allowed_if(can_run_agenda)
@require_GET
def agenda(request):
    relais = relais_of(request.user)
    form = AgendaFilter(request.GET or None, relais=relais)
    filters = form.cleaned_data if form.is_valid() else {}
    day = filters.get("date") or timezone.localdate()
    week = filters.get("vue") == "semaine"
    first = day - datetime.timedelta(days=day.weekday()) if week else day
    last = first + datetime.timedelta(days=6 if week else 0)
    start = datetime.datetime.combine(first, datetime.time(), tzinfo=PARIS)
    end = datetime.datetime.combine(last + DAY, datetime.time(), tzinfo=PARIS)
    appointments = (
        Appointment.objects.filter(relais__in=relais, start__gte=start, start__lt=end)
        .select_related("motif", "lieu", "animatrice", "person")
        .order_by("start")
    )
    if filters.get("relais"):
        appointments = appointments.filter(relais=filters["relais"])
    if filters.get("animatrice"):
        appointments = appointments.filter(animatrice=filters["animatrice"])
    if filters.get("lieu"):
        appointments = appointments.filter(lieu=filters["lieu"])
    days = {}
    for appointment in appointments:
        days.setdefault(timezone.localtime(appointment.start).date(), []).append(appointment)
    step = datetime.timedelta(days=7 if week else 1)
    query = request.GET.copy()
    query.pop("date", None)
    return render(
        request,
        "rpe/booking/agenda.html",
        {
            "form": form,
            "days": sorted(days.items()),
            "first": first,
            "last": last,
            "week": week,
            "previous": first - step,
            "next": first + step,
            "query": query.urlencode(),
        },
    )


def managed_appointment(request, pk):
    queryset = Appointment.objects.filter(relais__in=relais_of(request.user)).select_related(
        "motif", "lieu", "animatrice", "person", "family", "assistant"
    )
    appointment = get_object_or_404(queryset, pk=pk)
    if not can_manage_appointment(request.user, appointment):
        raise Http404
    return appointment


class NotesForm(forms.Form):
    notes = forms.CharField(
        label=gettext_lazy("Notes du relais"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Réservées au relais : jamais montrées à la personne reçue."),
    )


@allowed_if(can_run_agenda)
@require_http_methods(["GET", "POST"])
def appointment_manage(request, pk):
    appointment = managed_appointment(request, pk)
    form = NotesForm(request.POST if request.method == "POST" else None, initial={"notes": appointment.notes})
    error, status = None, 200
    if request.method == "POST" and form.is_valid():
        target = request.POST.get("status", "")
        try:
            if target:
                if target not in APPOINTMENT.targets(appointment, Actor.STAFF, request.user):
                    raise TransitionError(_("Ce changement n'est pas possible pour ce rendez-vous."))
                if target in (AppointmentStatus.CANCELLED_BY_PERSON, AppointmentStatus.CANCELLED_BY_SERVICE):
                    services.appointment_cancel(
                        appointment=appointment, user=request.user, target=target, notes=form.cleaned_data["notes"]
                    )
                else:
                    services.appointment_mark(
                        appointment=appointment, status=target, user=request.user, notes=form.cleaned_data["notes"]
                    )
            else:
                services.appointment_notes_save(appointment=appointment, notes=form.cleaned_data["notes"])
        except TransitionError as refused:
            error, status = str(refused), 409
        else:
            messages.success(request, _("Rendez-vous mis à jour."))
            return redirect(reverse("rpe:booking:agenda") + f"?date={timezone.localtime(appointment.start).date()}")
    targets = [
        (status, AppointmentStatus(status).label)
        for status in APPOINTMENT.targets(appointment, Actor.STAFF, request.user)
    ]
    return render(
        request,
        "rpe/booking/manage.html",
        {"appointment": appointment, "form": form, "targets": targets, "error": error, "log": appointment.log.all()},
        status=status,
    )


class OnBehalfForm(forms.Form):
    contact_email = forms.EmailField(
        label=gettext_lazy("Courriel"),
        required=False,
        help_text=gettext_lazy("S'il correspond à un compte de la collectivité, le rendez-vous y est rattaché."),
    )
    contact_name = forms.CharField(label=gettext_lazy("Nom de la personne"), max_length=200)
    contact_phone = forms.CharField(label=gettext_lazy("Téléphone"), max_length=30, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("contact_email") and not data.get("contact_phone"):
            raise forms.ValidationError(_("Indiquez un courriel ou un téléphone pour joindre la personne."))
        return data


@allowed_if(can_run_agenda)
@require_GET
def book_for_choose(request):
    motifs = Motif.objects.filter(relais__in=relais_of(request.user), is_active=True).select_related("relais")
    return render(request, "rpe/booking/staff_choose_motif.html", {"motifs": motifs.order_by("relais__name", "name")})


@allowed_if(can_run_agenda)
@require_http_methods(["GET", "POST"])
def book_for(request, motif_pk):
    """On someone's behalf (a phone call): every slot of the motif, booking delays aside."""
    motif = get_object_or_404(Motif.objects.filter(relais__in=relais_of(request.user)), pk=motif_pk)
    form = OnBehalfForm(request.POST if request.method == "POST" else None)
    error, status = None, 200
    if request.method == "POST":
        start, lieu = parse_choice(request.POST.get("creneau"), motif)
        if start is None:
            error, status = _("Choisissez un créneau."), 400
        elif form.is_valid():
            data = form.cleaned_data
            person = (
                User.objects.filter(email__iexact=data["contact_email"]).first() if data["contact_email"] else None
            )
            try:
                with transaction.atomic():
                    appointment = services.appointment_book(
                        motif=motif,
                        start=start,
                        lieu=lieu,
                        booked_by=request.user,
                        person=person,
                        contact_name=data["contact_name"],
                        contact_phone=data["contact_phone"],
                        contact_email=data["contact_email"] if person is None else "",
                    )
            except (services.SlotTaken, services.PersonBusy) as refused:
                error, status = str(refused), 409
            except services.BookingError as refused:
                error, status = str(refused), 400
            else:
                messages.success(request, _("Rendez-vous réservé."))
                return redirect("rpe:booking:manage", appointment.pk)
        else:
            status = 400
    slots = week_slots(request, motif)
    return render(
        request, "rpe/booking/book_for.html", {"motif": motif, "form": form, "error": error, **slots}, status=status
    )


@allowed_if(can_run_agenda)
@require_http_methods(["GET", "POST"])
def calendar_feed(request):
    if request.method == "POST":
        services.calendar_feed_revoke(request.user)
        messages.success(request, _("Nouvelle adresse créée : l'ancienne ne fonctionne plus."))
        return redirect("rpe:booking:calendar_feed")
    feed = services.calendar_feed_of(request.user)
    url = absolute_url(reverse("rpe:booking:calendar_feed_ics", args=[feed.token]))
    return render(request, "rpe/booking/calendar_feed.html", {"feed_url": url})


@login_not_required
@require_GET
def calendar_feed_ics(request, token):
    """The secret address is the credential (calendar apps cannot sign in); revoked addresses are 404."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("animatrice"), token=token)
    since = timezone.now() - datetime.timedelta(days=30)
    appointments = Appointment.objects.filter(animatrice=feed.animatrice, start__gte=since).select_related(
        "motif", "lieu", "person"
    )
    body = feed_ics(appointments, name=_("Rendez-vous du relais – %(name)s") % {"name": feed.animatrice})
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")
