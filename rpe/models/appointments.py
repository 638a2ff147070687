"""Appointments with the relais: motifs, plages d'ouverture, absences, closures, school holidays, bookings."""

import functools
import operator
import secrets
import uuid

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateTimeRangeField, RangeBoundary, RangeOperators
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Func, Q
from django.utils.translation import gettext_lazy as _

from portal.models import SingletonSettings
from portal.workflows import TransitionLog
from rpe.booking.enums import (
    CANCELLED_STATUSES,
    AppointmentStatus,
    BookableBy,
    Modality,
    Recurrence,
    SchoolZone,
)


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


# Not cancelled, written as one inequality per status: PostgreSQL prints it back the same way, so that a
# collectivité's schema cloned from the template (portal.cloning) has the very same constraint.
LIVE = functools.reduce(operator.and_, (~Q(status=status) for status in CANCELLED_STATUSES))


def default_reminders():
    return [48]


class BookingSettings(SingletonSettings):
    """Where the collectivité's calendar comes from: its département's public holidays, its school zone."""

    departement = models.CharField(
        _("département"),
        max_length=3,
        blank=True,
        help_text=_("Numéro du département pour les jours fériés locaux (57 : Vendredi saint et 26 décembre)."),
    )
    school_zone = models.CharField(
        _("zone de vacances scolaires"), max_length=1, choices=SchoolZone.choices, default=SchoolZone.B
    )

    class Meta:
        verbose_name = _("réglages des rendez-vous")
        verbose_name_plural = _("réglages des rendez-vous")


class SchoolHoliday(models.Model):
    """Official school holidays, loaded from vacances-scolaires-france; the administrator adds later years."""

    zone = models.CharField(_("zone"), max_length=1, choices=SchoolZone.choices)
    name = models.CharField(_("nom"), max_length=100)
    first_day = models.DateField(_("premier jour"))
    last_day = models.DateField(_("dernier jour"))

    class Meta:
        verbose_name = _("vacances scolaires")
        verbose_name_plural = _("vacances scolaires")
        ordering = ["zone", "first_day"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "first_day"], name="rpe_school_holiday_once"),
            models.CheckConstraint(condition=Q(last_day__gte=models.F("first_day")), name="rpe_school_holiday_order"),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_zone_display()})"


class Motif(models.Model):
    relais = models.ForeignKey("rpe.Relais", on_delete=models.CASCADE, related_name="motifs", verbose_name=_("relais"))
    name = models.CharField(_("nom"), max_length=150)
    duration_minutes = models.PositiveSmallIntegerField(
        _("durée (minutes)"), default=30, validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        _("battement après le rendez-vous (minutes)"), default=0, validators=[MaxValueValidator(120)]
    )
    modality = models.CharField(_("modalité"), max_length=10, choices=Modality.choices, default=Modality.ON_SITE)
    video_link = models.URLField(_("lien de visio"), blank=True)
    bookable_by = models.CharField(
        _("réservable en ligne par"), max_length=10, choices=BookableBy.choices, default=BookableBy.EVERYONE
    )
    min_delay_hours = models.PositiveSmallIntegerField(_("délai minimum de réservation (heures)"), default=24)
    max_delay_days = models.PositiveSmallIntegerField(
        _("délai maximum de réservation (jours)"), default=60, validators=[MinValueValidator(1)]
    )
    cancel_delay_hours = models.PositiveSmallIntegerField(_("annulation en ligne jusqu'à (heures avant)"), default=24)
    reminder_hours = ArrayField(
        models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(24 * 14)]),
        verbose_name=_("rappels (heures avant)"),
        default=default_reminders,
        blank=True,
        size=5,
    )
    instructions = models.TextField(_("consignes"), blank=True, help_text=_("Montrées après la réservation."))
    restriction_text = models.TextField(
        _("conditions à accepter"), blank=True, help_text=_("La personne doit les accepter avant de réserver.")
    )
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("motif de rendez-vous")
        verbose_name_plural = _("motifs de rendez-vous")
        ordering = ["relais", "name"]

    def __str__(self):
        return self.name

    @property
    def is_video(self):
        return self.modality == Modality.VIDEO

    @property
    def is_phone(self):
        return self.modality == Modality.PHONE

    def clean(self):
        if self.modality == Modality.VIDEO and not self.video_link:
            raise ValidationError({"video_link": _("Un rendez-vous en visio a besoin de son lien.")})


