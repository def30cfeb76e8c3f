"""Moments in an organisation that another domain acts on: live co-editing (consult/live)
checks again, at once, the rights of everyone connected to the organisation's sections.

- membership_changed(organisation_id): a member was removed, left, or changed role.
- invitation_accepted(invitation, actor=): the invitee joined (consult/notifications tells
  whoever invited them)."""

from blinker import Namespace

_signals = Namespace()
membership_changed = _signals.signal("membership-changed")
invitation_accepted = _signals.signal("invitation-accepted")
