"""The API's shapes, one module per domain: request models (what a body may hold; they check
it) and reply models (what an answer holds; they make it). The OpenAPI document's schemas are
generated from them (consult/api/openapi.py)."""
