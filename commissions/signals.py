"""What the commissions tell other apps, without importing them (the arrows run from the apps to commissions)."""

from django.dispatch import Signal

# Sent in session_validate's transaction with `session` and `unplaced` (the applications left without a place).
session_validated = Signal()
