"""Statuses of a registration to an atelier: who may move it where (portal.workflows)."""

from django.utils.translation import gettext_lazy as _

from portal.enums import Actor
from portal.workflows import Move, Workflow
from rpe.ateliers.enums import RegistrationStatus as S
from rpe.models.ateliers import Registration, RegistrationLog

PERSON = {Actor.AM, Actor.FAMILY, Actor.STAFF}

REGISTRATION = Workflow(
    model=Registration,
    log_model=RegistrationLog,
    enum=S,
    noun=_("Une inscription"),
    moves=[
        Move(S.REGISTERED, S.CANCELLED, actors=PERSON),
        Move(S.WAITING, S.CANCELLED, actors=PERSON),
        # A seat freed: the head of the waiting list takes it (services.waiting_list_promote).
        Move(S.WAITING, S.REGISTERED, actors={Actor.SYSTEM, Actor.STAFF}),
        # Attendance, and its correction.
        Move(S.REGISTERED, S.ATTENDED, actors={Actor.STAFF}),
        Move(S.REGISTERED, S.ABSENT, actors={Actor.STAFF}),
        Move(S.ATTENDED, S.ABSENT, actors={Actor.STAFF}),
        Move(S.ABSENT, S.ATTENDED, actors={Actor.STAFF}),
    ],
)
