"""What the signing pages show, built from versions: the frozen text rendered once per
version, the differences between two versions, and the coordinator's chart of signatures."""

from __future__ import annotations

from collections import OrderedDict
from datetime import date, timedelta

from consult.drafting.diff import readable_ops
from consult.drafting.markdown import RESPONSE_UNITS, Budget, word_count
from consult.drafting.markdown import render as render_markdown
from consult.signing import services
from consult.signing.models import Version
from consult.signing.services import is_open

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


def signing_state(version: Version) -> str:
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
        sections.append(
            {
                "anchor": f"v{version.id}-section-{index}",
                "kind": section.get("kind"),
                "number": section.get("number"),
                "label": section_label(section),
                "title": section.get("title") or "",
                "choice": section.get("choice"),
                "html": render_markdown(body, f"v{version.id}-{index}", budget)
                if body.strip()
                else "",
                "words": word_count(body),
            }
        )
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
