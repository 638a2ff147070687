"""A session's figures, read from its final decisions only: the one source of the minutes, the transparency page,
the letters, the family's and agent's pages and the API (contract commission.md).

- places: the places of the ledger the session could give;
- decisions: the final decisions that give a place (after adjustments, overrides and re-offers), each with the
  answer to its offer;
- cutoffs per group `<establishment id>/<section code>`: capacity counts the group's places, filled its decisions
  not declined or expired, last_admitted_score the lowest score among those (None when none).

`cutoffs` is pure; `figures_for` reads a list of sessions in a constant number of queries.
"""

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _

from commissions.enums import OfferStatus, ReservationFlag

LOST = (OfferStatus.DECLINED, OfferStatus.EXPIRED)


def group_key(establishment_id, section_code):
    return f"{establishment_id}/{section_code}"


def cutoffs(places, decisions):
    """{group: {filled, capacity, last_admitted_score}} from the contract's `places` and `decisions`."""
    groups = {}
    for place in places:
        group = groups.setdefault(
            group_key(place["establishment"], place["section"]),
            {"filled": 0, "capacity": 0, "last_admitted_score": None},
        )
        group["capacity"] += 1
    for decision in decisions:
        if decision["offer_status"] in LOST:
            continue
        group = groups.setdefault(
            group_key(decision["establishment"], decision["section"]),
            {"filled": 0, "capacity": 0, "last_admitted_score": None},
        )
        group["filled"] += 1
        last = group["last_admitted_score"]
        group["last_admitted_score"] = decision["score"] if last is None else min(last, decision["score"])
    return dict(sorted(groups.items()))


@dataclass
class SessionFigures:
    session: object
    places: list = field(default_factory=list)
    decisions: list = field(default_factory=list)
    cutoffs: dict = field(default_factory=dict)
    dossier_count: int = 0
    # Reserved places that went to a family without the flag: [{"place", "dossier", "flag", "text"}].
    reserved_elsewhere: list = field(default_factory=list)
    # Group key -> (establishment name, section name), for the documents.
    names: dict = field(default_factory=dict)

    @property
    def capacity(self):
        return len(self.places)

    @property
    def given(self):
        """Places given and not lost: offered (pending) or accepted, or proposed before validation."""
        return sum(group["filled"] for group in self.cutoffs.values())

    @property
    def rate(self):
        return round(100 * self.given / self.dossier_count) if self.dossier_count else None

    def groups(self):
        """The cutoffs with the names people read, in the order of the documents."""
        rows = [
            {"key": key, "establishment": self.names[key][0], "section": self.names[key][1], **cutoff}
            for key, cutoff in self.cutoffs.items()
        ]
        return sorted(rows, key=lambda row: (row["establishment"], row["section"]))

    def decision_of(self, number):
        """The dossier's live decision (its latest with a place), or None."""
        found = [d for d in self.decisions if d["dossier"] == number]
        return found[-1] if found else None


def reserved_text(flag):
    return _(
        "Place réservée aux %(public)s : aucun dossier de ce public ne restait pour elle ; comme le prévoit le "
        "règlement, elle revient au dossier suivant dans le classement (une place réservée n'est jamais perdue)."
    ) % {"public": ReservationFlag(flag).label}


def figures_for(sessions):
    """{session id: SessionFigures} for `sessions`, in four queries or fewer whatever their number."""
    from commissions.models import Decision, Dossier, Offer, SessionPlace

    figures = {session.pk: SessionFigures(session=session) for session in sessions}
    if not figures:
        return figures
    ids = list(figures)
    flags = {}
    for sp in (
        SessionPlace.objects.filter(session__in=ids)
        .select_related("place__section__establishment")
        .order_by("place__section__establishment__name", "place__section__min_age_months", "place__starts_on", "pk")
    ):
        section = sp.place.section
        figures[sp.session_id].places.append(
            {
                "id": sp.place_id,
                "establishment": section.establishment_id,
                "establishment_name": section.establishment.name,
                "section": section.code,
                "starts_on": sp.place.starts_on,
                "reserved_for": sp.reserved_for or None,
            }
        )
        figures[sp.session_id].names[group_key(section.establishment_id, section.code)] = (
            section.establishment.name,
            section.name,
        )
        flags[(sp.session_id, sp.place_id)] = sp.reserved_for
    answers = {
        (offer["session"], offer["dossier"], offer["place"]): offer["status"]
        for offer in Offer.objects.filter(session__in=ids)
        .order_by("created_at", "pk")
        .values("session", "dossier", "place", "status")
    }
    decisions = (
        Decision.objects.filter(dossier__session__in=ids, place__isnull=False)
        .select_related("dossier", "place__section")
        .order_by("dossier__number")
    )
    for decision in decisions:
        dossier, section = decision.dossier, decision.place.section
        session_id = dossier.session_id
        row = {
            "dossier": dossier.number,
            "place": decision.place_id,
            "establishment": section.establishment_id,
            "section": section.code,
            "score": float(dossier.effective_score + dossier.bonus.get(str(section.establishment_id), 0)),
            "origin": decision.source,
            # No offer before validation: None, as the contract says.
            "offer_status": answers.get((session_id, dossier.pk, decision.place_id)),
        }
        figures[session_id].decisions.append(row)
        flag = flags.get((session_id, decision.place_id))
        if flag and flag not in dossier.flags:
            figures[session_id].reserved_elsewhere.append(
                {"place": decision.place_id, "dossier": dossier.number, "flag": flag, "text": reserved_text(flag)}
            )
    # Sessions annotated with `dossier_total` (see Session.objects.with_dossier_total) spare a query.
    if all(hasattr(session, "dossier_total") for session in sessions):
        counts = {session.pk: session.dossier_total for session in sessions}
    else:
        counts = dict(
            Dossier.objects.filter(session__in=ids)
            .values("session")
            .annotate(n=Count("pk"))
            .values_list("session", "n")
        )
    for session_id, figure in figures.items():
        figure.cutoffs = cutoffs(figure.places, figure.decisions)
        figure.dossier_count = counts.get(session_id, 0)
    return figures


def session_figures(session):
    return figures_for([session])[session.pk]
