"""The drafting journey through the API alone: start a response, two editors save the same
section from one base (merge), then clash (conflict, nothing lost), one resolves; the history
tells the story. And the same with real concurrency: many writers at once, every word kept."""

from __future__ import annotations

import threading

import pytest

from tests.api.drafting_support import BUILTIN, revision
from tests.api.helpers import assert_documented, assert_error

PARAGRAPHS = [
    "We welcome a single legal framework.",
    "Live facial recognition needs the strictest safeguards.",
    "Oversight must be independent and properly funded.",
]


def _section_state(api, headers, response_id: int, section_id: int) -> dict:
    body = api.get(f"/api/v1/responses/{response_id}", headers=headers).get_json()
    (found,) = [s for s in body["sections"] if s["id"] == section_id]
    return found


def test_two_editors_merge_then_clash_then_resolve(client_factory, team, bearer):
    rosa, eddie, cora, mo = (
        bearer("owner"),
        bearer("editor"),
        bearer("coordinator"),
        bearer("member"),
    )
    api = client_factory()

    # Rosa starts the response.
    created = api.post(
        "/api/v1/organisations/northtown-residents/responses",
        json={"consultation": BUILTIN, "title": "Northtown on facial recognition"},
        headers=rosa,
    )
    assert created.status_code == 201
    response_id = created.get_json()["id"]
    summary_id = created.get_json()["sections"][0]["id"]
    section_url = f"/api/v1/responses/{response_id}/sections/{summary_id}"

    # Eddie writes the first draft.
    first = api.put(
        section_url, json={"body": "\n\n".join(PARAGRAPHS), "base_revision": None}, headers=eddie
    )
    assert first.status_code == 200
    base = first.get_json()["head_revision"]

    # Eddie and Cora both open the section (the same head) ...
    assert _section_state(api, eddie, response_id, summary_id)["head_revision"] == base
    assert _section_state(api, cora, response_id, summary_id)["head_revision"] == base

    # ... Eddie sharpens the first paragraph, Cora the third, from the same base: merged.
    eddies = [PARAGRAPHS[0].replace("welcome", "strongly welcome"), *PARAGRAPHS[1:]]
    saved = api.put(
        section_url, json={"body": "\n\n".join(eddies), "base_revision": base}, headers=eddie
    )
    coras = [*PARAGRAPHS[:2], PARAGRAPHS[2] + " It must publish its findings."]
    merged = api.put(
        section_url, json={"body": "\n\n".join(coras), "base_revision": base}, headers=cora
    )
    assert saved.status_code == 200 and saved.get_json()["merged"] is False
    assert merged.status_code == 200
    assert_documented(merged, "/api/v1/responses/{response_id}/sections/{section_id}", "put")
    assert merged.get_json()["merged"] is True
    both = [eddies[0], PARAGRAPHS[1], coras[2]]
    assert merged.get_json()["body"] == "\n\n".join(both)

    # Eddie has not reloaded: his editor still holds his own save as its base. He rewrites the
    # third paragraph, which Cora changed too: a conflict, and his text is kept.
    eddies_third = [*eddies[:2], "Oversight must have teeth."]
    clash = api.put(
        section_url,
        json={
            "body": "\n\n".join(eddies_third),
            "base_revision": saved.get_json()["head_revision"],
        },
        headers=eddie,
    )
    assert_error(clash, 409, "edit_conflict")
    conflict = clash.get_json()["conflict"]
    assert conflict["theirs"] == "\n\n".join(both)
    assert conflict["yours"] == "\n\n".join(eddies_third)
    assert conflict["their_revision"] == merged.get_json()["head_revision"]
    assert _section_state(api, mo, response_id, summary_id)["body"] == "\n\n".join(both)

    # Eddie resolves on the conflict screen (or here): his base is now their revision.
    resolution = [*both[:2], "Oversight must have teeth, and publish its findings."]
    resolved = api.put(
        section_url,
        json={"body": "\n\n".join(resolution), "base_revision": conflict["their_revision"]},
        headers=eddie,
    )
    assert resolved.status_code == 200
    assert resolved.get_json()["merged"] is False

    # Everyone sees the resolution, and the history tells the whole story.
    state = _section_state(api, mo, response_id, summary_id)
    assert state["body"] == "\n\n".join(resolution)
    assert state["head_revision"] == resolved.get_json()["head_revision"]
    history = api.get(f"{section_url}/revisions", headers=mo).get_json()
    assert [(r["kind"], r["author"]) for r in reversed(history)] == [
        ("edit", "Eddie Editor"),
        ("edit", "Eddie Editor"),
        ("merge", "Cora Coordinator"),
        ("conflict", "Eddie Editor"),
        ("edit", "Eddie Editor"),
    ]
    # Every text anyone sent is in some revision.
    bodies = {
        api.get(f"/api/v1/revisions/{r['id']}", headers=mo).get_json()["body"] for r in history
    }
    for sent in (PARAGRAPHS, eddies, both, eddies_third, resolution):
        assert "\n\n".join(sent) in bodies
    # What changed between Eddie's conflicting text and the resolution, word by word.
    diff = api.get(
        f"/api/v1/revisions/{resolved.get_json()['head_revision']}/diff"
        f"?against={conflict['your_revision']}",
        headers=mo,
    ).get_json()
    assert diff["ops"][-2:] == [
        {"op": "delete", "text": "teeth."},
        {"op": "insert", "text": "teeth, and publish its findings."},
    ]
    html = api.get(f"/api/v1/responses/{response_id}/html", headers=mo).get_json()["html"]
    assert "<p>Oversight must have teeth, and publish its findings.</p>" in html


