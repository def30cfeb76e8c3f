"""Client addresses and e-mail addresses are counted by the rate limiter only as keyed hashes:
neither reaches its storage (memory here, Redis when instances share it) in the clear."""

from __future__ import annotations

from consult.extensions import limiter
from tests.security import figures

ADDRESS = "198.51.100.77"
EMAIL = "someone.private@example.org"


def test_rate_limit_storage_holds_no_address_or_email_in_the_clear(make_client):
    client = make_client(remote_addr=ADDRESS)
    client.post("/login", data={"email": EMAIL, "password": "wrong password"})
    client.post("/password/forgot", data={"email": EMAIL})
    client.post("/api/v1/versions/1/signatures", json={"email": EMAIL, "name": "Someone"})

    keys = list(limiter.storage.storage)  # MemoryStorage: key -> count
    assert len(keys) >= 3, keys
    figures.add("rate-limit keys checked for addresses", len(keys))
    for key in keys:
        assert ADDRESS not in key and "someone.private" not in key, key
