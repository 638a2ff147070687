"""The legal rhythm of availability: AM declare before 1 June and before 1 December (pure dates, no ORM).

A campaign is named by its deadline; it runs from the previous deadline (included) to its own
(excluded). Reminders leave 30 and 7 days before the deadline.
"""

import datetime

DEADLINES = ((6, 1), (12, 1))  # (month, day)
REMINDER_STEPS = (30, 7)  # days before the deadline, earliest first


def deadlines_around(day):
    years = (day.year - 1, day.year, day.year + 1)
    return sorted(datetime.date(year, month, dom) for year in years for month, dom in DEADLINES)


def next_deadline(day):
    """The first deadline after `day` (1 June is already past on 1 June: the next is 1 December)."""
    return next(deadline for deadline in deadlines_around(day) if deadline > day)


def previous_deadline(deadline):
    """The deadline before this one: where its campaign starts."""
    return max(candidate for candidate in deadlines_around(deadline) if candidate < deadline)


def campaign_window(deadline):
    return previous_deadline(deadline), deadline


def current_step(day):
    """(deadline, days before it) of the reminder due on `day`, or None outside reminder periods.

    J-30 covers the days from 30 to 8 days before (a missed day is caught up the next), J-7 the last week.
    """
    deadline = next_deadline(day)
    left = (deadline - day).days
    due = [step for step in REMINDER_STEPS if left <= step]
    return (deadline, min(due)) if due else None
