"""Moments on an account that another domain acts on without accounts knowing it. Each is a
security change: consult/notifications tells the person at once (in the app and by e-mail,
which they cannot turn off), in case it was not them.

- two_factor_disabled(user): two-factor authentication was turned off.
- password_changed(user, reset=, tokens_revoked=): the password was changed on the account
  page (`reset` False) or set anew through an e-mailed reset link (`reset` True).
- email_changed(user, old_email=): the account's address was changed (`user.email` is the new
  one); the old address is told too, since whoever took an account over would change it."""

from blinker import Namespace

_signals = Namespace()
two_factor_disabled = _signals.signal("two-factor-disabled")
password_changed = _signals.signal("password-changed")
email_changed = _signals.signal("email-changed")
