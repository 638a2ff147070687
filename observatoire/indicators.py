"""The observatoire's published tables, from a year's raw figures: titles, sources, totals, derived values, then
statistical secrecy. Pages, CSV/XLSX exports, the API and both PDFs call `published_tables` and nothing else.
"""

import datetime
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from creches.enums import CareKind, Manager
from families.enums import CareMode
from observatoire import compute
from observatoire.enums import DepartureReason
from observatoire.secrecy import protect_all
from observatoire.tables import Column, Row, Table, with_total

# The CNAF's terms of the coverage rate (data.caf.fr) and whether the platform has the data for them.
COVERAGE_TERMS = [
    ("pl_eaje", True),
    ("pl_am_ind", True),
    ("pl_gad_ind", False),
    ("pl_prescol", False),
]


def coverage_terms():
    labels = {
        "pl_eaje": _("places en établissements d'accueil du jeune enfant (crèches PSU et micro-crèches PAJE)"),
        "pl_am_ind": _(
            "places d'agrément des assistants maternels en activité ouvertes aux enfants de moins de 3 ans"
        ),
        "pl_gad_ind": _("places de garde à domicile : non comptées (la collectivité n'en a pas les données)"),
        "pl_prescol": _("préscolarisation des enfants de 2 ans : non comptée (données de l'Éducation nationale)"),
    }
    return [{"code": code, "label": labels[code], "used": used} for code, used in COVERAGE_TERMS]


def rate(numerator, denominator, digits=1):
    if numerator is None or not denominator:
        return None
    return round(100 * numerator / denominator, digits)


def _date(value):
    return formats.date_format(value, "j F Y")


@dataclass
class Published:
    """A year's published figures: its tables (secrecy applied), when they were computed and the headline."""

    year: int
    as_of: datetime.date
    computed_at: datetime.datetime
    tables: list
    headline: dict
    terms: list
    population_years: list

    def table(self, key):
        return next((table for table in self.tables if table.key == key), None)


