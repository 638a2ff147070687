"""The status workflows of the commissions: a règlement's version, a commission session, an offer of a place.

The mechanism is portal.workflows; the services (commissions.services, commissions.sessions) are the only callers.
Checks that need the service's input (an adoption date, the day a session is validated on) stay in the service.
"""

from django.utils.translation import gettext_lazy as _

from commissions.enums import OfferStatus, RegulationStatus, SessionStatus
from commissions.models import Offer, OfferLog, Regulation, RegulationLog, Session, SessionLog
from portal.workflows import Actor, Move, Workflow

FAMILY, STAFF, SYSTEM = Actor.FAMILY, Actor.STAFF, Actor.SYSTEM


def has_criteria(regulation, actor, user):
    if not regulation.criteria.exists():
        return _("Un règlement sans aucun critère ne peut pas être adopté.")
    return None


# A draft is written, then adopted by the assembly's vote: frozen from then on (a change is a new version).
REGULATION = Workflow(
    model=Regulation,
    log_model=RegulationLog,
    enum=RegulationStatus,
    noun=_("Un règlement"),
    moves=[Move(RegulationStatus.DRAFT, RegulationStatus.ADOPTED, {STAFF}, guard=has_criteria)],
)


def is_allocated(session, actor, user):
    if session.allocated_at is None:
        return _("Lancez d'abord la répartition des places.")
    return None


# Prepared (places and requests taken, dossiers frozen), then validated once the engine has allocated the places.
SESSION = Workflow(
    model=Session,
    log_model=SessionLog,
    enum=SessionStatus,
    noun=_("Une commission"),
    moves=[
        Move(SessionStatus.PREPARATION, SessionStatus.OPEN, {STAFF}),
        Move(SessionStatus.OPEN, SessionStatus.VALIDATED, {STAFF}, guard=is_allocated),
    ],
)

# The family answers (the guichet may record its answer); a passed deadline is a refusal by the system, and so is
# a pending offer of another request of the same child when the family accepts one.
OFFER = Workflow(
    model=Offer,
    log_model=OfferLog,
    enum=OfferStatus,
    noun=_("Une proposition"),
    moves=[
        Move(OfferStatus.PENDING, OfferStatus.ACCEPTED, {FAMILY, STAFF}),
        Move(OfferStatus.PENDING, OfferStatus.DECLINED, {FAMILY, STAFF, SYSTEM}),
        Move(OfferStatus.PENDING, OfferStatus.EXPIRED, {SYSTEM}),
    ],
)