class Plage(models.Model):
    """A plage d'ouverture: an animatrice receives at a lieu, once, every week or every other week."""

    animatrice = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rpe_plages", verbose_name=_("animatrice")
    )
    lieu = models.ForeignKey("rpe.Lieu", on_delete=models.CASCADE, related_name="plages", verbose_name=_("lieu"))
    motifs = models.ManyToManyField(Motif, related_name="plages", verbose_name=_("motifs"))
    first_day = models.DateField(_("premier jour"))
    start_time = models.TimeField(_("de"))
    end_time = models.TimeField(_("à"))
    recurrence = models.PositiveSmallIntegerField(
        _("répétition"), choices=Recurrence.choices, default=Recurrence.WEEKLY
    )
    until = models.DateField(_("jusqu'au"), null=True, blank=True)
    school_term_only = models.BooleanField(_("fermée pendant les vacances scolaires"), default=False)

    class Meta:
        verbose_name = _("plage d'ouverture")
        verbose_name_plural = _("plages d'ouverture")
        ordering = ["first_day", "start_time"]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=models.F("start_time")), name="rpe_plage_time_order"),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("first_day")), name="rpe_plage_day_order"
            ),
        ]

    def __str__(self):
        return f"{self.lieu} {self.first_day:%d/%m/%Y} {self.start_time:%H:%M}-{self.end_time:%H:%M}"


