"""Drafting pages: an organisation's responses, the response dashboard (a compact overview of
the sections), each section's Manage page (status and assignee, title, place, removal), the
whole-response preview, the section editor (with comments and suggested edits), the clash
screen, the history of a section, and the person's responses across organisations.

Every page works without JavaScript: the editor is a form that saves through the same
`services.save_section` as the API's autosave, so a no-script save merges or conflicts exactly
like an autosave. static/js/editor.js adds the toolbar, the live preview, autosave and presence.

Each view has one shape: load (404 for what is missing or belongs to another organisation) ->
permission (403), both by a loader of ../permissions.py -> validate the form -> one service
call through consult.web.commit (commit once, or roll back and show why) -> redirect. A form
that fails re-renders its page (built by ../presenters.py) with the person's input still in it
and a 422.

The route modules, one per part of the pages, add their routes to the blueprint made in the
package's __init__; importing them here registers them, and the app factory imports
`blueprint` from here."""

from consult.drafting import blueprint, presenters
from consult.drafting.views import (  # noqa: F401  (importing a module adds its routes)
    amendments,
    clashes,
    comments,
    editor,
    history,
    overview,
    responses,
    sections,
    suggestions,
)

blueprint.context_processor(presenters.template_globals)

__all__ = ["blueprint"]
