"""The summary lines of a relais' figures, shared by the page and the XLSX export."""

from django.utils.translation import gettext as _


def summary_rows(figures):
    rows = [
        (_("Relais"), figures.relais.name),
        (
            _("Période"),
            f"{figures.period.month:02d}/{figures.period.year}" if figures.period.month else figures.period.year,
        ),
        (_("Contacts (appels, visites, courriels, demandes en ligne)"), figures.contacts_total),
        (_("Demandes reçues en ligne"), figures.requests_received),
        (_("Demandes en ligne répondues"), figures.requests_answered),
        (_("Séances d'ateliers"), figures.ateliers_total),
        (_("Adultes présents aux ateliers"), figures.attendance_adults),
        (_("Enfants présents aux ateliers"), figures.attendance_children),
        (_("Assistants maternels différents venus aux ateliers"), figures.am_reached),
        (_("Assistants maternels du relais"), figures.am_total),
        (
            _("Part des assistants maternels du relais venus aux ateliers (%)"),
            figures.am_reached_share if figures.am_reached_share is not None else "",
        ),
    ]
    rows.append((_("Rendez-vous"), figures.appointments.get("total", 0)))
    rows.append((_("Offres d'emploi déposées"), figures.job_offers.get("published", 0)))
    return rows
