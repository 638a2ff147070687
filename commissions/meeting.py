"""What the meeting screen computes beside the ORM's answers: where each dossier's card is, who may swap with whom.

The eligibility rule is the one of `sessions._check_eligible` (a wished establishment, a section taking the child's
age), applied to values read once for the whole page so that the pickers cost no query per card.
"""

from urllib.parse import urlencode

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

# Cards are collapsed to a few lines each: 25 a page keeps the page short (the report measured ~34,000 px at 50).
DOSSIERS_PAGE_SIZE = 25


def dossier_order():
    """Best score (with the commission's adjustment) first, then the earliest request, then the number."""
    return [(F("score") + F("adjustment")).desc(), "application__submitted_at", "number"]


def filtered(session, filters):
    """The session's dossiers that wished the establishment and/or are examined in the section's code."""
    dossiers = session.dossiers.all()
    if "etablissement" in filters:
        dossiers = dossiers.filter(wishes__contains=[{"establishment": filters["etablissement"]}])
    if "section" in filters:
        dossiers = dossiers.filter(section_code=filters["section"])
    return dossiers


def querystring(filters, page=None):
    params = {**filters, **({"page": page} if page and page > 1 else {})}
    return urlencode(params)


def positions(dossiers):
    """{number: the page its card is on}."""
    ordered = dossiers.order_by(*dossier_order()).values_list("number", flat=True)
    return {number: index // DOSSIERS_PAGE_SIZE + 1 for index, number in enumerate(ordered)}


class DossierLinks:
    """Where each dossier's card is: its page in the (filtered) list, and its anchor."""

    def __init__(self, session, filters):
        self.session, self.filters = session, filters
        self.pages = positions(filtered(session, filters))
        self._unfiltered = None

    def page_of(self, number):
        """Its page in the filtered list, or None when the filters leave it out."""
        return self.pages.get(number)

    def url(self, number):
        base = reverse("commissions:session_detail", args=[self.session.pk])
        if number in self.pages:
            query = querystring(self.filters, self.pages[number])
        else:  # left out by the filters: link to its page in the whole list
            if self._unfiltered is None:
                self._unfiltered = positions(self.session.dossiers.all())
            query = querystring({}, self._unfiltered.get(number))
        return f"{base}{'?' + query if query else ''}#dossier-{number}"


def eligible(dossier, seat):
    """The rule of sessions._check_eligible, on the values the page already holds."""
    return seat is None or (
        seat.section.establishment_id in dossier["wished"] and seat.section.takes_age(dossier["age_months"])
    )


def seat_label(seat):
    return f"{seat.section.establishment.name} — {seat.section.name}"


def swap_choices(dossier, everyone, seats_by_id):
    """The dossiers `dossier` can exchange its place (or lack of one) with, best score first."""
    mine = seats_by_id.get(dossier["seat"])
    choices = []
    for other in everyone:
        theirs = seats_by_id.get(other["seat"])
        if other["number"] == dossier["number"] or (mine is None and theirs is None):
            continue
        if eligible(dossier, theirs) and eligible(other, mine):
            place = seat_label(theirs) if theirs else _("sans place")
            label = _("%(number)s — %(score)s points — %(place)s") % {
                "number": other["number"],
                "score": other["score"],
                "place": place,
            }
            choices.append((other["number"], label))
    return [("", _("Choisir un dossier"))] + choices
