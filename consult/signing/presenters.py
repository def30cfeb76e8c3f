"""What the signing pages show, built from versions and signatures: each page's figures and
lists, the frozen text rendered once per version, the differences between two versions, and
the coordinator's chart of signatures. The views add their forms."""

from __future__ import annotations

from collections import OrderedDict
from datetime import date, timedelta

from flask_login import current_user

from consult.accounts.models import User
from consult.bills import amendment_text
from consult.bills import services as bills
from consult.bills.errors import BillError
from consult.bills.house_style import render as render_amendment
from consult.drafting.diff import readable_ops
from consult.drafting.markdown import RESPONSE_UNITS, Budget, word_count
from consult.drafting.markdown import render as render_markdown
from consult.drafting.models import POSITION_LABELS, Response
from consult.links import public_url
from consult.organisations.models import Membership
from consult.organisations.permissions import can
from consult.signing import consent, robots, services
from consult.signing.forms import SignatureFilterForm
from consult.signing.models import Signature, Version
from consult.signing.permissions import is_open, open_to_public, partner_token
from consult.timeutil import utcnow

STATE_LABELS = {
    "not_open": "Not open for signing",
    "members": "Open to members",
    "public": "Open to the public",
    "closed": "Signing closed",
}
KIND_LABELS = {"member": "Member", "organisation": "Organisation", "public": "Public"}
STATUS_LABELS = {
    "confirmed": "Confirmed",
    "pending": "Waiting for confirmation",
    "withdrawn": "Withdrawn",
}


PUBLIC_NAMES_SHOWN = 200  # the signing page lists this many published names, then "and N more"
SIGNATURES_PAGE_SIZE = 50


def signing_state(version: Version) -> str:
    """Where the version's signing stands, one of STATE_LABELS."""
    if version.signing_opened_at is None and not version.signing_open:
        return "not_open"
    if is_open(version):
        return "public" if version.signing_public else "members"
    return "closed"


SUMMARY_KINDS = ("summary",)


# Versions never change, so their rendered text is kept by fingerprint: the public signing
# page does not run Markdown on every visit.
_RENDERED: OrderedDict[str, dict] = OrderedDict()
_RENDERED_LIMIT = 64


def section_label(section: dict) -> str:
    """How a frozen section is named to readers: "Question 3", or its title."""
    if section.get("kind") == "question" and section.get("number") is not None:
        return f"Question {section['number']}"
    return section.get("title") or "Section"


def rendered(version: Version) -> dict:
    """The version's frozen content, with each section's Markdown rendered once."""
    cached = _RENDERED.get(version.sha256)
    if cached is not None:
        return cached
    content = services.content_of(version)
    sections = []
    budget = Budget(RESPONSE_UNITS)  # shared by the sections, as markdown.render_response does
    for index, section in enumerate(content.get("sections", []), start=1):
        body = section.get("body") or ""
        entry = {
            "anchor": f"v{version.id}-section-{index}",
            "kind": section.get("kind"),
            "number": section.get("number"),
            "label": section_label(section),
            "title": section.get("title") or "",
            "choice": section.get("choice"),
            "html": "",
            "words": word_count(body),
        }
        if section.get("kind") == "amendment":
            entry.update(_frozen_amendment(version, content, body))
        else:
            entry["html"] = (
                render_markdown(body, f"v{version.id}-{index}", budget) if body.strip() else ""
            )
        if section.get("kind") == "clause":
            # A clause's choice is the position on it, not a closed answer.
            entry["position"] = POSITION_LABELS.get(section.get("choice") or "")
            entry["choice"] = None
        sections.append(entry)
    summary = next(
        (s for s in sections if s["kind"] in SUMMARY_KINDS and s["html"]),
        None,
    )
    result = {
        "content": content,
        "sections": sections,
        "summary": summary,
        "words": sum(s["words"] for s in sections),
    }
    _RENDERED[version.sha256] = result
    while len(_RENDERED) > _RENDERED_LIMIT:
        try:
            _RENDERED.popitem(last=False)
        except KeyError:  # another thread emptied it first
            break
    return result


def _frozen_amendment(version: Version, content: dict, body: str) -> dict:
    """A frozen amendment in House style: as the House the bill is in now prints it at its
    stage (the response's bill), or, should the bill be gone, as the House it was introduced
    in prints it in committee (the version's own content)."""
    try:
        amendment = amendment_text.load(body)
    except BillError as error:
        return {"amendment_problem": str(error), "html": "", "words": word_count(body)}
    bill = version.response.bill
    if bill is not None:
        rendered_amendment = bills.house_style(version.response, amendment)
    else:
        house = (content.get("bill") or {}).get("house") or "commons"
        rendered_amendment = render_amendment(amendment, house=house)
    return {
        "amendment": rendered_amendment,
        "purpose": amendment.purpose,
        "words": word_count(rendered_amendment.text + " " + amendment.purpose),
    }


