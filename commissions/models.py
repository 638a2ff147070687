from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from commissions import perms, scoring
from commissions.enums import (
    Attendance,
    CriterionKind,
    DecisionSource,
    DeclineReason,
    OfferStatus,
    OverrideAction,
    RegulationStatus,
    ReservationFlag,
    SessionStatus,
)
from portal.i18n import localized, stored_text
from portal.models import SingletonSettings
from portal.workflows import TransitionLog


class RegulationQuerySet(models.QuerySet):
    def adopted(self):
        return self.filter(status=RegulationStatus.ADOPTED)

    def in_force(self, on=None):
        """The adopted version with the latest adoption date on or before `on` (today by default), or None."""
        on = on or timezone.localdate()
        return self.adopted().filter(adopted_on__lte=on).order_by("-adopted_on", "-version").first()


class Regulation(models.Model):
    """One version of the règlement d'attribution des places, as voted by the collectivité's assembly.

    A version is a draft while the administrator writes it; once adopted it is frozen (services and forms refuse
    any change): a change of rules is a new version, usually a copy of the one in force.
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("titre"), max_length=200)
    introduction = models.TextField(
        _("présentation"),
        max_length=4000,
        blank=True,
        help_text=_("Quelques phrases pour les familles : à quoi sert la grille, comment elle est appliquée."),
    )
    status = models.CharField(
        _("état"), max_length=10, choices=RegulationStatus.choices, default=RegulationStatus.DRAFT
    )
    adopted_on = models.DateField(_("adopté le"), null=True, blank=True)
    deliberation = models.CharField(
        _("référence de la délibération"), max_length=120, blank=True, help_text=_("Par exemple : DCM 2025-42.")
    )
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("copie de")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    adopted_at = models.DateTimeField(_("adoption enregistrée le"), null=True, blank=True)

    objects = RegulationQuerySet.as_manager()

    class Meta:
        verbose_name = _("règlement d'attribution")
        verbose_name_plural = _("règlements d'attribution")
        ordering = ["-version"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=RegulationStatus.DRAFT)
                | (Q(status=RegulationStatus.ADOPTED, adopted_on__isnull=False) & ~Q(deliberation="")),
                name="regulation_adopted_has_date_and_deliberation",
                violation_error_message=_("Un règlement adopté a une date d'adoption et une délibération."),
            ),
        ]

    def __str__(self):
        return _("Version %(version)s — %(title)s") % {"version": self.version, "title": self.title}

    @property
    def is_frozen(self):
        return self.status == RegulationStatus.ADOPTED

    def rules(self):
        """The grid as the plain values of commissions.scoring (criteria in their order)."""
        return [criterion.as_rule() for criterion in self.criteria.all()]


class Criterion(models.Model):
    """A line of the grid: who gets how many points, and why, in words a family understands."""

    regulation = models.ForeignKey(
        Regulation, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("règlement")
    )
    code = models.SlugField(
        _("code"), max_length=40, help_text=_("Identifiant court, sans espace ni accent (ex. : quotient-familial).")
    )
    label = models.CharField(_("libellé"), max_length=200)
    label_en = models.CharField(_("libellé en anglais"), max_length=200, blank=True)
    explanation = models.TextField(
        _("explication pour les familles"),
        max_length=1000,
        blank=True,
        help_text=_("Ce qui est pris en compte et sur quel justificatif."),
    )
    explanation_en = models.TextField(_("explication en anglais"), max_length=1000, blank=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    kind = models.CharField(_("type"), max_length=30, choices=CriterionKind.choices)
    parameters = models.JSONField(_("paramètres"), default=dict)

    class Meta:
        verbose_name = _("critère")
        verbose_name_plural = _("critères")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["regulation", "code"],
                name="criterion_code_unique",
                violation_error_message=_("Un autre critère de ce règlement porte déjà ce code."),
            ),
        ]

    def __str__(self):
        return localized(self)

    def clean(self):
        super().clean()
        try:
            self.parameters = scoring.clean_parameters(self.kind, self.parameters)
        except scoring.ParameterError as error:
            raise ValidationError({"parameters": error.messages}) from error

    def as_rule(self):
        # The label in the reader's language: score lines are computed when read, never stored.
        return scoring.Rule(code=self.code, label=localized(self), kind=self.kind, parameters=self.parameters)

    @property
    def points_in_words(self):
        return scoring.describe(self.as_rule())


class ReservationQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related("section__establishment")

    def of_active_establishments(self):
        return self.filter(section__establishment__is_active=True)


class Reservation(models.Model):
    """Places of a section set aside for families with a flag (the engine's `reserved`)."""

    section = models.ForeignKey(
        "creches.Section", on_delete=models.CASCADE, related_name="reservations", verbose_name=_("section")
    )
    flag = models.CharField(_("public prioritaire"), max_length=20, choices=ReservationFlag.choices)
    count = models.PositiveSmallIntegerField(_("nombre de places"), validators=[MinValueValidator(1)])
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = ReservationQuerySet.as_manager()

    class Meta:
        verbose_name = _("places réservées")
        verbose_name_plural = _("places réservées")
        ordering = ["section__establishment__name", "section__min_age_months", "flag"]
        constraints = [
            models.UniqueConstraint(
                fields=["section", "flag"],
                name="reservation_flag_unique",
                violation_error_message=_("Cette section a déjà une réservation pour ce public : modifiez-la."),
            ),
        ]

    def __str__(self):
        return f"{self.section} — {self.get_flag_display()} : {self.count}"

    def clean(self):
        super().clean()
        if self.section_id is None or self.count is None:
            return
        # The engine refuses a group whose reserved places exceed its capacity: say it here, in French.
        others = (
            Reservation.objects.filter(section_id=self.section_id).exclude(pk=self.pk).aggregate(total=Sum("count"))
        )["total"] or 0
        capacity = self.section.capacity
        if others + self.count > capacity:
            raise ValidationError(
                {
                    "count": _(
                        "La section « %(section)s » a %(capacity)s places : %(others)s sont déjà réservées à "
                        "d'autres publics, il en reste au plus %(left)s à réserver."
                    )
                    % {
                        "section": self.section.name,
                        "capacity": capacity,
                        "others": others,
                        "left": max(0, capacity - others),
                    }
                }
            )


# --- Commission sessions ------------------------------------------------------------------------------------------


class CommissionSettings(SingletonSettings):
    """The collectivité's rules for sessions and offers (one row per schema)."""

    offer_response_days = models.PositiveSmallIntegerField(
        _("délai de réponse à une proposition (jours)"),
        default=8,
        validators=[MinValueValidator(1)],
        help_text=_("Passé ce délai, une proposition sans réponse est considérée comme refusée."),
    )

    class Meta:
        verbose_name = _("règles des commissions")
        verbose_name_plural = _("règles des commissions")


def minutes_path(session, filename):
    return f"commissions/pv/{filename}"


def letter_path(instance, filename):
    return f"commissions/lettres/{filename}"


class SessionQuerySet(models.QuerySet):
    def upcoming(self, today):
        """Sessions meeting today or later, whatever their state (the public calendar)."""
        return self.filter(date__gte=today).order_by("date")

    def with_public_figures(self):
        """Validated sessions with what anyone may know of them: places, dossiers, places given."""
        places = (
            SessionSeat.objects.filter(session=models.OuterRef("pk"))
            .values("session")
            .annotate(total=Sum("capacity"))
            .values("total")
        )
        return (
            self.filter(status=SessionStatus.VALIDATED)
            .annotate(
                places=models.Subquery(places),
                dossier_count=Count("dossiers", distinct=True),
                placed=Count("dossiers", filter=Q(dossiers__decision__seat__isnull=False), distinct=True),
            )
            .prefetch_related("seats__section__establishment")
            .order_by("-date")
        )

    def with_dossier_total(self):
        return self.annotate(dossier_total=Count("dossiers", distinct=True))

    def visible_to(self, user):
        """The sessions `user` may see (commissions.perms.visible_sessions)."""
        return self.filter(perms.visible_sessions(user))


class Session(models.Model):
    """A sitting of the commission d'attribution: the dossiers it examines and the places it allocates."""

    date = models.DateField(_("date de la commission"))
    title = models.CharField(_("intitulé"), max_length=200)
    places_until = models.DateField(
        _("places qui s'ouvrent jusqu'au"),
        help_text=_("La commission attribue les places déclarées disponibles entre sa date et celle-ci."),
    )
    status = models.CharField(
        _("état"), max_length=12, choices=SessionStatus.choices, default=SessionStatus.PREPARATION
    )
    regulation = models.ForeignKey(
        Regulation, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("règlement appliqué")
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="chaired_sessions",
        verbose_name=_("président·e"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="commission_sessions", blank=True, verbose_name=_("membres")
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    prepared_at = models.DateTimeField(_("préparée le"), null=True, blank=True)
    allocated_at = models.DateTimeField(_("répartition calculée le"), null=True, blank=True)
    validated_at = models.DateTimeField(_("validée le"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    minutes = models.FileField(_("procès-verbal"), upload_to=minutes_path, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("commission")
        verbose_name_plural = _("commissions")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.title} ({self.date:%d/%m/%Y})"

    @property
    def is_validated(self):
        return self.status == SessionStatus.VALIDATED


class SessionAttendance(models.Model):
    """Who of the chair and members attended the sitting, recorded before validation (the minutes' attendance)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("présence"), max_length=10, choices=Attendance.choices)

    class Meta:
        verbose_name = _("présence")
        verbose_name_plural = _("présences")
        ordering = ["session", "user__last_name", "user__email"]
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="attendance_unique")]

    def __str__(self):
        return f"{self.user} — {self.get_status_display()}"


class SessionSeat(models.Model):
    """The places of one section this session allocates: the engine's seat group."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="seats")
    section = models.ForeignKey(
        "creches.Section", on_delete=models.PROTECT, related_name="+", verbose_name=_("section")
    )
    capacity = models.PositiveSmallIntegerField(_("places"))
    reserved = models.JSONField(_("places réservées"), default=dict, blank=True)

    class Meta:
        verbose_name = _("places de la commission")
        verbose_name_plural = _("places de la commission")
        ordering = ["section__establishment__name", "section__min_age_months"]
        constraints = [models.UniqueConstraint(fields=["session", "section"], name="session_seat_unique")]

    def __str__(self):
        return f"{self.section} : {self.capacity}"

    @property
    def group_key(self):
        return f"{self.section.establishment_id}/{self.section.code}"


class PlaceQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related("section__establishment")


class Place(models.Model):
    """One place of the ledger: a section's seat from a start date, materialised from a declared opening.

    Its id is stable: the same place keeps it from session to session. Who holds it is in SessionPlace.
    """

    opening = models.ForeignKey(
        "creches.PlaceOpening", on_delete=models.PROTECT, related_name="places", verbose_name=_("ouverture")
    )
    ordinal = models.PositiveSmallIntegerField(_("rang dans l'ouverture"))
    section = models.ForeignKey(
        "creches.Section", on_delete=models.PROTECT, related_name="places", verbose_name=_("section")
    )
    starts_on = models.DateField(_("disponible à partir du"))

    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["starts_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["opening", "ordinal"], name="place_opening_ordinal_unique")]

    def __str__(self):
        return _("%(section)s, à partir du %(date)s") % {
            "section": self.section,
            "date": self.starts_on.strftime("%d/%m/%Y"),
        }


class SessionPlace(models.Model):
    """A place of the ledger taken by a session.

    `held` is true while the session is not validated, and afterwards while the place is offered or accepted
    through this session. A partial unique index lets one session only hold a place at a time: two preparations
    cannot take it, and a later session takes it only once its earlier offer was declined or expired.
    """

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="session_places")
    seat = models.ForeignKey(SessionSeat, on_delete=models.CASCADE, related_name="session_places")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="holds")
    reserved_for = models.CharField(
        _("réservée à"), max_length=20, choices=ReservationFlag.choices, blank=True, default=""
    )
    held = models.BooleanField(_("tenue"), default=True)

    class Meta:
        verbose_name = _("place de la commission")
        verbose_name_plural = _("places de la commission")
        ordering = ["place__starts_on", "place_id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "place"], name="session_place_unique"),
            models.UniqueConstraint(
                fields=["place"],
                condition=Q(held=True),
                name="place_held_once",
                violation_error_message=_("Cette place est déjà tenue par une autre commission."),
            ),
        ]

    def __str__(self):
        return str(self.place)


class DossierQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(perms.visible_dossiers(user))


class Dossier(models.Model):
    """A request as the commission sees it: anonymous, with the facts and score frozen at preparation."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="dossiers")
    application = models.ForeignKey(
        "families.Application",
        # The retention purge erases old requests; their dossiers stay, anonymous, in the session's record.
        on_delete=models.SET_NULL,
        null=True,
        related_name="dossiers",
        verbose_name=_("demande"),
    )
    number = models.CharField(_("numéro anonyme"), max_length=20)
    age_months = models.SmallIntegerField(_("âge à l'entrée (mois)"))
    # The age section the engine places the dossier in, and its wishes compatible with it (see sessions.py).
    section_code = models.SlugField(_("section"), max_length=40)
    wishes = models.JSONField(_("vœux examinés"), default=list)
    facts = models.JSONField(_("éléments pris en compte"), default=dict)
    score = models.IntegerField(_("score"))
    breakdown = models.JSONField(_("détail du score"), default=list)
    bonus = models.JSONField(_("points par établissement"), default=dict, blank=True)
    flags = models.JSONField(_("publics prioritaires"), default=list, blank=True)
    adjustment = models.IntegerField(_("ajustement de la commission"), default=0)
    adjustment_reason = models.TextField(_("motif de l'ajustement"), blank=True)
    letter = models.FileField(_("courrier de décision"), upload_to=letter_path, blank=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier de commission")
        verbose_name_plural = _("dossiers de commission")
        ordering = ["session", "number"]
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="dossier_number_unique"),
            models.UniqueConstraint(fields=["session", "application"], name="dossier_application_unique"),
        ]

    def __str__(self):
        return self.number

    @property
    def effective_score(self):
        return self.score + self.adjustment

    @property
    def breakdown_lines(self):
        """The frozen score lines, label and detail in the reader's language (older dossiers kept French text)."""
        english = not (translation.get_language() or settings.LANGUAGE_CODE).startswith("fr")
        return [
            {
                **line,
                "label": (english and line.get("label_en")) or line["label"],
                "detail": stored_text(line["detail"]),
            }
            for line in self.breakdown
        ]


class Decision(models.Model):
    """What the session decided for a dossier: a place (seat) or none."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="decision")
    seat = models.ForeignKey(
        SessionSeat, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions", verbose_name=_("place")
    )
    # The ledger's place within `seat` (None with no seat).
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions", verbose_name=_("place")
    )
    source = models.CharField(_("origine"), max_length=10, choices=DecisionSource.choices)
    reason = models.TextField(_("motif"), blank=True)
    explanation = models.JSONField(_("explication"), default=list, blank=True)

    class Meta:
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")

    def __str__(self):
        return f"{self.dossier} → {self.seat or '—'}"


class Override(models.Model):
    """Every change the commission makes to the engine's proposal or to a score, with its reason."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="overrides")
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="overrides")
    other = models.ForeignKey(Dossier, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    action = models.CharField(_("action"), max_length=10, choices=OverrideAction.choices)
    detail = models.CharField(_("détail"), max_length=300, blank=True)
    reason = models.TextField(_("motif"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dérogation")
        verbose_name_plural = _("dérogations")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} — {self.dossier}"


class OfferQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=OfferStatus.PENDING)

    def visible_to(self, user):
        return self.filter(perms.visible_offers(user))

    def admissions_for(self, user):
        """Accepted offers in the establishments `user` directs."""
        return self.filter(status=OfferStatus.ACCEPTED, establishment__directors=user)


class Offer(models.Model):
    """A place proposed to a family after a session: it accepts or declines before the deadline."""

    application = models.ForeignKey("families.Application", on_delete=models.CASCADE, related_name="offers")
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="offers")
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="offers")
    section = models.ForeignKey(
        "creches.Section", on_delete=models.PROTECT, related_name="+", verbose_name=_("section")
    )
    establishment = models.ForeignKey(
        "creches.Establishment", on_delete=models.PROTECT, related_name="offers", verbose_name=_("établissement")
    )
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, null=True, blank=True, related_name="offers", verbose_name=_("place")
    )
    notified_on = models.DateField(_("famille prévenue le"), null=True, blank=True)
    deadline = models.DateField(_("répondre avant le"))
    status = models.CharField(_("état"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.PENDING)
    decline_reason = models.TextField(_("motif du refus"), blank=True, max_length=1000)
    decline_kind = models.CharField(_("raison du refus"), max_length=12, choices=DeclineReason.choices, blank=True)
    responded_at = models.DateTimeField(_("réponse le"), null=True, blank=True)
    created_at = models.DateTimeField(_("proposée le"), auto_now_add=True)
    letter = models.FileField(_("courrier de proposition"), upload_to=letter_path, blank=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposition de place")
        verbose_name_plural = _("propositions de place")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.application} — {self.section}"

    @property
    def is_pending(self):
        return self.status == OfferStatus.PENDING


# --- Status histories (commissions.workflows) -----------------------------------------------------------------------


class RegulationLog(TransitionLog):
    subject = models.ForeignKey(Regulation, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=10, choices=RegulationStatus.choices)
    to_status = models.CharField(max_length=10, choices=RegulationStatus.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = _("changement d'état d'un règlement")
        verbose_name_plural = _("changements d'état des règlements")


class SessionLog(TransitionLog):
    subject = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, choices=SessionStatus.choices)
    to_status = models.CharField(max_length=20, choices=SessionStatus.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = _("changement d'état d'une commission")
        verbose_name_plural = _("changements d'état des commissions")


class OfferLog(TransitionLog):
    subject = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=10, choices=OfferStatus.choices)
    to_status = models.CharField(max_length=10, choices=OfferStatus.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = _("changement d'état d'une proposition")
        verbose_name_plural = _("changements d'état des propositions")