class Absence(models.Model):
    animatrice = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rpe_absences", verbose_name=_("animatrice")
    )
    start = models.DateTimeField(_("début"))
    end = models.DateTimeField(_("fin"))
    reason = models.CharField(_("motif"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["start"]
        constraints = [models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="rpe_absence_order")]

    def __str__(self):
        return f"{self.animatrice} {self.start:%d/%m/%Y}"


class Closure(models.Model):
    relais = models.ForeignKey(
        "rpe.Relais", on_delete=models.CASCADE, related_name="closures", verbose_name=_("relais")
    )
    first_day = models.DateField(_("premier jour"))
    last_day = models.DateField(_("dernier jour"))
    reason = models.CharField(_("motif"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("fermeture du relais")
        verbose_name_plural = _("fermetures du relais")
        ordering = ["first_day"]
        constraints = [
            models.CheckConstraint(condition=Q(last_day__gte=models.F("first_day")), name="rpe_closure_order")
        ]

    def __str__(self):
        return f"{self.relais} {self.first_day:%d/%m/%Y}-{self.last_day:%d/%m/%Y}"


class AppointmentQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status__in=CANCELLED_STATUSES)

    def of_person(self, user):
        return self.filter(person=user)


class Appointment(models.Model):
    uid = models.UUIDField(_("identifiant de calendrier"), default=uuid.uuid4, unique=True, editable=False)
    motif = models.ForeignKey(Motif, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("motif"))
    relais = models.ForeignKey(
        "rpe.Relais", on_delete=models.CASCADE, related_name="appointments", verbose_name=_("relais")
    )
    lieu = models.ForeignKey("rpe.Lieu", on_delete=models.PROTECT, related_name="appointments", verbose_name=_("lieu"))
    animatrice = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="rpe_appointments_held",
        verbose_name=_("animatrice"),
    )
    start = models.DateTimeField(_("début"))
    end = models.DateTimeField(_("fin"))
    # The end plus the motif's buffer: what the exclusion constraint keeps apart.
    blocked_until = models.DateTimeField(_("occupé jusqu'à"))
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rpe_appointments",
        verbose_name=_("personne reçue"),
    )
    family = models.ForeignKey(
        "families.Family",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rpe_appointments",
        verbose_name=_("foyer"),
    )
    assistant = models.ForeignKey(
        "rpe.AssistantMaternel",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments",
        verbose_name=_("assistant maternel"),
    )
    contact_name = models.CharField(_("nom"), max_length=200, blank=True)
    contact_phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("courriel"), blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("pris par")
    )
    booked_at = models.DateTimeField(_("pris le"), auto_now_add=True)
    status = models.CharField(
        _("état"), max_length=30, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    # Incremented at every change the person's calendar must follow (ICS SEQUENCE).
    sequence = models.PositiveIntegerField(_("version"), default=0)
    notes = models.TextField(_("notes du relais"), blank=True, help_text=_("Jamais montrées à la personne reçue."))

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("rendez-vous")
        verbose_name_plural = _("rendez-vous")
        ordering = ["start"]
        indexes = [models.Index(fields=["relais", "start"], name="rpe_appointment_relais_start")]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="rpe_appointment_order"),
            models.CheckConstraint(condition=Q(blocked_until__gte=models.F("end")), name="rpe_appointment_buffer"),
            # Whatever the code path, an animatrice never holds two live appointments that overlap.
            ExclusionConstraint(
                name="rpe_appointment_no_double_booking",
                expressions=[
                    ("animatrice", RangeOperators.EQUAL),
                    (TsTzRange("start", "blocked_until", RangeBoundary()), RangeOperators.OVERLAPS),
                ],
                condition=LIVE,
                violation_error_message=_("Ce créneau vient d'être pris."),
            ),
            # Nor does a person.
            ExclusionConstraint(
                name="rpe_appointment_person_once_at_a_time",
                expressions=[
                    ("person", RangeOperators.EQUAL),
                    (TsTzRange("start", "end", RangeBoundary()), RangeOperators.OVERLAPS),
                ],
                condition=LIVE & Q(person__isnull=False),
                violation_error_message=_("Vous avez déjà un rendez-vous à cette heure-là."),
            ),
        ]

    def __str__(self):
        return f"{self.motif} {self.start:%d/%m/%Y %H:%M}"

    @property
    def is_cancelled(self):
        return self.status in CANCELLED_STATUSES

    @property
    def who(self):
        if self.person_id:
            return self.person.get_full_name() or self.person.email
        return self.contact_name

    @property
    def email(self):
        return self.person.email if self.person_id else self.contact_email


class AppointmentLog(TransitionLog):
    subject = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="log")

    class Meta:
        verbose_name = _("changement d'état d'un rendez-vous")
        verbose_name_plural = _("changements d'état des rendez-vous")
        ordering = ["created_at", "pk"]


class WaitingListEntry(models.Model):
    """A person who holds an appointment and would take an earlier slot of the same motif."""

    MAX_NOTICES = 3

    appointment = models.OneToOneField(
        Appointment, on_delete=models.CASCADE, related_name="waiting", verbose_name=_("rendez-vous")
    )
    notices_sent = models.PositiveSmallIntegerField(_("avis envoyés"), default=0)
    last_notice_on = models.DateField(_("dernier avis le"), null=True, blank=True)
    created_at = models.DateTimeField(_("inscrit le"), auto_now_add=True)

    class Meta:
        verbose_name = _("attente d'un créneau plus tôt")
        verbose_name_plural = _("attentes d'un créneau plus tôt")

    def __str__(self):
        return str(self.appointment)


def new_feed_token():
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """An animatrice's private calendar address; revoking it gives a new secret."""

    animatrice = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rpe_calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("agenda privé")
        verbose_name_plural = _("agendas privés")

    def __str__(self):
        return str(self.animatrice)
