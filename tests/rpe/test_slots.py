"""Free slots (rpe.slots) against a naive reference written independently, and their properties."""

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from rpe.slots import PARIS, Busy, Calendar, Motif, Opening, Slot, distinct_by_place, free_slots

MONDAY = datetime.date(2026, 3, 2)
NOW = datetime.datetime(2026, 3, 1, 12, tzinfo=PARIS)
WINDOW_START = datetime.datetime(2026, 3, 2, tzinfo=PARIS)
WINDOW_END = datetime.datetime(2026, 4, 13, tzinfo=PARIS)
MINUTE = datetime.timedelta(minutes=1)


def naive_free_slots(*, openings, motif, calendar, window_start, window_end, now):
    """Day by day, minute by minute: the plage's days by counting weeks, overlaps by brute force."""
    slots = []
    day = window_start.astimezone(PARIS).date() - datetime.timedelta(days=1)
    while day <= window_end.astimezone(PARIS).date():
        for opening in openings:
            if opening.motifs and motif.id not in opening.motifs:
                continue
            if opening.every_weeks == 0:
                happens = day == opening.first_day
            else:
                weeks_since, remainder = divmod((day - opening.first_day).days, 7)
                happens = (
                    day >= opening.first_day
                    and remainder == 0
                    and weeks_since % opening.every_weeks == 0
                    and (opening.until is None or day <= opening.until)
                )
            if not happens or day in calendar.closed_days:
                continue
            if opening.school_term_only and day in calendar.school_holidays:
                continue
            opens = datetime.datetime(
                day.year, day.month, day.day, opening.start.hour, opening.start.minute, tzinfo=PARIS
            )
            closes = datetime.datetime(
                day.year, day.month, day.day, opening.end.hour, opening.end.minute, tzinfo=PARIS
            )
            start = opens
            while start + motif.duration <= closes:
                end = start + motif.duration
                blocked_until = end + motif.buffer
                in_delays = start >= now + motif.min_delay and (
                    motif.max_delay is None or start <= now + motif.max_delay
                )
                clash = any(
                    busy.animatrice == opening.animatrice and busy.start < blocked_until and start < busy.end
                    for busy in calendar.busy
                )
                if window_start <= start < window_end and in_delays and not clash:
                    slots.append(Slot(start, end, opening.place, opening.animatrice))
                start = end
        day += datetime.timedelta(days=1)
    return sorted(slots)


