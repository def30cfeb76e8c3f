"""Moments in signing that another domain acts on without signing knowing it.

- signing_opened(version, actor=): signing opened on a version for the first time
  (consult/notifications tells the organisation's members)."""

from blinker import Namespace

_signals = Namespace()
signing_opened = _signals.signal("signing-opened")