WRITERS = 8


@pytest.mark.usefixtures("no_rate_limit")
@pytest.mark.parametrize("same_paragraph", [False, True], ids=["own paragraphs", "one paragraph"])
def test_many_writers_at_once_from_one_base_lose_nothing(
    app, client_factory, team, bearer, draft, same_paragraph
):
    """Writers change their own paragraph (or all the same one) of one base, all at the same
    moment. Every accepted change is in the final head; every refused one is a stored conflict
    revision; nothing is silently overwritten."""
    paragraphs = [f"Paragraph {i} as agreed." for i in range(WRITERS)]
    headers = bearer("editor")
    url = draft.section_url(draft.summary)
    base = (
        client_factory()
        .put(url, json={"body": "\n\n".join(paragraphs), "base_revision": None}, headers=headers)
        .get_json()["head_revision"]
    )
    texts = []
    for i in range(WRITERS):
        mine = list(paragraphs)
        mine[0 if same_paragraph else i] = f"Paragraph {i} rewritten by writer {i}."
        texts.append("\n\n".join(mine))
    barrier = threading.Barrier(WRITERS)
    results: list = [None] * WRITERS

    def write(i: int) -> None:
        with app.app_context():  # the test client tidies the session after each request
            api = client_factory()
            barrier.wait()
            response = api.put(url, json={"body": texts[i], "base_revision": base}, headers=headers)
            results[i] = (response.status_code, response.get_json())

    threads = [threading.Thread(target=write, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert all(result is not None for result in results), results
    statuses = sorted(status for status, _ in results)
    if same_paragraph:  # the first to take the lock saves; each other one clashes with it
        assert statuses == [200] + [409] * (WRITERS - 1), statuses
    else:
        assert statuses == [200] * WRITERS, statuses
    head = _section_state(client_factory(), bearer("member"), draft.response_id, draft.summary)
    for i, (status, body) in enumerate(results):
        if status == 200:
            assert f"rewritten by writer {i}." in head["body"], (i, head["body"])
        else:
            kept = revision(body["conflict"]["your_revision"])
            assert (kept.kind, kept.body) == ("conflict", texts[i])
    history = client_factory().get(f"{url}/revisions", headers=headers).get_json()
    assert len(history) == 1 + WRITERS
    assert sorted(r["number"] for r in history) == list(range(1, WRITERS + 2))
    heads = [r for r in history if r["kind"] != "conflict"]
    assert heads[0]["id"] == head["head_revision"]  # the newest non-conflict revision is the head
