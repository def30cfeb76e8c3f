"""The API's allowance belongs to the caller (token or person), not to a shared office address."""


def test_two_callers_behind_one_address_have_separate_allowances(client, bearer):
    owner, editor = bearer("owner"), bearer("editor")
    statuses = [client.get("/api/v1/me", headers=owner).status_code for _ in range(301)]
    assert statuses[:300] == [200] * 300
    assert statuses[300] == 429
    assert client.get("/api/v1/me", headers=editor).status_code == 200


def test_made_up_tokens_cannot_dodge_the_per_address_ceiling(client):
    statuses = [
        client.get("/api/v1/me", headers={"Authorization": f"Bearer cst_fake{n}"}).status_code
        for n in range(1201)
    ]
    assert set(statuses[:1200]) == {401}
    assert statuses[1200] == 429
