"""The period's synthesis a commission session shows and its minutes carry: demand, offer, entries, exits between
the previous session and this one (one small table, statistical secrecy applied like every other figure)."""

import datetime

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from commissions.models import Offer, Session
from creches.models import Establishment, PlaceOpening
from families.models import Application
from observatoire.models import Stay
from observatoire.secrecy import protect
from observatoire.tables import Column, Row, Table

WAITING_FOR_ACTIVE = None


def period_of(session):
    previous = Session.objects.filter(date__lt=session.date).order_by("-date").values_list("date", flat=True).first()
    start = previous + datetime.timedelta(days=1) if previous else session.date - datetime.timedelta(days=90)
    return start, session.date


def session_synthesis(session):
    from observatoire.compute import ACTIVE_STATUSES

    start, end = period_of(session)
    tz = timezone.get_current_timezone()
    start_at = timezone.make_aware(datetime.datetime.combine(start, datetime.time()), tz)
    end_at = timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time()), tz)
    values = {
        "filed": Application.objects.filter(submitted_at__gte=start_at, submitted_at__lt=end_at).count(),
        "active": Application.objects.filter(status__in=ACTIVE_STATUSES, submitted_at__lt=end_at).count(),
        "places": Establishment.objects.active().aggregate(n=Sum("capacity"))["n"] or 0,
        "opening": PlaceOpening.objects.filter(available_from__gte=start, available_from__lte=end).aggregate(
            n=Sum("count")
        )["n"]
        or 0,
        "offers": Offer.objects.filter(created_at__gte=start_at, created_at__lt=end_at).count(),
        "entries": Stay.objects.filter(arrived_on__gte=start, arrived_on__lte=end).count(),
        "exits": Stay.objects.filter(left_on__gte=start, left_on__lte=end).count(),
    }
    labels = {
        "filed": (_("Demandes déposées sur la période"), True),
        "active": (_("Demandes en cours à la date de la commission"), True),
        "places": (_("Places en établissements"), False),
        "opening": (_("Places déclarées ouvertes sur la période"), False),
        "offers": (_("Propositions de place sur la période"), True),
        "entries": (_("Arrivées en établissement"), True),
        "exits": (_("Départs d'établissement"), True),
    }
    # One column per figure, one row: no total links them, so only small counts are hidden.
    columns = [Column(key, label, personal=personal) for key, (label, personal) in labels.items()]
    row = Row(
        "period",
        _("Du %(start)s au %(end)s") % {"start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y")},
        values,
    )
    return protect(
        Table(
            "synthesis",
            _("Synthèse de la période"),
            _("Guichet unique, établissements et commissions, du %(start)s au %(end)s")
            % {"start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y")},
            _("Période"),
            columns,
            [row],
        )
    )