times = st.integers(min_value=7 * 4, max_value=19 * 4).map(
    lambda quarter: datetime.time(quarter // 4, quarter % 4 * 15)
)


@st.composite
def openings(draw):
    start = draw(times)
    length = draw(st.integers(min_value=1, max_value=16)) * 15
    end_minutes = min(start.hour * 60 + start.minute + length, 20 * 60)
    return Opening(
        animatrice=draw(st.integers(1, 3)),
        place=draw(st.integers(1, 2)),
        first_day=MONDAY + datetime.timedelta(days=draw(st.integers(0, 20))),
        start=start,
        end=datetime.time(end_minutes // 60, end_minutes % 60),
        every_weeks=draw(st.sampled_from([0, 1, 2])),
        until=draw(st.none() | st.integers(0, 45).map(lambda days: MONDAY + datetime.timedelta(days=days))),
        motifs=draw(st.sampled_from([frozenset(), frozenset({1}), frozenset({2})])),
        school_term_only=draw(st.booleans()),
    )


@st.composite
def busy_intervals(draw):
    start = datetime.datetime.combine(
        MONDAY + datetime.timedelta(days=draw(st.integers(0, 40))), draw(times), tzinfo=PARIS
    )
    return Busy(draw(st.integers(1, 3)), start, start + draw(st.integers(1, 48)) * 5 * MINUTE)


days = st.integers(0, 42).map(lambda offset: MONDAY + datetime.timedelta(days=offset))

motifs = st.builds(
    Motif,
    duration=st.sampled_from([15, 20, 30, 45, 60]).map(lambda minutes: minutes * MINUTE),
    buffer=st.sampled_from([0, 5, 15]).map(lambda minutes: minutes * MINUTE),
    min_delay=st.sampled_from([0, 24, 72]).map(lambda hours: datetime.timedelta(hours=hours)),
    max_delay=st.none() | st.sampled_from([7, 20]).map(lambda days: datetime.timedelta(days=days)),
    id=st.sampled_from([1, 2]),
)

calendars = st.builds(
    Calendar,
    busy=st.lists(busy_intervals(), max_size=30),
    closed_days=st.frozensets(days, max_size=5),
    school_holidays=st.frozensets(days, max_size=10),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(openings(), max_size=6), motifs, calendars)
def test_free_slots_equal_the_naive_reference(openings, motif, calendar):
    arguments = {
        "openings": openings,
        "motif": motif,
        "calendar": calendar,
        "window_start": WINDOW_START,
        "window_end": WINDOW_END,
        "now": NOW,
    }
    assert free_slots(**arguments) == naive_free_slots(**arguments)


@settings(max_examples=200, deadline=None)
@given(st.lists(openings(), min_size=1, max_size=6), motifs, calendars)
def test_no_slot_overlaps_anything_and_every_slot_can_be_booked(openings, motif, calendar):
    slots = free_slots(
        openings=openings, motif=motif, calendar=calendar, window_start=WINDOW_START, window_end=WINDOW_END, now=NOW
    )
    for slot in slots:
        day = slot.start.astimezone(PARIS).date()
        assert day not in calendar.closed_days
        assert slot.start >= NOW + motif.min_delay
        for busy in calendar.busy:
            if busy.animatrice == slot.animatrice:
                assert not (busy.start < slot.end + motif.buffer and slot.start < busy.end)
    # Book the slots one by one, each becoming busy: the first booking of a slot never meets a conflict,
    # and a slot that overlaps one already booked disappears from the next search.
    booked = []
    for slot in slots:
        conflict = any(
            other.animatrice == slot.animatrice and other.start < slot.end + motif.buffer and slot.start < other.end
            for other in booked
        )
        if not conflict:
            booked.append(Busy(slot.animatrice, slot.start, slot.end + motif.buffer))
    after = free_slots(
        openings=openings,
        motif=motif,
        calendar=Calendar(
            busy=calendar.busy + booked, closed_days=calendar.closed_days, school_holidays=calendar.school_holidays
        ),
        window_start=WINDOW_START,
        window_end=WINDOW_END,
        now=NOW,
    )
    assert not {(busy.animatrice, busy.start) for busy in booked} & {(slot.animatrice, slot.start) for slot in after}


def test_every_other_week_skips_a_week_and_holidays_close_the_day():
    opening = Opening(
        animatrice=1, place=1, first_day=MONDAY, start=datetime.time(9), end=datetime.time(10), every_weeks=2
    )
    motif = Motif(duration=30 * MINUTE)
    slots = free_slots(
        openings=[opening],
        motif=motif,
        calendar=Calendar(closed_days=frozenset({MONDAY + datetime.timedelta(days=14)})),
        window_start=WINDOW_START,
        window_end=datetime.datetime(2026, 3, 31, tzinfo=PARIS),
        now=NOW,
    )
    assert sorted({slot.start.date() for slot in slots}) == [MONDAY, MONDAY + datetime.timedelta(days=28)]
    assert [slot.start.time() for slot in slots[:2]] == [datetime.time(9), datetime.time(9, 30)]


def test_a_buffer_keeps_the_next_slot_away_from_an_appointment():
    opening = Opening(
        animatrice=1, place=1, first_day=MONDAY, start=datetime.time(9), end=datetime.time(11), every_weeks=0
    )
    booked = Busy(
        1, datetime.datetime(2026, 3, 2, 9, tzinfo=PARIS), datetime.datetime(2026, 3, 2, 9, 45, tzinfo=PARIS)
    )
    slots = free_slots(
        openings=[opening],
        motif=Motif(duration=30 * MINUTE, buffer=15 * MINUTE),
        calendar=Calendar(busy=[booked]),
        window_start=WINDOW_START,
        window_end=WINDOW_END,
        now=NOW,
    )
    assert [slot.start.strftime("%H:%M") for slot in slots] == ["10:00", "10:30"]


def test_summer_time_keeps_wall_clock_hours():
    opening = Opening(animatrice=1, place=1, first_day=MONDAY, start=datetime.time(9), end=datetime.time(9, 30))
    slots = free_slots(
        openings=[opening],
        motif=Motif(duration=30 * MINUTE),
        calendar=Calendar(),
        window_start=WINDOW_START,
        window_end=WINDOW_END,
        now=NOW,
    )
    assert {slot.start.astimezone(PARIS).hour for slot in slots} == {9}
    assert {slot.start.utcoffset() for slot in slots} == {datetime.timedelta(hours=1), datetime.timedelta(hours=2)}


def test_families_see_one_slot_per_time_and_place():
    slots = [
        Slot(WINDOW_START, WINDOW_START + 30 * MINUTE, 1, 1),
        Slot(WINDOW_START, WINDOW_START + 30 * MINUTE, 1, 2),
        Slot(WINDOW_START, WINDOW_START + 30 * MINUTE, 2, 3),
    ]
    assert [(slot.place, slot.animatrice) for slot in distinct_by_place(slots)] == [(1, 1), (2, 3)]
