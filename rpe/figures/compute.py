"""Figures of one relais over a year or a month: contacts, appointments, ateliers, AM reached, job offers.

`relais_figures(relais, year, month=None)` is what the page, the XLSX export and the observatoire call. Every
count is one grouped query; nothing here writes.
"""

import calendar
import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce, ExtractMonth
from django.utils import timezone

from rpe.ateliers.enums import AtelierKind, RegistrationStatus
from rpe.inbox.enums import ContactChannel, ContactPerson, ContactTheme
from rpe.models import AssistantMaternel
from rpe.models.appointments import Appointment
from rpe.models.ateliers import Atelier, Registration
from rpe.models.inbox import ContactLog, InboxRequest
from rpe.models.offers import JobOffer


@dataclass
class Period:
    year: int
    month: int | None = None

    @property
    def first(self):
        return datetime.date(self.year, self.month or 1, 1)

    @property
    def last(self):
        month = self.month or 12
        return datetime.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def bounds(self):
        """[start, end) as aware datetimes in the collectivité's time zone."""
        zone = timezone.get_current_timezone()
        start = datetime.datetime.combine(self.first, datetime.time(), tzinfo=zone)
        end = datetime.datetime.combine(self.last + datetime.timedelta(days=1), datetime.time(), tzinfo=zone)
        return start, end


@dataclass
class RelaisFigures:
    relais: object
    period: Period
    contacts_total: int = 0
    contacts_by_person: dict = field(default_factory=dict)
    contacts_by_theme: dict = field(default_factory=dict)
    contacts_by_channel: dict = field(default_factory=dict)
    requests_received: int = 0
    requests_answered: int = 0
    ateliers_by_kind: dict = field(default_factory=dict)
    ateliers_total: int = 0
    attendance_adults: int = 0
    attendance_children: int = 0
    am_reached: int = 0
    am_total: int = 0
    appointments: dict = field(default_factory=dict)  # {"by_motif": {...}, "by_outcome": {...}, "total": n}
    job_offers: dict = field(default_factory=dict)  # {"published": n, "by_status": {...}}
    by_month: list = field(default_factory=list)  # one dict per month for a year's figures

    @property
    def am_reached_share(self):
        return round(100 * self.am_reached / self.am_total, 1) if self.am_total else None


def _counts(queryset, key, choices):
    found = {row[key]: row["n"] for row in queryset.values(key).annotate(n=Count("pk")).order_by()}
    return {value: found.get(value, 0) for value in choices.values}


def _merge(*counts):
    merged = {}
    for count in counts:
        for key, value in count.items():
            merged[key] = merged.get(key, 0) + value
    return merged


def contact_figures(relais, start, end):
    """Contacts logged (calls, visits, emails) plus requests received online, by person, theme and channel."""
    logged = ContactLog.objects.filter(relais=relais, occurred_at__gte=start, occurred_at__lt=end)
    online = InboxRequest.objects.filter(relais=relais, created_at__gte=start, created_at__lt=end)
    received = online.count()
    by_channel = _counts(logged, "channel", ContactChannel)
    by_channel[ContactChannel.ONLINE] += received
    return {
        "contacts_by_person": _merge(
            _counts(logged, "person", ContactPerson), _counts(online, "person", ContactPerson)
        ),
        "contacts_by_theme": _merge(_counts(logged, "theme", ContactTheme), _counts(online, "theme", ContactTheme)),
        "contacts_by_channel": by_channel,
        "contacts_total": sum(by_channel.values()),
        "requests_received": received,
        "requests_answered": online.filter(answered_at__isnull=False).count(),
    }


def atelier_figures(relais, start, end):
    """Sessions held (not cancelled), attendance (adults and children present) and distinct AM who came."""
    sessions = Atelier.objects.filter(relais=relais, start__gte=start, start__lt=end, cancelled_at__isnull=True)
    came = Registration.objects.filter(atelier__in=sessions, status=RegistrationStatus.ATTENDED)
    totals = came.aggregate(adults=Coalesce(Sum("adults"), 0), children=Coalesce(Sum("children_present"), 0))
    by_kind = _counts(sessions, "kind", AtelierKind)
    return {
        "ateliers_by_kind": by_kind,
        "ateliers_total": sum(by_kind.values()),
        "attendance_adults": totals["adults"],
        "attendance_children": totals["children"],
        "am_reached": came.filter(assistant__isnull=False).values("assistant").distinct().count(),
    }


def _by_status(queryset, model):
    labels = dict(model._meta.get_field("status").choices)
    rows = queryset.values("status").annotate(n=Count("pk")).order_by("status")
    return {str(labels.get(row["status"], row["status"])): row["n"] for row in rows}


def appointment_figures(relais, start, end):
    """Appointments of the period by motif and by outcome (status)."""
    held = Appointment.objects.filter(relais=relais, start__gte=start, start__lt=end)
    by_motif = {row["motif__name"]: row["n"] for row in held.values("motif__name").annotate(n=Count("pk")).order_by()}
    return {"total": sum(by_motif.values()), "by_motif": by_motif, "by_outcome": _by_status(held, Appointment)}


def job_offer_figures(relais, start, end):
    """Job offers filed in the period, by status."""
    filed = JobOffer.objects.filter(relais=relais, created_at__gte=start, created_at__lt=end)
    by_status = _by_status(filed, JobOffer)
    return {"published": sum(by_status.values()), "by_status": by_status}


def monthly_rows(relais, year):
    """For the year's table: per month, contacts, sessions, adults and children present (four grouped queries)."""
    period = Period(year)
    start, end = period.bounds()
    zone = timezone.get_current_timezone()

    def per_month(queryset, stamp, value=None):
        queryset = queryset.annotate(m=ExtractMonth(stamp, tzinfo=zone)).values("m").order_by()
        rows = queryset.annotate(n=value or Count("pk"))
        return {row["m"]: row["n"] or 0 for row in rows}

    logged = per_month(
        ContactLog.objects.filter(relais=relais, occurred_at__gte=start, occurred_at__lt=end), "occurred_at"
    )
    online = per_month(
        InboxRequest.objects.filter(relais=relais, created_at__gte=start, created_at__lt=end), "created_at"
    )
    held = Atelier.objects.filter(relais=relais, start__gte=start, start__lt=end, cancelled_at__isnull=True)
    sessions = per_month(held, "start")
    came = Registration.objects.filter(atelier__in=held, status=RegistrationStatus.ATTENDED)
    adults = per_month(came, "atelier__start", Sum("adults"))
    children = per_month(came, "atelier__start", Sum("children_present"))
    return [
        {
            "month": month,
            "contacts": logged.get(month, 0) + online.get(month, 0),
            "ateliers": sessions.get(month, 0),
            "attendance_adults": adults.get(month, 0),
            "attendance_children": children.get(month, 0),
        }
        for month in range(1, 13)
    ]


def relais_figures(relais, year, month=None):
    """Everything the CAF report and the observatoire need for one relais and one year (or one month of it)."""
    period = Period(year, month)
    start, end = period.bounds()
    figures = RelaisFigures(relais=relais, period=period)
    for name, value in {**contact_figures(relais, start, end), **atelier_figures(relais, start, end)}.items():
        setattr(figures, name, value)
    figures.am_total = AssistantMaternel.objects.filter(relais=relais).count()
    figures.appointments = appointment_figures(relais, start, end)
    figures.job_offers = job_offer_figures(relais, start, end)
    if month is None:
        figures.by_month = monthly_rows(relais, year)
    return figures