def published_tables(data, computed_at=None):
    """Every table of the year's raw `data` (compute.compute), totals and derived values in, secrecy applied."""
    year = data["year"]
    day = datetime.date.fromisoformat(data["as_of"])
    names = {code: name for code, name, *_rest in compute.territory_communes()}
    order = list(names)
    raw = data["tables"]
    on = _("au %(date)s") % {"date": _date(day)}
    demand_source = _("Demandes déposées au guichet unique en %(year)s, état %(on)s") % {"year": year, "on": on}

    def commune_rows(rows):
        codes = [code for code in order if code in rows] + sorted(code for code in rows if code not in names)
        return [
            Row(code, names.get(code, _("Hors territoire ou commune non renseignée")), dict(rows[code]))
            for code in codes
        ]

    def labelled_rows(rows):
        return [Row(code, values.get("label", code), dict(values)) for code, values in rows.items()]

    tables = []

    # Territory: offer, children under 3, coverage, demand.
    columns = [
        Column("children_under_3", _("Enfants de moins de 3 ans (INSEE)")),
        Column("places_eaje", _("Places en EAJE")),
        Column("places_am", _("Places d'assistants maternels")),
        Column("places_am_available", _("Places d'assistants maternels déclarées libres")),
        Column("coverage_rate", _("Taux de couverture (places pour 100 enfants)"), summed=False, kind="rate"),
        Column(
            "coverage_rate_real",
            _("Taux « réel » (places d'assistants maternels libres seulement)"),
            summed=False,
            kind="rate",
        ),
        Column("requests_filed", _("Demandes déposées dans l'année"), personal=True),
        Column("requests_active", _("Demandes en cours"), personal=True),
    ]
    rows = commune_rows(raw["territory"]["rows"])
    total = with_total(columns, rows, _("Territoire"))
    for row in [*rows, total]:
        values = row.values
        if values.get("children_under_3") is None or values.get("places_eaje") is None:
            continue
        values["coverage_rate"] = rate(values["places_eaje"] + values["places_am"], values["children_under_3"])
        values["coverage_rate_real"] = rate(
            values["places_eaje"] + values["places_am_available"], values["children_under_3"]
        )
    population_years = data.get("population_years") or []
    tables.append(
        Table(
            "territory",
            _("Offre, couverture et demande par commune"),
            _(
                "Sources : établissements et assistants maternels de la plateforme %(on)s ; enfants de moins de "
                "3 ans : INSEE (%(years)s) ; demandes : guichet unique %(year)s."
            )
            % {
                "on": on,
                "years": ", ".join(str(y) for y in population_years) or _("fichier non importé"),
                "year": year,
            },
            _("Commune"),
            columns,
            rows,
            total,
            chart="coverage_rate",
            note=_(
                "Taux de couverture : (places en EAJE + places d'assistants maternels) pour 100 enfants de moins de "
                "3 ans, selon la méthode de l'observatoire national de la petite enfance (CNAF)."
            ),
        )
    )

    def count_table(key, title, source, stub, parts, chart="total", note="", total_label=None):
        columns = [Column(k, label, personal=True) for k, label in parts]
        row_sums = {}
        if total_label is not None:
            columns.append(Column("total", total_label, personal=True))
            row_sums = {"total": [k for k, _label in parts]}
        rows = commune_rows(raw[key]["rows"])
        return Table(
            key,
            title,
            source,
            stub,
            columns,
            rows,
            with_total(columns, rows, _("Territoire")),
            row_sums=row_sums,
            chart=chart,
            note=note,
        )

    tables.append(
        count_table(
            "demand_age",
            _("Demandes déposées par âge de l'enfant à l'entrée souhaitée"),
            demand_source,
            _("Commune"),
            [
                ("age_0_11", _("Moins de 12 mois")),
                ("age_12_23", _("12 à 23 mois")),
                ("age_24_plus", _("24 mois et plus")),
            ],
            total_label=_("Total"),
        )
    )
    tables.append(
        count_table(
            "demand_kind",
            _("Demandes déposées par type d'accueil"),
            demand_source,
            _("Commune"),
            [(kind.value, str(kind.label).capitalize()) for kind in CareKind],
            total_label=_("Total"),
        )
    )
    tables.append(
        count_table(
            "demand_mode",
            _("Modes d'accueil souhaités"),
            demand_source,
            _("Commune"),
            [(mode.value, str(mode.label).capitalize()) for mode in CareMode],
            chart=CareMode.COLLECTIVE.value,
            note=_("Une demande peut souhaiter plusieurs modes : les colonnes ne s'additionnent pas."),
        )
    )

    columns = [
        Column("offers", _("Premières propositions de place"), personal=True),
        Column("median", _("Délai médian (jours)"), summed=False, depends_on=("offers",), kind="days"),
        Column("p90", _("Délai du 9e décile (jours)"), summed=False, depends_on=("offers",), kind="days"),
    ]
    rows = commune_rows(raw["delays"]["rows"])
    total = with_total(columns, rows, _("Territoire"))
    total.values.update(raw["delays"].get("total", {}))
    tables.append(
        Table(
            "delays",
            _("Délai entre le dépôt de la demande et la première proposition de place"),
            _("Propositions faites en %(year)s (commissions d'attribution)") % {"year": year},
            _("Commune"),
            columns,
            rows,
            total,
            chart="median",
        )
    )

    columns = [
        Column("dossiers", _("Dossiers examinés (liste d'attente)"), personal=True),
        Column("places", _("Places à attribuer")),
        Column("given", _("Places attribuées"), personal=True),
        Column("left", _("Dossiers sans place"), personal=True),
        Column("refusals", _("Propositions refusées ou sans réponse"), personal=True),
        Column("rate", _("Taux d'attribution (%)"), summed=False, depends_on=("given", "dossiers"), kind="rate"),
        Column("last_admitted_score", _("Score du dernier admis"), summed=False, kind="score"),
    ]
    rows = labelled_rows(raw["sessions"]["rows"])
    total = with_total(columns, rows, _("Année"))
    for row in [*rows, total]:
        row.values["rate"] = rate(row.values.get("given"), row.values.get("dossiers"), digits=0)
        if row.values["rate"] is not None:
            row.values["rate"] = int(row.values["rate"])
    tables.append(
        Table(
            "sessions",
            _("Attributions par commission"),
            _("Décisions finales des commissions d'attribution de %(year)s") % {"year": year},
            _("Commission"),
            columns,
            rows,
            total,
            row_sums={"dossiers": ["given", "left"]},
            chart="rate",
            note=_(
                "Score du dernier admis : le plus bas des scores admis de la commission, tous établissements et "
                "sections confondus."
            ),
        )
    )

    tables.append(
        count_table(
            "outcomes",
            _("Familles sans solution : ce que sont devenues les demandes"),
            _("Guichet unique, demandes closes en %(year)s et en attente %(on)s") % {"year": year, "on": on},
            _("Commune"),
            [
                ("waiting", _("Toujours en attente")),
                ("cancelled", _("Annulées")),
                ("expired", _("Expirées faute de renouvellement")),
                ("refused", _("Place proposée refusée")),
            ],
            total_label=_("Total"),
        )
    )

    offer_source = _("Établissements ouverts enregistrés sur la plateforme %(on)s") % {"on": on}
    columns = [
        Column("establishments", _("Établissements")),
        Column("psu", _("Places PSU")),
        Column("paje", _("Places en micro-crèche PAJE")),
        Column("total", _("Total des places")),
    ]
    rows = commune_rows(raw["offer_type"]["rows"])
    tables.append(
        Table(
            "offer_type",
            _("Places en établissements d'accueil du jeune enfant par financement"),
            offer_source,
            _("Commune"),
            columns,
            rows,
            with_total(columns, rows, _("Territoire")),
            row_sums={"total": ["psu", "paje"]},
            chart="total",
        )
    )
    columns = [Column(m.value, str(m.label).capitalize()) for m in Manager] + [Column("total", _("Total"))]
    rows = commune_rows(raw["offer_manager"]["rows"])
    tables.append(
        Table(
            "offer_manager",
            _("Places en établissements par gestionnaire"),
            offer_source,
            _("Commune"),
            columns,
            rows,
            with_total(columns, rows, _("Territoire")),
            chart="total",
        )
    )
    columns = [
        Column("places", _("Places en fin d'année"), summed=False),
        Column("created", _("Places créées")),
        Column("closed", _("Places fermées")),
    ]
    tables.append(
        Table(
            "offer_changes",
            _("Places créées et fermées par année"),
            _("Capacités des établissements relevées à chaque calcul annuel de l'observatoire"),
            _("Année"),
            columns,
            labelled_rows(raw["offer_changes"]["rows"]),
            chart="places",
            note=_("Une année sans relevé de l'année précédente n'a pas de chiffre de créations ni de fermetures."),
        )
    )

    columns = [
        Column("capacity", _("Places agréées")),
        Column("entries", _("Arrivées"), personal=True),
        *[
            Column(f"exit_{r.value}", _("Départs : %(reason)s") % {"reason": r.label}, personal=True)
            for r in DepartureReason
        ],
        Column("exits", _("Départs"), personal=True),
        Column("present", _("Enfants présents"), personal=True),
        Column("occupancy", _("Taux d'occupation (%)"), summed=False, depends_on=("present",), kind="rate"),
    ]
    rows = labelled_rows(raw["movements"]["rows"])
    total = with_total(columns, rows, _("Territoire"))
    for row in [*rows, total]:
        row.values["occupancy"] = rate(row.values.get("present"), row.values.get("capacity"))
    tables.append(
        Table(
            "movements",
            _("Entrées, sorties et occupation par établissement"),
            _("Arrivées et départs confirmés par les directions en %(year)s, présents %(on)s")
            % {"year": year, "on": on},
            _("Établissement"),
            columns,
            rows,
            total,
            row_sums={"exits": [f"exit_{r.value}" for r in DepartureReason]},
            chart="occupancy",
        )
    )

    columns = [
        Column("filed", _("Demandes déposées"), personal=True),
        Column("offers", _("Propositions de place"), personal=True),
        Column("entries", _("Arrivées en établissement"), personal=True),
        Column("exits", _("Départs d'établissement"), personal=True),
    ]
    rows = [
        Row(code, str(MONTHS[int(code)]).capitalize(), dict(values)) for code, values in raw["monthly"]["rows"].items()
    ]
    tables.append(
        Table(
            "monthly",
            _("Évolution mois par mois"),
            _("Guichet unique, commissions et établissements, %(year)s") % {"year": year},
            _("Mois"),
            columns,
            rows,
            with_total(columns, rows, _("Année")),
            chart="filed",
        )
    )

    columns = [
        Column("places_eaje", _("Places en EAJE"), summed=False),
        Column("places_am", _("Places d'assistants maternels"), summed=False),
        Column("coverage_rate", _("Taux de couverture"), summed=False, kind="rate"),
        Column("requests_filed", _("Demandes déposées"), personal=True, summed=False),
        Column("requests_active", _("Demandes en cours en fin de période"), personal=True, summed=False),
    ]
    rows = []
    for code, values in sorted((data.get("history") or {}).items()):
        values = dict(values)
        values["coverage_rate"] = rate(
            values.get("places_eaje", 0) + values.get("places_am", 0), values.get("children_under_3")
        )
        rows.append(Row(code, code, values))
    tables.append(
        Table(
            "history",
            _("Évolution d'une année sur l'autre"),
            _("Calculs annuels de l'observatoire (un relevé par année)"),
            _("Année"),
            columns,
            rows,
            chart="coverage_rate",
        )
    )

    am_source = _("Liste des assistants maternels tenue par les relais %(on)s") % {"on": on}
    columns = [
        Column("am_active", _("Assistants maternels en activité")),
        Column("places", _("Places d'agrément (moins de 3 ans)")),
        Column("available", _("Places déclarées libres")),
    ]
    rows = commune_rows(raw["am_communes"]["rows"])
    tables.append(
        Table(
            "am_communes",
            _("Assistants maternels par commune"),
            am_source,
            _("Commune"),
            columns,
            rows,
            with_total(columns, rows, _("Territoire")),
            chart="am_active",
        )
    )
    pyramid = raw["am_pyramid"]["rows"]
    everyone = sum(band["count"] for band in pyramid.values())
    rows = []
    for code, band in pyramid.items():
        if band["low"] is None:
            label = _("Moins de %(age)s ans") % {"age": band["high"] + 1}
        elif band["high"] is None:
            label = _("%(age)s ans et plus") % {"age": band["low"]}
        else:
            label = _("%(low)s à %(high)s ans") % {"low": band["low"], "high": band["high"]}
        rows.append(Row(code, label, {"count": band["count"], "share": rate(band["count"], everyone)}))
    columns = [
        Column("count", _("Assistants maternels")),
        Column("share", _("Part (%)"), summed=False, kind="rate"),
    ]
    total = with_total(columns, rows, _("Total"))
    total.values["share"] = 100.0 if everyone else None
    tables.append(
        Table(
            "am_pyramid",
            _("Pyramide des âges des assistants maternels en activité"),
            am_source,
            _("Âge en %(year)s") % {"year": year},
            columns,
            rows,
            total,
            chart="count",
        )
    )
    columns = [
        Column("arrivals", _("Arrivées")),
        Column("departures", _("Départs")),
        Column("net", _("Solde")),
        Column("active", _("En activité en fin d'année"), summed=False),
    ]
    tables.append(
        Table(
            "am_flows",
            _("Arrivées et départs d'assistants maternels par année"),
            am_source,
            _("Année"),
            columns,
            labelled_rows(raw["am_flows"]["rows"]),
            chart="active",
        )
    )
    if "relais" in raw:
        columns = [
            Column("ateliers", _("Ateliers d'éveil")),
            Column("participations", _("Participations d'enfants"), personal=True),
            Column("appointments", _("Rendez-vous")),
        ]
        rows = labelled_rows(raw["relais"]["rows"])
        tables.append(
            Table(
                "relais",
                _("Activité des relais petite enfance"),
                _("Relais petite enfance, %(year)s") % {"year": year},
                _("Relais"),
                columns,
                rows,
                with_total(columns, rows, _("Territoire")),
                chart="ateliers",
            )
        )
    protect_all(tables)
    headline = dict(data.get("am_headline") or {})
    territory = next(table for table in tables if table.key == "territory")
    headline.update({key: territory.value(territory.total, key) for key in territory.total.values})
    return Published(
        year=year,
        as_of=day,
        computed_at=computed_at or timezone.now(),
        tables=tables,
        headline=headline,
        terms=coverage_terms(),
        population_years=population_years,
    )
