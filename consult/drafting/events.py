"""Moments in drafting that another domain acts on, without drafting knowing it: live
co-editing (consult/live) keeps each section's shared document in step with its revisions.

- section_locked(section): a write holds the section's row lock and is about to compare with
  the head; live words not yet in a revision become one first, so a save merges with them
  (or clashes, both texts kept) instead of overwriting them.
- head_moved(section, revision=): a new head (a save, a merge, a restore, an accepted
  suggestion); live editors are sent the change.
- response_freezing(response): a version is about to be frozen; live words go into revisions
  first, so the version holds what people see.

And moments that tell people something (consult/notifications), each sent with `actor=` the
person who acted:

- comment_added(comment, picked=): a comment or a reply was written; `picked` are the ids of
  the members the writer chose from the @mention list (which of two of one name is meant).
- suggestion_made(suggestion, picked=): a suggested edit waits for a decision (`picked` as
  above, for its note).
- suggestion_decided(suggestion): it was accepted or rejected (its status says which).
- section_assigned(section, assignee=): the section was given to someone.
- clash_settled(clash, outcome=): a clash (a `conflict` revision) was resolved, dismissed or
  replaced by a newer one; a reminder that it waits is no longer wanted."""

from blinker import Namespace

_signals = Namespace()
section_locked = _signals.signal("section-locked")
head_moved = _signals.signal("head-moved")
response_freezing = _signals.signal("response-freezing")
comment_added = _signals.signal("comment-added")
suggestion_made = _signals.signal("suggestion-made")
suggestion_decided = _signals.signal("suggestion-decided")
section_assigned = _signals.signal("section-assigned")
clash_settled = _signals.signal("clash-settled")
