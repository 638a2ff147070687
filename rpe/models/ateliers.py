"""Ateliers (collective times) of a relais, their recurring programmes and the registrations to them."""

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.workflows import TransitionLog
from rpe.ateliers.enums import (
    FAMILY_KINDS,
    LIVE_STATUSES,
    SEAT_STATUSES,
    AtelierKind,
    RecurrenceFrequency,
    RegistrationStatus,
)


class WhereAndWhat(models.Model):
    """What an atelier is and where it is held: shared by a programme and the sessions it generates."""

    relais = models.ForeignKey("rpe.Relais", on_delete=models.CASCADE, verbose_name=_("relais"), related_name="+")
    kind = models.CharField(_("type"), max_length=30, choices=AtelierKind.choices)
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    lieu = models.ForeignKey(
        "rpe.Lieu", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("lieu"), related_name="+"
    )
    # Matinées are itinerant: most are held in a room a commune lends, not in one of the relais' lieux.
    place_name = models.CharField(_("salle"), max_length=200, blank=True)
    code_insee = models.CharField(_("commune (code INSEE)"), max_length=5)
    animatrice = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("animatrice"),
        related_name="+",
    )
    seats_adults = models.PositiveSmallIntegerField(_("places adultes"))
    seats_children = models.PositiveSmallIntegerField(_("places enfants"), default=0)

    class Meta:
        abstract = True

    @property
    def where(self):
        return self.place_name or (self.lieu.name if self.lieu_id else "")


class AtelierProgramme(WhereAndWhat):
    """A recurring programme ("chaque mardi en période scolaire"): it generates the dated ateliers."""

    weekday = models.PositiveSmallIntegerField(
        _("jour"),
        choices=[
            (0, _("lundi")),
            (1, _("mardi")),
            (2, _("mercredi")),
            (3, _("jeudi")),
            (4, _("vendredi")),
            (5, _("samedi")),
        ],
    )
    frequency = models.CharField(
        _("fréquence"), max_length=20, choices=RecurrenceFrequency.choices, default=RecurrenceFrequency.WEEKLY
    )
    start_time = models.TimeField(_("début"))
    end_time = models.TimeField(_("fin"))
    first_date = models.DateField(_("à partir du"))
    last_date = models.DateField(_("jusqu'au"))
    term_time_only = models.BooleanField(_("hors vacances scolaires et jours fériés"), default=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("programme d'ateliers")
        verbose_name_plural = _("programmes d'ateliers")
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=models.F("start_time")), name="programme_ends_after"),
            models.CheckConstraint(condition=Q(last_date__gte=models.F("first_date")), name="programme_dates_ordered"),
        ]

    def __str__(self):
        return self.title


class AtelierQuerySet(models.QuerySet):
    def of_relais(self, relais):
        return self.filter(relais__in=relais) if isinstance(relais, models.QuerySet) else self.filter(relais=relais)

    def upcoming(self, now=None):
        return self.filter(start__gte=now or timezone.now(), cancelled_at__isnull=True)

    def between(self, first, last):
        """Ateliers starting on a day from `first` to `last` (dates, both included)."""
        return self.filter(start__date__gte=first, start__date__lte=last)

    def open_to(self, *, family):
        return self.filter(kind__in=FAMILY_KINDS) if family else self

    def with_seats_taken(self):
        """Annotate `adults_taken` and `children_taken` (registrations that hold a seat) in the same query."""
        holding = Q(registrations__status__in=SEAT_STATUSES)
        return self.annotate(
            adults_taken=Coalesce(Sum("registrations__adults", filter=holding), 0),
            children_taken=Coalesce(Sum("registrations__children", filter=holding), 0),
        )


