"""Which customers are due for a visit (待回访), and how late.

A customer's due date is the revisit date stored with its latest visit; a
customer never visited is due from the day it was added. "Latest" is by visit
date, then start time (a visit without one counts as the day's first), then
the time it was logged: a later visit always replaces an earlier schedule.
"""

from datetime import date


def due_date(latest_next_visit: date | None, added_on: date) -> date:
    return latest_next_visit if latest_next_visit is not None else added_on


def days_overdue(due: date, today: date) -> int:
    """Positive when late, 0 on the day, negative when due ahead of today."""
    return (today - due).days


def is_due(due: date, today: date, ahead: int = 0) -> bool:
    return (due - today).days <= ahead
