"""The status workflows of a demande d'accueil and of its pieces: every allowed move and who may make it.

Commission sessions (app `commissions`) drive EN_COMMISSION → PROPOSITION / liste d'attente through
the same table, as the SYSTEM or STAFF actor. The mechanism is portal.workflows.
"""

from django.utils.translation import gettext_lazy as _

from families.enums import WAITING_STATUSES, Actor, DocumentStatus
from families.enums import ApplicationStatus as S
from families.models import Application, Document, DocumentStatusChange, StatusChange
from portal.workflows import Move, TransitionError, Workflow

__all__ = ["APPLICATION", "DOCUMENT", "TransitionError"]

FAMILY, STAFF, SYSTEM = Actor.FAMILY, Actor.STAFF, Actor.SYSTEM

APPLICATION = Workflow(
    model=Application,
    log_model=StatusChange,
    enum=S,
    noun=_("Une demande"),
    moves=[
        Move(S.BROUILLON, S.DEPOSEE, {FAMILY}),
        Move(S.DEPOSEE, S.INCOMPLETE, {STAFF}),
        Move(S.INCOMPLETE, S.DEPOSEE, {FAMILY, STAFF}),
        Move(S.DEPOSEE, S.COMPLETE, {STAFF}),
        Move(S.INCOMPLETE, S.COMPLETE, {STAFF}),
        # A change that matters after instruction sends the request back to the guichet.
        Move(S.COMPLETE, S.DEPOSEE, {FAMILY, STAFF}),
        Move(S.COMPLETE, S.EN_COMMISSION, {STAFF, SYSTEM}),
        Move(S.LISTE_ATTENTE, S.EN_COMMISSION, {STAFF, SYSTEM}),
        Move(S.EN_COMMISSION, S.PROPOSITION, {STAFF, SYSTEM}),
        Move(S.EN_COMMISSION, S.LISTE_ATTENTE, {STAFF, SYSTEM}),
        Move(S.EN_COMMISSION, S.COMPLETE, {STAFF, SYSTEM}),
        Move(S.LISTE_ATTENTE, S.PROPOSITION, {STAFF, SYSTEM}),
        # The guichet records an answer the family gives by phone or at the desk (commissions' offer services only).
        Move(S.PROPOSITION, S.ACCEPTEE, {FAMILY, STAFF}),
        # A passed response deadline counts as a refusal.
        Move(S.PROPOSITION, S.REFUSEE, {FAMILY, STAFF, SYSTEM}),
        Move(S.REFUSEE, S.LISTE_ATTENTE, {STAFF, SYSTEM}),
        Move(S.ACCEPTEE, S.ADMISE, {STAFF}),
        *(Move(status, S.ANNULEE, {FAMILY, STAFF}) for status in (S.BROUILLON, *WAITING_STATUSES, S.PROPOSITION)),
        *(Move(status, S.EXPIREE, {SYSTEM}) for status in WAITING_STATUSES),
        # A new period for the same child moves the same request, never a new row (one request per child).
        Move(S.EXPIREE, S.DEPOSEE, {FAMILY}),
    ],
)

# The table as {(from, to): actors}, for reading; APPLICATION is the one definition.
TRANSITIONS = {pair: set(move.actors) for pair, move in APPLICATION.moves.items()}
allowed_actors = APPLICATION.actors
check_transition = APPLICATION.check
targets = APPLICATION.targets

# While a request waits (or is still a draft) the family may change it and its pieces.
EDITABLE_STATUSES = frozenset({S.BROUILLON, S.DEPOSEE, S.INCOMPLETE, S.COMPLETE, S.LISTE_ATTENTE})
# Moves with their own action (and its checks) at the guichet: the generic form never offers them.
DEDICATED_TARGETS = frozenset({S.INCOMPLETE, S.COMPLETE})
# An answer to an offer goes through the offer's own form (commissions), which frees or keeps the place.
OFFER_TARGETS = frozenset({S.ACCEPTEE, S.REFUSEE})


def pieces_refusal(application):
    """Why the family may not add or withdraw a piece now, or None."""
    if application.status not in EDITABLE_STATUSES:
        return _("Cette demande ne reçoit plus de pièces.")
    return None


def generic_staff_targets(application):
    """The moves the guichet's generic form offers: the table's, less those with an action of their own."""
    return [status for status in targets(application.status, STAFF) if status not in DEDICATED_TARGETS | OFFER_TARGETS]


# What the family reads about each status, and what it can do next.
NEXT_STEPS = {
    S.BROUILLON: _("Complétez votre demande, joignez les pièces, puis déposez-la."),
    S.DEPOSEE: _("Le guichet vérifie votre demande et vos pièces."),
    S.INCOMPLETE: _("Il manque des pièces ou des informations : ajoutez-les, le guichet reprendra l'instruction."),
    S.COMPLETE: _("Votre demande est complète : elle sera examinée à la prochaine commission d'attribution."),
    S.EN_COMMISSION: _("La commission d'attribution examine votre demande."),
    S.PROPOSITION: _("Une place vous est proposée : répondez avant la date indiquée."),
    S.ACCEPTEE: _("Vous avez accepté la place : l'établissement vous contacte pour l'admission."),
    S.REFUSEE: _("Vous avez refusé la place proposée."),
    S.ADMISE: _("Votre enfant est admis."),
    S.LISTE_ATTENTE: _(
        "Votre demande reste sur la liste d'attente avec son ancienneté ; elle sera revue à la prochaine commission."
    ),
    S.ANNULEE: _("Cette demande est annulée."),
    S.EXPIREE: _(
        "Cette demande a expiré faute de renouvellement. Vous pouvez la reprendre : elle repart pour une nouvelle "
        "période, à la date d'aujourd'hui."
    ),
}


# --- Pieces --------------------------------------------------------------------------------------
# A piece is checked by the guichet; the family replaces a refused or unchecked piece (the old one
# becomes history) or withdraws one not checked yet. Only the current piece of each type counts.

D = DocumentStatus

DOCUMENT = Workflow(
    model=Document,
    log_model=DocumentStatusChange,
    enum=D,
    noun=_("Une pièce"),
    moves=[
        Move(D.PENDING, D.VALID, {STAFF}),
        Move(D.PENDING, D.REJECTED, {STAFF}),
        # The guichet may correct its own decision.
        Move(D.VALID, D.REJECTED, {STAFF}),
        Move(D.REJECTED, D.VALID, {STAFF}),
        Move(D.REJECTED, D.REPLACED, {FAMILY}),
        Move(D.PENDING, D.REPLACED, {FAMILY}),
        Move(D.PENDING, D.WITHDRAWN, {FAMILY}),
    ],
)

DOCUMENT_TRANSITIONS = {pair: set(move.actors) for pair, move in DOCUMENT.moves.items()}
check_document_transition = DOCUMENT.check
