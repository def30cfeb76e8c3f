"""Moments in drafting that another domain acts on, without drafting knowing it: live
co-editing (consult/live) keeps each section's shared document in step with its revisions.

- section_locked(section): a write holds the section's row lock and is about to compare with
  the head; live words not yet in a revision become one first, so a save merges with them
  (or clashes, both texts kept) instead of overwriting them.
- head_moved(section, revision=): a new head (a save, a merge, a restore, an accepted
  suggestion); live editors are sent the change.
- response_freezing(response): a version is about to be frozen; live words go into revisions
  first, so the version holds what people see."""

from blinker import Namespace

_signals = Namespace()
section_locked = _signals.signal("section-locked")
head_moved = _signals.signal("head-moved")
response_freezing = _signals.signal("response-freezing")
