"""The relais' booking settings: motifs, plages d'ouverture, closures and absences (the relais' staff), the
school holidays table and the calendar's département and zone (the collectivité's administrator)."""

from django import forms
from django.contrib import messages
from django.db.models import ProtectedError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from portal.accounts.models import User
from portal.decorators import allowed_if
from rpe.booking.calendars import booking_settings
from rpe.models import Absence, BookingSettings, Closure, Lieu, Motif, Plage, SchoolHoliday
from rpe.perms import can_configure_calendar, can_run_agenda, relais_of

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MotifForm(forms.ModelForm):
    video_link = forms.URLField(label=gettext_lazy("lien de visio"), required=False, assume_scheme="https")

    class Meta:
        model = Motif
        fields = [
            "name",
            "duration_minutes",
            "buffer_minutes",
            "modality",
            "video_link",
            "bookable_by",
            "min_delay_hours",
            "max_delay_days",
            "cancel_delay_hours",
            "reminder_hours",
            "instructions",
            "restriction_text",
            "is_active",
        ]
        widgets = {
            "instructions": forms.Textarea(attrs={"rows": 3}),
            "restriction_text": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"reminder_hours": gettext_lazy("Heures avant le rendez-vous, séparées par des virgules (48,2).")}

    def __init__(self, *args, relais, **kwargs):
        super().__init__(*args, **kwargs)


class PlageForm(forms.ModelForm):
    class Meta:
        model = Plage
        fields = [
            "animatrice",
            "lieu",
            "motifs",
            "first_day",
            "start_time",
            "end_time",
            "recurrence",
            "until",
            "school_term_only",
        ]
        widgets = {
            "first_day": DATE,
            "until": DATE,
            "start_time": TIME,
            "end_time": TIME,
            "motifs": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, relais, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["animatrice"].queryset = User.objects.filter(relais_memberships__relais=relais).order_by(
            "last_name"
        )
        self.fields["lieu"].queryset = Lieu.objects.filter(relais=relais).order_by("name")
        self.fields["motifs"].queryset = Motif.objects.filter(relais=relais, is_active=True).order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("start_time") and data.get("end_time") and data["end_time"] <= data["start_time"]:
            self.add_error("end_time", _("La plage finit après son début."))
        if data.get("until") and data.get("first_day") and data["until"] < data["first_day"]:
            self.add_error("until", _("La dernière date suit la première."))
        return data


class DayRangeForm(forms.ModelForm):
    """A form of a model with `first_day` and `last_day`: the last day may not come before the first."""

    def clean(self):
        data = super().clean()
        if data.get("first_day") and data.get("last_day") and data["last_day"] < data["first_day"]:
            self.add_error("last_day", _("Le dernier jour suit le premier."))
        return data


class ClosureForm(DayRangeForm):
    class Meta:
        model = Closure
        fields = ["first_day", "last_day", "reason"]
        widgets = {"first_day": DATE, "last_day": DATE}

    def __init__(self, *args, relais, **kwargs):
        super().__init__(*args, **kwargs)


class AbsenceForm(forms.ModelForm):
    class Meta:
        model = Absence
        fields = ["animatrice", "start", "end", "reason"]
        widgets = {"start": DATETIME, "end": DATETIME}

    def __init__(self, *args, relais, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["animatrice"].queryset = User.objects.filter(relais_memberships__relais=relais).order_by(
            "last_name"
        )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("L'absence finit après son début."))
        return data


# kind in the URL -> (model, form, title, how to find the relais of an object)
KINDS = {
    "motifs": (Motif, MotifForm, gettext_lazy("Motif de rendez-vous"), "relais"),
    "plages": (Plage, PlageForm, gettext_lazy("Plage d'ouverture"), "lieu__relais"),
    "fermetures": (Closure, ClosureForm, gettext_lazy("Fermeture du relais"), "relais"),
    "absences": (Absence, AbsenceForm, gettext_lazy("Absence"), "animatrice__relais_memberships__relais"),
}


@allowed_if(can_run_agenda)
@require_GET
def settings_home(request):
    relais = relais_of(request.user).prefetch_related("motifs", "closures", "lieux__plages__animatrice")
    return render(
        request,
        "rpe/booking/settings.html",
        {
            "relais_list": relais,
            "absences": Absence.objects.filter(animatrice__relais_memberships__relais__in=relais)
            .distinct()
            .select_related("animatrice")
            .order_by("-start")[:50],
        },
    )


@allowed_if(can_run_agenda)
@require_http_methods(["GET", "POST"])
def settings_edit(request, relais_pk, kind, pk=None):
    if kind not in KINDS:
        raise Http404
    model, form_class, title, relais_path = KINDS[kind]
    relais = get_object_or_404(relais_of(request.user), pk=relais_pk)
    instance = None
    if pk is not None:
        instance = get_object_or_404(model.objects.filter(**{relais_path: relais}).distinct(), pk=pk)
    form = form_class(request.POST if request.method == "POST" else None, instance=instance, relais=relais)
    if request.method == "POST" and request.POST.get("delete") and instance is not None:
        try:
            instance.delete()
        except ProtectedError:
            messages.error(request, _("Ce motif a des rendez-vous : désactivez-le plutôt."))
            return redirect("rpe:booking:settings_edit", relais.pk, kind, instance.pk)
        messages.success(request, _("Supprimé."))
        return redirect("rpe:booking:settings")
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        if kind in ("motifs", "fermetures"):
            obj.relais = relais
        obj.save()
        form.save_m2m()
        messages.success(request, _("Enregistré."))
        return redirect("rpe:booking:settings")
    return render(
        request,
        "rpe/booking/settings_form.html",
        {"form": form, "title": title, "relais": relais, "instance": instance},
        status=400 if form.is_bound else 200,
    )


class SchoolHolidayForm(DayRangeForm):
    class Meta:
        model = SchoolHoliday
        fields = ["zone", "name", "first_day", "last_day"]
        widgets = {"first_day": DATE, "last_day": DATE}


class CalendarSettingsForm(forms.ModelForm):
    class Meta:
        model = BookingSettings
        fields = ["departement", "school_zone"]


@allowed_if(can_configure_calendar)
@require_http_methods(["GET", "POST"])
def school_holidays(request):
    """The official school holidays (loaded from vacances-scolaires-france) and the years the administrator adds."""
    settings = BookingSettings.current()
    holiday_form = SchoolHolidayForm(request.POST if request.POST.get("form") == "holiday" else None)
    settings_form = CalendarSettingsForm(
        request.POST if request.POST.get("form") == "settings" else None, instance=settings
    )
    status = 200
    if request.method == "POST":
        form = holiday_form if request.POST.get("form") == "holiday" else settings_form
        if form.is_valid():
            form.save()
            messages.success(request, _("Enregistré."))
            return redirect("rpe:booking:school_holidays")
        status = 400
    return render(
        request,
        "rpe/booking/school_holidays.html",
        {
            "holiday_form": holiday_form,
            "settings_form": settings_form,
            "departement": booking_settings().departement,
            "holidays": SchoolHoliday.objects.filter(zone=settings.school_zone).order_by("-first_day")[:40],
        },
        status=status,
    )
