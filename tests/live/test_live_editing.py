"""Live editing through a real WebSocket: people see each other's words as they type, the
words become revisions, and the revisions and the live document stay in step."""

from __future__ import annotations

import time

from sqlalchemy import select

from consult.drafting import services
from consult.extensions import db
from consult.live import documents, protocol
from consult.live.models import LiveDocument
from tests.drafting.conftest import revisions
from tests.drafting.pages_support import count_queries


def wait_until(condition, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.rollback()  # see what other threads committed
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


def test_what_one_editor_types_reaches_another_at_once(team, summary, connect):
    ada = connect(team.editor, summary)
    bea = connect(team.owner, summary)
    ada.edit(lambda body: body.insert(0, "Facial recognition needs a law."))
    assert bea.wait_for(lambda text: "needs a law" in text) == "Facial recognition needs a law."


def test_a_pause_writes_a_revision_by_the_person_who_typed(team, summary, connect):
    ada = connect(team.editor, summary)
    ada.edit(lambda body: body.insert(0, "Live words."))
    revision = wait_until(
        lambda: next((r for r in revisions(summary) if r.body == "Live words."), None)
    )
    assert revision.author_id == team.editor.id
    assert revision.kind == "edit"


def test_an_api_save_reaches_live_editors_and_keeps_their_words(team, summary, connect, app):
    ada = connect(team.editor, summary)
    ada.edit(lambda body: body.insert(0, "Typed live."))
    wait_until(lambda: any(r.body == "Typed live." for r in revisions(summary)))
    head = db.session.get(type(summary), summary.id).head_revision_id
    services.save_section(team.owner, summary, "Typed live.\n\nSaved by the API.", None, head)
    db.session.commit()
    try:
        seen = ada.wait_for(lambda text: "Saved by the API." in text)
    except TimeoutError as timeout:
        # Once in a CI run on PostgreSQL the save never reached the editor (not reproduced
        # since, in 50 runs under load): say where it stopped, should it happen again.
        raise AssertionError(where_it_stopped(app, summary)) from timeout
    assert seen == "Typed live.\n\nSaved by the API."


def where_it_stopped(app, section) -> str:
    """The room's text, the stored document's and the revisions', for a failure message."""
    room = app.extensions["live"].rooms.get(section.id)
    db.session.rollback()
    stored = db.session.get(LiveDocument, section.id)
    return (
        f"room: {room.text_and_choice() if room else None!r}; stored: "
        f"{documents.text_of(documents.new_doc(stored.state)) if stored else None!r}; "
        f"revisions: {[r.body for r in revisions(section)]!r}"
    )


def test_a_save_from_an_old_base_merges_with_live_words_not_yet_in_a_revision(
    team, summary, connect, app
):
    app.config["LIVE_PAUSE_SECONDS"] = 60  # no revision from the pause
    services.save_section(team.owner, summary, "Opening.\n\nClosing.", None, None)
    db.session.commit()
    base = summary.head_revision_id
    ada = connect(team.editor, summary)
    ada.edit(lambda body: body.insert(0, "First paragraph, typed live.\n\n"))
    # stored (not yet a revision) within LIVE_STORE_SECONDS
    wait_until(lambda: (doc := db.session.get(LiveDocument, summary.id)) and doc.state)
    time.sleep(0.3)
    outcome = services.save_section(
        team.owner, summary, "Opening.\n\nClosing.\n\nAdded from a form.", None, base
    )
    db.session.commit()
    assert outcome.conflict is None and outcome.merged
    live_revision = revisions(summary)[-2]  # the live words became a revision first
    assert live_revision.body == "First paragraph, typed live.\n\nOpening.\n\nClosing."
    assert live_revision.author_id == team.editor.id
    assert summary.head.body == (
        "First paragraph, typed live.\n\nOpening.\n\nClosing.\n\nAdded from a form."
    )
    assert ada.wait_for(lambda text: "Added from a form." in text) == summary.head.body


def test_a_freeze_holds_words_typed_live_a_moment_before(team, summary, response, connect, app):
    from consult.signing import services as signing
    from tests.drafting.conftest import membership_of

    app.config["LIVE_PAUSE_SECONDS"] = 60  # the freeze, not a pause, must write them
    ada = connect(team.editor, summary)
    ada.edit(lambda body: body.insert(0, "Frozen while typing."))
    wait_until(
        lambda: any(
            room.text_and_choice()[0] == "Frozen while typing."
            for room in app.extensions["live"].rooms.values()
        )
    )
    version = signing.freeze(membership_of(team.owner, team.organisation), response, "v1")
    db.session.commit()
    assert "Frozen while typing." in version.content
    assert summary.head.body == "Frozen while typing."
    assert summary.head.author_id == team.editor.id


def test_a_restore_is_sent_into_everyones_editor(team, summary, connect):
    first = services.save_section(team.owner, summary, "The first wording.", None, None)
    db.session.commit()
    ada = connect(team.editor, summary)
    ada.edit(lambda body: body.insert(len(body), " Then more, typed live."))
    wait_until(lambda: any("typed live" in r.body for r in revisions(summary)))
    services.restore_revision(team.owner, summary, first.revision)
    db.session.commit()
    assert ada.wait_for(lambda text: "typed live" not in text) == "The first wording."
    # The words the restore took away are still in the history.
    assert any("Then more, typed live." in r.body for r in revisions(summary))


def test_leaving_writes_the_revision_at_once_and_the_document_survives_a_restart(
    team, summary, connect, app
):
    app.config["LIVE_PAUSE_SECONDS"] = 60
    ada = connect(team.editor, summary)
    ada.edit(lambda body: body.insert(0, "Said, then gone."))
    ada.close()
    revision = wait_until(
        lambda: next((r for r in revisions(summary) if r.body == "Said, then gone."), None)
    )
    assert revision.author_id == team.editor.id
    wait_until(lambda: not app.extensions["live"].rooms)  # the room closed
    bea = connect(team.owner, summary)  # a new room, from the stored document
    assert bea.text() == "Said, then gone."


def test_people_connected_live_are_in_the_presence_list(team, summary, connect):
    from consult.drafting.models import Presence

    connect(team.editor, summary)
    connect(team.editor, summary)  # a second tab
    connect(team.member, summary)
    present = wait_until(
        lambda: (
            {
                (p.user_id, p.editing)
                for p in db.session.scalars(
                    select(Presence).where(Presence.section_id == summary.id)
                )
            }
            if db.session.scalar(select(Presence).where(Presence.user_id == team.member.id))
            else None
        )
    )
    assert present == {(team.editor.id, True), (team.member.id, False)}


def test_the_clock_notes_a_whole_room_present_in_one_statement(team, summary, connect, hub):
    """It noted each person with their own heartbeat (an upsert and a query of the others
    apiece): a room of 20 cost 40 statements every recheck."""
    for person in (team.editor, team.owner, team.coordinator, team.member):
        connect(person, summary)

    with count_queries() as statements:
        hub.work(everyone=True)

    noted = [s for s in statements if "presence" in s.lower()]
    assert len(noted) == 1, noted


def test_a_revoked_token_ends_the_live_connection(team, summary, connect):
    from consult.accounts.models import ApiToken
    from consult.timeutil import utcnow

    ada = connect(team.editor, summary)
    for token in db.session.scalars(select(ApiToken).where(ApiToken.user_id == team.editor.id)):
        token.revoked_at = utcnow()
    db.session.commit()
    ada.wait_for(lambda text: ada.close_code is not None, timeout=10)
    assert ada.close_code == 4401


def test_a_member_removed_is_disconnected_at_once(team, summary, connect, app):
    from consult.organisations import services as organisations
    from tests.drafting.conftest import membership_of

    app.config["LIVE_RECHECK_SECONDS"] = 60  # the removal itself, not the periodic check
    eddie = connect(team.editor, summary)
    time.sleep(0.5)  # past the clock's first check (at its start)
    organisations.remove_member(
        membership_of(team.owner, team.organisation),
        membership_of(team.editor, team.organisation),
    )
    db.session.commit()
    eddie.wait_for(lambda text: eddie.close_code is not None, timeout=5)
    assert eddie.close_code == 4404


def test_the_dashboard_says_who_is_in_which_section(team, response, summary, connect, login_as):
    connect(team.editor, summary)
    wait_until(lambda: services.present_in_response(response.id, team.owner))

    page = login_as(team.owner).get(f"/responses/{response.id}").get_data(as_text=True)
    api = login_as(team.owner).get(f"/api/v1/responses/{response.id}/presence").get_json()

    assert "Here now" in page and "Eddie Editor" in page
    assert api["people"] == [
        {
            "section_id": summary.id,
            "section_title": summary.title,
            "name": "Eddie Editor",
            "editing": True,
        }
    ]


def test_a_scripts_cursor_reaches_the_others_under_its_own_name(team, summary, connect):
    """pycrdt (like every yrs-based client) picks 53-bit client ids; Yjs in a browser
    picks 32-bit ones. Both are client ids."""
    ada = connect(team.editor, summary)
    bea = connect(team.owner, summary)
    assert ada.doc.client_id > 2**32
    ada.set_cursor({"cursor": {"anchor": 0, "head": 0}, "user": {"name": "Someone else"}})
    ada.edit(lambda body: body.insert(0, "After the cursor."))
    bea.wait_for(lambda text: text == "After the cursor.")  # the cursor came first
    assert bea.awareness[ada.doc.client_id]["cursor"] == {"anchor": 0, "head": 0}
    assert bea.awareness[ada.doc.client_id]["user"]["name"] == "Eddie Editor"


def test_each_cursor_move_a_script_sends_is_newer_than_the_last(team, summary, connect):
    """Browsers (y-protocols) take a cursor only with a clock above the last one seen: a
    clock read from the wall clock repeats within a millisecond and falls back every 2**31
    milliseconds, and the moves it labels are dropped."""
    ada = connect(team.editor, summary)
    sent: list[bytes] = []
    ada._send = sent.append
    for place in range(3):
        ada.set_cursor({"cursor": place})
    clocks = [protocol.parse(message)[0].clock for message in sent]
    assert clocks == sorted(set(clocks)) and len(clocks) == 3


def test_a_save_nobody_edits_live_asks_for_the_live_document_once(team, summary):
    """The drafting benchmark found each save asking twice (catching up live words, then
    sending the new head into the live document) when no one had the section open live."""
    services.save_section(team.owner, summary, "First.", None, None)
    db.session.commit()
    head = db.session.get(type(summary), summary.id).head_revision_id

    with count_queries() as statements:
        services.save_section(team.owner, summary, "First.\n\nSecond.", None, head)
        db.session.commit()

    asked = [s for s in statements if "live_documents" in s]
    assert len(asked) == 1, asked
    assert revisions(summary)[-1].body == "First.\n\nSecond."


def test_a_live_document_opened_after_a_save_still_gets_the_next_saves_head(team, summary, connect):
    services.save_section(team.owner, summary, "Before anyone was live.", None, None)
    db.session.commit()
    ada = connect(team.editor, summary)
    assert ada.wait_for(lambda text: "Before" in text) == "Before anyone was live."
    head = db.session.get(type(summary), summary.id).head_revision_id

    services.save_section(team.owner, summary, "Saved while Ada is live.", None, head)
    db.session.commit()

    assert ada.wait_for(lambda text: "while Ada" in text) == "Saved while Ada is live."


def test_two_people_joining_as_the_clock_closes_the_room_end_in_the_same_room(
    team, summary, connect, hub, monkeypatch
):
    """The first join opened a room; the clock closed it (empty) and a second join opened a
    new one before the first got back the hub's lock: the first then joined the closed room,
    where nobody else's words ever reached it."""
    ask_for = hub.relay.ask_for
    opened: list = []

    def the_clock_closes_it_and_another_join_opens_a_new_one(section_id, state_vector):
        ask_for(section_id, state_vector)
        if not opened:
            opened.append(hub.rooms.pop(section_id))
            hub.rooms[section_id] = type(opened[0])(
                section_id, opened[0].organisation_id, opened[0].doc.get_update()
            )

    monkeypatch.setattr(hub.relay, "ask_for", the_clock_closes_it_and_another_join_opens_a_new_one)
    ada = connect(team.editor, summary)
    bea = connect(team.owner, summary)

    ada.edit(lambda body: body.insert(0, "Both in one room."))
    assert bea.wait_for(lambda text: "one room" in text) == "Both in one room."
    assert opened[0].is_empty()
