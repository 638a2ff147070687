"""The one status workflow of a demande d'accueil: every allowed transition and who may make it.

Commission sessions (app `commissions`) drive EN_COMMISSION → PROPOSITION / liste d'attente through
the same table, as the SYSTEM or STAFF actor.
"""

from django.utils.translation import gettext_lazy as _

from families.enums import WAITING_STATUSES, Actor, DocumentStatus
from families.enums import ApplicationStatus as S

FAMILY, STAFF, SYSTEM = Actor.FAMILY, Actor.STAFF, Actor.SYSTEM

TRANSITIONS = {
    (S.BROUILLON, S.DEPOSEE): {FAMILY},
    (S.DEPOSEE, S.INCOMPLETE): {STAFF},
    (S.INCOMPLETE, S.DEPOSEE): {FAMILY, STAFF},
    (S.DEPOSEE, S.COMPLETE): {STAFF},
    (S.INCOMPLETE, S.COMPLETE): {STAFF},
    # A change that matters after instruction sends the request back to the guichet.
    (S.COMPLETE, S.DEPOSEE): {FAMILY, STAFF},
    (S.COMPLETE, S.EN_COMMISSION): {STAFF, SYSTEM},
    (S.LISTE_ATTENTE, S.EN_COMMISSION): {STAFF, SYSTEM},
    (S.EN_COMMISSION, S.PROPOSITION): {STAFF, SYSTEM},
    (S.EN_COMMISSION, S.LISTE_ATTENTE): {STAFF, SYSTEM},
    (S.EN_COMMISSION, S.COMPLETE): {STAFF, SYSTEM},
    (S.LISTE_ATTENTE, S.PROPOSITION): {STAFF, SYSTEM},
    # The guichet records an answer the family gives by phone or at the desk (commissions' offer services only).
    (S.PROPOSITION, S.ACCEPTEE): {FAMILY, STAFF},
    # A passed response deadline counts as a refusal.
    (S.PROPOSITION, S.REFUSEE): {FAMILY, STAFF, SYSTEM},
    (S.REFUSEE, S.LISTE_ATTENTE): {STAFF, SYSTEM},
    (S.ACCEPTEE, S.ADMISE): {STAFF},
    **{(status, S.ANNULEE): {FAMILY, STAFF} for status in (S.BROUILLON, *WAITING_STATUSES, S.PROPOSITION)},
    **{(status, S.EXPIREE): {SYSTEM} for status in WAITING_STATUSES},
    # A new period for the same child moves the same request, never a new row (one request per child).
    (S.EXPIREE, S.DEPOSEE): {FAMILY},
}

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


class TransitionError(Exception):
    """A transition the table does not allow, for that actor."""


def allowed_actors(from_status, to_status):
    return TRANSITIONS.get((from_status, to_status), set())


def check_transition(from_status, to_status, actor):
    if (from_status, to_status) not in TRANSITIONS:
        raise TransitionError(
            _("Une demande « %(from)s » ne peut pas passer à « %(to)s ».")
            % {"from": S(from_status).label, "to": S(to_status).label}
        )
    if actor not in TRANSITIONS[(from_status, to_status)]:
        raise TransitionError(
            _("Ce passage de « %(from)s » à « %(to)s » n'est pas permis (%(actor)s).")
            % {"from": S(from_status).label, "to": S(to_status).label, "actor": Actor(actor).label}
        )


def targets(from_status, actor):
    """The statuses `actor` may move a request in `from_status` to."""
    return [to for (frm, to), actors in TRANSITIONS.items() if frm == from_status and actor in actors]


# --- Pieces --------------------------------------------------------------------------------------
# A piece is checked by the guichet; the family replaces a refused or unchecked piece (the old one
# becomes history) or withdraws one not checked yet. Only the current piece of each type counts.

D = DocumentStatus

DOCUMENT_TRANSITIONS = {
    (D.PENDING, D.VALID): {STAFF},
    (D.PENDING, D.REJECTED): {STAFF},
    # The guichet may correct its own decision.
    (D.VALID, D.REJECTED): {STAFF},
    (D.REJECTED, D.VALID): {STAFF},
    (D.REJECTED, D.REPLACED): {FAMILY},
    (D.PENDING, D.REPLACED): {FAMILY},
    (D.PENDING, D.WITHDRAWN): {FAMILY},
}


def check_document_transition(from_status, to_status, actor):
    if actor not in DOCUMENT_TRANSITIONS.get((from_status, to_status), set()):
        raise TransitionError(
            _("Une pièce « %(from)s » ne peut pas devenir « %(to)s » par %(actor)s.")
            % {"from": D(from_status).label, "to": D(to_status).label, "actor": Actor(actor).label}
        )
