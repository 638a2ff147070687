"""Quiet hours: pure functions, no ORM."""


def in_quiet_hours(moment, start, end):
    """Whether the local time `moment` falls in [start, end); a window may run past midnight (22:00 → 07:00)."""
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end
