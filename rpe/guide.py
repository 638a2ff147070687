"""What the guide petite enfance says about a relais: its permanences and its ateliers (observatoire.documents).

Read from the relais' own calendar: the opening hours (plages) of its lieux and its recurring atelier programmes,
in words a family reads on paper ("le mardi, 9:00–12:00, une semaine sur deux").
"""

from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from portal.dates import long_date
from portal.enums import Weekday
from rpe.booking.enums import Recurrence
from rpe.models import AtelierProgramme, Plage


def _hours(start, end):
    return f"{formats.time_format(start, 'H:i')}–{formats.time_format(end, 'H:i')}"


def _permanences(relais, today):
    plages = (
        Plage.objects.filter(lieu__relais=relais)
        .filter(Q(until__isnull=True) | Q(until__gte=today))
        .exclude(recurrence=Recurrence.ONCE, first_day__lt=today)
        .select_related("lieu")
        .order_by("lieu__name", "first_day", "start_time")
    )
    seen, items = set(), []
    for plage in plages:
        # Several animatrices often hold the same permanence: the family reads it once.
        key = (plage.lieu.name, plage.first_day.weekday(), plage.start_time, plage.end_time, plage.recurrence)
        if key in seen:
            continue
        seen.add(key)
        if plage.recurrence == Recurrence.ONCE:
            when = f"{long_date(plage.first_day, 'weekday')}, {_hours(plage.start_time, plage.end_time)}"
        else:
            when = _("le %(day)s, %(hours)s (%(rhythm)s)") % {
                "day": Weekday(plage.first_day.weekday()).label,
                "hours": _hours(plage.start_time, plage.end_time),
                "rhythm": Recurrence(plage.recurrence).label,
            }
        items.append({"label": plage.lieu.name, "when": when})
    return items


def _ateliers(relais, today):
    programmes = AtelierProgramme.objects.filter(relais=relais, last_date__gte=today).select_related("lieu")
    return [
        {
            "label": f"{programme.title} ({programme.where})" if programme.where else programme.title,
            "when": _("le %(day)s, %(hours)s (%(rhythm)s), jusqu'au %(last)s")
            % {
                "day": Weekday(programme.weekday).label,
                "hours": _hours(programme.start_time, programme.end_time),
                "rhythm": programme.get_frequency_display(),
                "last": long_date(programme.last_date),
            },
        }
        for programme in programmes.order_by("weekday", "start_time", "title")
    ]


def relais_schedule(relais, *, today=None):
    """{"permanences": [...], "ateliers": [...]}, each item {"label", "when"} (text)."""
    today = today or timezone.localdate()
    return {"permanences": _permanences(relais, today), "ateliers": _ateliers(relais, today)}