class Atelier(WhereAndWhat):
    """One dated session: a matinée d'éveil, a soirée, a session of analyse de la pratique, a réunion."""

    programme = models.ForeignKey(
        AtelierProgramme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("programme"),
        related_name="ateliers",
    )
    start = models.DateTimeField(_("début"))
    end = models.DateTimeField(_("fin"))
    reminder_hours = models.PositiveSmallIntegerField(_("rappel (heures avant)"), default=48)
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    objects = AtelierQuerySet.as_manager()

    class Meta:
        verbose_name = _("atelier")
        verbose_name_plural = _("ateliers")
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["relais", "start"], name="atelier_relais_start")]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="atelier_ends_after_start"),
            # A programme generates one session a day: generating it again adds nothing.
            models.UniqueConstraint(fields=["programme", "start"], name="atelier_once_per_programme_start"),
        ]

    def __str__(self):
        return f"{self.title} ({timezone.localtime(self.start):%d/%m/%Y %H:%M})"

    @property
    def open_to_families(self):
        return self.kind in FAMILY_KINDS

    def seats_taken(self):
        """(adults, children) held by registrations: one query, or none on an annotated atelier."""
        if hasattr(self, "adults_taken"):
            return self.adults_taken, self.children_taken
        totals = self.registrations.filter(status__in=SEAT_STATUSES).aggregate(
            adults=Coalesce(Sum("adults"), 0), children=Coalesce(Sum("children"), 0)
        )
        return totals["adults"], totals["children"]

    def free_seats(self):
        adults, children = self.seats_taken()
        return max(self.seats_adults - adults, 0), max(self.seats_children - children, 0)


class RegistrationQuerySet(models.QuerySet):
    def live(self):
        return self.filter(status__in=LIVE_STATUSES)

    def waiting_in_order(self):
        return self.filter(status=RegistrationStatus.WAITING).order_by("created_at", "id")


class Registration(models.Model):
    """One person's registration to an atelier: an assistant maternel with the children she brings, or a parent."""

    atelier = models.ForeignKey(Atelier, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("compte"),
        related_name="atelier_registrations",
    )
    # Set for an assistant maternel (with or without an account: staff register those by phone).
    assistant = models.ForeignKey(
        "rpe.AssistantMaternel",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("assistant·e maternel·le"),
        related_name="atelier_registrations",
    )
    adults = models.PositiveSmallIntegerField(_("adultes"), default=1)
    children = models.PositiveSmallIntegerField(_("enfants"), default=0)
    status = models.CharField(_("statut"), max_length=20, choices=RegistrationStatus.choices)
    children_present = models.PositiveSmallIntegerField(_("enfants présents"), null=True, blank=True)
    # The waiting list's order.
    created_at = models.DateTimeField(_("inscrite le"), default=timezone.now)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("inscription à un atelier")
        verbose_name_plural = _("inscriptions aux ateliers")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(assistant__isnull=False), name="registration_has_a_person"
            ),
            models.CheckConstraint(condition=Q(adults__gte=1), name="registration_at_least_one_adult"),
            # One live registration per person and atelier, whatever the code path (a second one is a 409).
            models.UniqueConstraint(
                fields=["atelier", "user"],
                condition=Q(status__in=sorted(LIVE_STATUSES)),
                name="registration_once_per_user",
            ),
            models.UniqueConstraint(
                fields=["atelier", "assistant"],
                condition=Q(status__in=sorted(LIVE_STATUSES)),
                name="registration_once_per_assistant",
            ),
        ]

    def __str__(self):
        return f"{self.person_name} — {self.atelier}"

    @property
    def person_name(self):
        if self.assistant_id:
            return str(self.assistant)
        return self.user.get_full_name() or self.user.email if self.user_id else ""

    @property
    def came(self):
        return self.status == RegistrationStatus.ATTENDED

    @property
    def email(self):
        if self.user_id and self.user.email:
            return self.user.email
        return getattr(self.assistant, "email", "") if self.assistant_id else ""


class RegistrationLog(TransitionLog):
    subject = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="log")

    class Meta(TransitionLog.Meta):
        verbose_name = _("historique d'une inscription")
        verbose_name_plural = _("historiques des inscriptions")
