"""Moments in an organisation that another domain acts on: live co-editing (consult/live)
checks again, at once, the rights of everyone connected to the organisation's sections.

- membership_changed(organisation_id): a member was removed, left, or changed role."""

from blinker import Namespace

_signals = Namespace()
membership_changed = _signals.signal("membership-changed")