def _section_key(section: dict) -> tuple:
    if section.get("kind") == "question" and section.get("number") is not None:
        return ("question", section["number"])
    if section.get("kind") in ("summary", "about", "recommendations"):
        return (section["kind"],)
    return (section.get("kind"), section.get("title"))


def compare(older: Version, newer: Version) -> dict:
    """What changed from `older` to `newer`, section by section: word-level operations for
    sections in both, and the sections added or removed."""
    before: dict[tuple, list[dict]] = {}
    for section in services.content_of(older).get("sections", []):
        before.setdefault(_section_key(section), []).append(section)
    changed, unchanged, added = [], [], []
    for section in services.content_of(newer).get("sections", []):
        matches = before.get(_section_key(section))
        if not matches:
            added.append(section)
            continue
        old = matches.pop(0)
        ops = readable_ops(old.get("body") or "", section.get("body") or "")
        entry = {
            "label": section_label(section),
            "section": section,
            "old": old,
            "ops": ops,
            "title_changed": (old.get("title") or "") != (section.get("title") or ""),
            "choice_changed": old.get("choice") != section.get("choice"),
        }
        text_changed = any(op["op"] != "equal" for op in ops)
        if text_changed or entry["title_changed"] or entry["choice_changed"]:
            changed.append(entry)
        else:
            unchanged.append(entry)
    removed = [section for sections in before.values() for section in sections]
    return {
        "older": older,
        "newer": newer,
        "changed": changed,
        "unchanged": unchanged,
        "added": added,
        "removed": removed,
        "same": not (changed or added or removed),
    }


