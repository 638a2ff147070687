"""What the observatoire reads of the relais (observatoire.compute.relais_activity calls this by name)."""

from rpe.figures.compute import relais_figures
from rpe.models import Relais


def relais_activity(year):
    """One row per relais for `year`: sessions of ateliers held, children present, appointments.

    [{"code": relais id, "label": name, "values": {"ateliers", "participations", "appointments"}}].
    """
    rows = []
    for relais in Relais.objects.order_by("name"):
        figures = relais_figures(relais, year)
        rows.append(
            {
                "code": relais.pk,
                "label": relais.name,
                "values": {
                    "ateliers": figures.ateliers_total,
                    "participations": figures.attendance_children,
                    "appointments": figures.appointments.get("total", 0),
                },
            }
        )
    return rows
