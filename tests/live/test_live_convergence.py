"""No lost word, as properties."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from consult.live import documents

WRITING = st.text(alphabet=st.sampled_from("ab \n“”é—ŵ📷العدل") | st.characters(), max_size=30)


@settings(max_examples=200, deadline=None)
@given(old=WRITING, new=WRITING)
@example(old="Café au lait", new="Café au lait!")  # was "Café au lai!t"
@example(old="“Quoted” words here", new="“Quoted” words there")  # was "wotrds here"
def test_an_edit_made_outside_lands_exactly_where_it_was_made(old, new):
    """An API save, a restore or an accepted suggestion reaches the live document as the
    smallest change (documents.set_content): the text becomes exactly the saved one, for
    the room and for every editor who applies the update."""
    stored = documents.initial_state(old, None)
    doc = documents.new_doc(stored)
    update = documents.set_content(doc, new, None)
    assert documents.text_of(doc) == new
    editor = documents.new_doc(stored)
    if update:  # nothing to send when nothing changed
        editor.apply_update(update)
    assert documents.text_of(editor) == new
