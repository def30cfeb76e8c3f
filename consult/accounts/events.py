"""Moments on an account that another domain acts on without accounts knowing it.

- two_factor_disabled(user): two-factor authentication was turned off (consult/notifications
  tells the person at once, in case it was not them)."""

from blinker import Namespace

_signals = Namespace()
two_factor_disabled = _signals.signal("two-factor-disabled")