def chart(days: list[tuple[str, int]], today: date | None = None) -> dict | None:
    """Geometry for a server-drawn SVG of the running total of confirmed signatures by day,
    from the first confirmation to today. One day alone is one point in the middle: there is
    no day before it to draw a line from (nobody had signed then, but nor was it counted)."""
    if not days:
        return None
    counts = {date.fromisoformat(day): count for day, count in days}
    first, last = min(counts), max(max(counts), today or max(counts))
    series, total, day = [], 0, first
    while day <= last:
        total += counts.get(day, 0)
        series.append({"day": day, "new": counts.get(day, 0), "total": total})
        day += timedelta(days=1)
    width, height = 640, 240
    left, right, top, bottom = 56, 16, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(1, total)

    def y(value: int) -> float:
        return round(top + plot_h - plot_h * value / peak, 1)

    if len(series) == 1:
        xs = [round(left + plot_w / 2, 1)]
    else:
        step = plot_w / (len(series) - 1)
        xs = [round(left + index * step, 1) for index in range(len(series))]
    points = [(x, y(point["total"])) for x, point in zip(xs, series, strict=True)]
    line = " ".join(f"{x},{yy}" for x, yy in points)
    several = len(points) > 1
    ticks = sorted({0, peak // 2, peak})
    labels = [{"x": points[0][0], "text": series[0]["day"].strftime("%-d %b"), "anchor": "start"}]
    if several:
        labels.append(
            {"x": points[-1][0], "text": series[-1]["day"].strftime("%-d %b"), "anchor": "end"}
        )
    else:
        labels[0]["anchor"] = "middle"
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "top": top,
        "bottom": top + plot_h,
        "line": line if several else None,
        "area": f"{left},{top + plot_h} {line} {points[-1][0]},{top + plot_h}" if several else None,
        "points": points,
        "y_ticks": [{"value": value, "y": y(value)} for value in ticks],
        "x_labels": labels,
        "series": series,
        "total": total,
    }


# --- pages ----------------------------------------------------------------------------------


def about(version: Version) -> dict:
    """What every page about a version names: the version, its response and organisation."""
    return {
        "version": version,
        "response": version.response,
        "organisation": version.response.organisation,
    }


def versions_page(response: Response, membership: Membership, check: tuple) -> dict:
    """The response's versions with their counts, and for a coordinator what `check` found
    (exports' check of the draft against the submission profile: (profile, problems))."""
    versions = services.versions_of(response)
    profile, problems = check
    return {
        "response": response,
        "organisation": response.organisation,
        "membership": membership,
        "versions": versions,
        "counts": {version.id: services.confirmed_count(version) for version in versions},
        "can_freeze": can(membership, "freeze"),
        "check_profile": profile,
        "problems": problems,
    }


def version_page(version: Version, membership: Membership) -> dict:
    """One version seen from inside its organisation: its text, count and links; the partner
    link only for those who coordinate (it lets other organisations sign)."""
    coordinating = can(membership, "freeze")
    return {
        **about(version),
        "membership": membership,
        "text": rendered(version),
        "previous": services.previous_version(version),
        "count": services.confirmed_count(version),
        "coordinating": coordinating,
        "sign_url": public_url("signing.sign", version_id=version.id),
        "partner_url": public_url(
            "signing.partner", version_id=version.id, token=partner_token(version)
        )
        if coordinating
        else None,
    }


def diff_page(version: Version, other: Version | None, membership: Membership) -> dict:
    """Two versions of a response side by side, the older first, with what changed."""
    comparison = None
    if other is not None and other.id != version.id:
        older, newer = (other, version) if other.number < version.number else (version, other)
        comparison = compare(older, newer)
    return {
        **about(version),
        "other": other,
        "membership": membership,
        "versions": services.versions_of(version.response),
        "comparison": comparison,
    }


def changes_page(version: Version, membership: Membership | None) -> dict:
    """What changed since the previous version the viewer may read (signers asked to sign
    again read this); the public compares only with versions opened to them."""
    previous = services.previous_version(version, public_only=membership is None)
    return {
        **about(version),
        "membership": membership,
        "previous": previous,
        "comparison": compare(previous, version) if previous else None,
        "text": rendered(version),
        "open_now": is_open(version),
    }


def my_signature(user: User, version: Version) -> Signature | None:
    """The person's own confirmed signature of the version (not one for an organisation)."""
    if not user.is_authenticated:
        return None
    return next(
        (
            signature
            for signature in services.signatures_of_user(user)
            if signature.version_id == version.id and signature.kind != "organisation"
        ),
        None,
    )


def sign_page(version: Version, membership: Membership | None) -> dict:
    """The signing page: the text, who co-signs, whether this person may sign (or has), the
    consent statement, and a later version if the viewer may see it."""
    response = version.response
    organisations_signed, people = services.public_lists(version)
    open_now = is_open(version)
    later = services.latest_version_after(version, public_only=membership is None)
    return {
        **about(version),
        "consultation": response.subject,
        "membership": membership,
        "text": rendered(version),
        "count": services.confirmed_count(version),
        "co_signing": organisations_signed,
        "people": people[:PUBLIC_NAMES_SHOWN],
        "more_people": max(0, len(people) - PUBLIC_NAMES_SHOWN),
        "open_now": open_now,
        "may_sign": open_now and (version.signing_public or membership is not None),
        "my_signature": my_signature(current_user, version),
        "statement": consent.statement(response.organisation.name, response.subject.title),
        "statement_version": consent.CURRENT_VERSION,
        "later": later,
        "later_visible": later is not None and (membership is not None or open_to_public(later)),
    }


def partner_page(
    version: Version,
    memberships: list[Membership],
    unsigned: list[Membership],
    signed: dict[int, Signature],
) -> dict:
    """The partner link's page: the text, and the organisations the person may sign for,
    those that signed already and those that have not."""
    lead = version.response.organisation
    return {
        **about(version),
        "consultation": version.response.subject,
        "text": rendered(version),
        "count": services.confirmed_count(version),
        "open_now": is_open(version),
        "memberships": memberships,
        "unsigned": unsigned,
        "signed": signed,
        "statement": consent.statement(lead.name, version.response.subject.title),
        "statement_version": consent.CURRENT_VERSION,
    }


def sent_page(version: Version) -> dict:
    """'Check your e-mail', with how long the confirmation link works."""
    return {**about(version), "hours": int(services.UNCONFIRMED_LIFETIME.total_seconds() // 3600)}


def confirmed_page(signature: Signature) -> dict:
    """After confirming: the signature, the count it joined, a link back if public."""
    version = signature.version
    return {
        **about(version),
        "signature": signature,
        "count": services.confirmed_count(version),
        "public_page": open_to_public(version),
    }


def manage_page(signature: Signature, token: str) -> dict:
    """The signer's page from the e-mailed link: their signature and its consent history."""
    version = signature.version
    return {
        **about(version),
        "signature": signature,
        "records": services.consent_history(signature),
        "erased": signature.signer_key.startswith("erased:"),
        "public_page": open_to_public(version),
        "token": token,
    }


def signatures_page(
    version: Version,
    membership: Membership,
    filters: SignatureFilterForm,
    valid: bool,
    page: int,
    args: dict[str, str],
) -> dict:
    """The coordinator's view: the chart, the counts by status and by the checks against
    robots, and one page of the signatures, filtered (`valid`: the filters are usable)."""
    listing = services.signature_page(
        version,
        kind=filters.kind.data if valid else None,
        status=filters.status.data if valid else None,
        name=filters.q.data if valid else None,
        page=page,
        per_page=SIGNATURES_PAGE_SIZE,
    )
    return {
        **about(version),
        "membership": membership,
        "chart": chart(services.daily_counts(version), services.london_date(utcnow())),
        "filters": filters,
        "filtered": valid and any((filters.kind.data, filters.status.data, filters.q.data)),
        "rows": listing.rows,
        "total": listing.total,
        "page": listing.page,
        "pages": listing.pages,
        "args": args,
        "by_status": services.status_counts(version),
        "robot_checks": robots.counts(version),
    }


def verify_page(fingerprint: str, found: Version | None) -> dict:
    """What verifying a fingerprint shows: the version, its count, and its text when that
    may be read by anyone (text_public)."""
    return {
        "version": found,
        "searched": fingerprint[:64],
        "content": services.content_of(found) if found else None,
        "count": services.confirmed_count(found) if found else None,
        "text": rendered(found) if found and services.text_public(found) else None,
    }
