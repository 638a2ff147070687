"""The relais's board of the availability campaign: who declared, who did not, per commune, vs last time."""

from dataclasses import dataclass, field

from django.db.models import Q

from rpe.campaigns import campaign_window, next_deadline, previous_deadline
from rpe.enums import ActivityStatus
from rpe.models import AssistantMaternel, AvailabilityChange


def expected_to_declare(relais, deadline):
    """AM who had to declare for that deadline: on the list before it, not archived before it, not suspended."""
    return (
        AssistantMaternel.objects.filter(relais__in=relais)
        .exclude(activity_status=ActivityStatus.SUSPENDED)
        .filter(Q(arrived_on__isnull=True) | Q(arrived_on__lt=deadline))
        .filter(Q(archived_on__isnull=True) | Q(archived_on__gte=deadline))
    )


def declared_ids(ams, deadline):
    start, end = campaign_window(deadline)
    return set(
        AvailabilityChange.objects.filter(am__in=ams, created_at__date__gte=start, created_at__date__lt=end)
        .values_list("am_id", flat=True)
        .distinct()
    )


def rate(declared, total):
    return round(100 * declared / total) if total else None


@dataclass
class CommuneLine:
    code_insee: str
    name: str
    total: int = 0
    declared: int = 0

    @property
    def rate(self):
        return rate(self.declared, self.total)


@dataclass
class Board:
    deadline: object
    start: object
    total: int
    declared: int
    previous_rate: int | None
    communes: list = field(default_factory=list)
    missing: list = field(default_factory=list)  # AM who have not declared, with their phone to call

    @property
    def rate(self):
        return rate(self.declared, self.total)

    @property
    def change(self):
        return None if self.rate is None or self.previous_rate is None else self.rate - self.previous_rate


def campaign_board(relais, deadline, commune_name):
    ams = list(expected_to_declare(relais, deadline).order_by("code_insee", "last_name", "first_name"))
    declared = declared_ids([am.pk for am in ams], deadline)
    communes = {}
    for am in ams:
        line = communes.setdefault(am.code_insee, CommuneLine(am.code_insee, commune_name(am.code_insee)))
        line.total += 1
        line.declared += am.pk in declared
    previous = previous_deadline(deadline)
    before = expected_to_declare(relais, previous)
    previous_total = before.count()
    previous_rate = rate(len(declared_ids(before, previous)), previous_total)
    return Board(
        deadline=deadline,
        start=campaign_window(deadline)[0],
        total=len(ams),
        declared=len(declared),
        previous_rate=previous_rate,
        communes=sorted(communes.values(), key=lambda line: line.name),
        missing=[am for am in ams if am.pk not in declared],
    )


def deadline_choices(today, count=4):
    """The current campaign's deadline and the previous ones, latest first."""
    deadlines = [next_deadline(today)]
    while len(deadlines) < count:
        deadlines.append(previous_deadline(deadlines[-1]))
    return deadlines
