"""The two kinds of model, and the shapes every endpoint shares: the error (with the edit
conflict that a 409 from saving a section carries) and the health check."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field


class RequestModel(BaseModel):
    """A body or a query string: fields left out take their default; fields the API does not
    know are ignored (a client may send more than this version reads)."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    inline: ClassVar[bool] = False


class ReplyModel(BaseModel):
    """An answer. `inline`: described in place in the document, not as a named schema (a small
    object that only makes sense inside its parent)."""

    model_config = ConfigDict(frozen=True)
    inline: ClassVar[bool] = False


NullableInt = int | None
NullableStr = str | None


class EditConflict(ReplyModel):
    """Both texts of a save that overlapped someone else's, and where to resolve them."""

    base_revision: NullableInt = Field(description="The revision your text started from")
    their_revision: NullableInt = Field(
        description="The head: what others saved since. To resolve, save again with "
        "base_revision = their_revision"
    )
    your_revision: int = Field(
        description="Your text, already saved as a revision of kind conflict (not the head): "
        "nothing is lost. It is an open clash until settled: send it as `clash` with the save "
        "that resolves it"
    )
    your_revision_number: int = Field(
        description="That revision's number within the section (the newest: the section now "
        "has this many revisions)"
    )
    base: str
    theirs: str
    yours: str
    base_choice: NullableStr
    their_choice: NullableStr
    your_choice: NullableStr
    resolve_url: str = Field(description="The conflict screen for a person (HTML, same site)")


class ErrorDetail(ReplyModel):
    inline = True
    code: str = Field(examples=["not_found"])
    message: str
    fields: dict[str, str] | None = None


class Error(ReplyModel):
    """The body of every error: {"error": {"code", "message", "fields"?}}."""

    error: ErrorDetail
    conflict: EditConflict | None = Field(
        None, description="Only with code edit_conflict (a 409 from saving a section)"
    )
    resolve_url: str | None = Field(
        None,
        description="Only with code edit_conflict: the page where a person compares both texts "
        "and resolves the conflict (same as conflict.resolve_url)",
    )


class Health(ReplyModel):
    """The app and its database (GET /healthz, served by consult/pages.py)."""

    status: Literal["ok", "degraded"]
    database: Literal["ok", "unreachable"]
