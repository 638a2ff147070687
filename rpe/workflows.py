"""The activity of an assistant maternel: in activity, suspended (by her or her relais), archived (absent from
the département's list). Suspended and archived AM are not listed and get no reminders. The mechanism is
portal.workflows; rpe.services and rpe.imports are the only callers.
"""

from django.utils.translation import gettext_lazy as _

from portal.workflows import Actor, Move, Workflow
from rpe.enums import ActivityStatus
from rpe.models import ActivityLog, AssistantMaternel

AM, STAFF, SYSTEM = Actor.AM, Actor.STAFF, Actor.SYSTEM
A = ActivityStatus

ACTIVITY = Workflow(
    model=AssistantMaternel,
    log_model=ActivityLog,
    enum=ActivityStatus,
    field="activity_status",
    noun=_("Une activité d'assistant·e maternel·le"),
    moves=[
        Move(A.ACTIVE, A.SUSPENDED, {AM, STAFF}),
        Move(A.SUSPENDED, A.ACTIVE, {AM, STAFF}),
        # The département's list decides (the import); the relais may record it before the next list.
        Move(A.ACTIVE, A.ARCHIVED, {STAFF, SYSTEM}),
        Move(A.SUSPENDED, A.ARCHIVED, {STAFF, SYSTEM}),
        Move(A.ARCHIVED, A.ACTIVE, {STAFF, SYSTEM}),
    ],
)
