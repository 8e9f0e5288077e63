"""A revision's full text as HTML for its reading page (pure: a RevisionView in, a str out).

The page of a member's copy is the revision's HTML with a slot at every variant site, kept as
a `str.format` template (`slotted_template`): made once when the revision's sites are frozen,
stored with them (platform/reading.py), and filled with each reader's wording."""

from __future__ import annotations

import re

from markupsafe import escape

from gongwen.model.material import PlaceholderOut, RevisionView

SLOT = "\ue000{}\ue001"  # private-use marks around a slot's number, in a slotted view's text
_SLOT = re.compile("\ue000(\\d+)\ue001")


def body_html(revision: RevisionView) -> str:
    """The revision's headings and paragraphs as HTML, its placeholders marked."""
    parts = []
    cursor = 0
    for kind, level, text in revision.blocks:
        # Blocks are the revision's text in order: find each one to place its placeholders.
        at = revision.text.find(text, cursor)
        if at >= 0:
            cursor = at + len(text)
        inner = _with_placeholders(text, at, revision.placeholders)
        if kind == "heading":
            tag = f"h{min(level + 2, 4)}"
            parts.append(f"<{tag}>{inner}</{tag}>")
        else:
            parts.append(f"<p>{inner}</p>")
    return "\n".join(parts)


def slotted_template(slotted: RevisionView) -> str:
    """The HTML of a view with a SLOT at every site as a str.format template: {i} where slot i
    is, every other brace doubled."""
    parts = _SLOT.split(body_html(slotted))
    for k in range(0, len(parts), 2):
        parts[k] = parts[k].replace("{", "{{").replace("}", "}}")
    for k in range(1, len(parts), 2):
        parts[k] = "{" + parts[k] + "}"
    return "".join(parts)


def _with_placeholders(text: str, at: int, placeholders: tuple[PlaceholderOut, ...]) -> str:
    """`text` escaped, its placeholders marked with their field label (and unit) so that a
    writer sees what each XX stands for."""
    if at < 0:
        return str(escape(text))
    out, pos = [], 0
    for ph in placeholders:
        if not (at <= ph.start and ph.end <= at + len(text)):
            continue
        a, b = ph.start - at, ph.end - at
        label = (
            ph.label + (f"（{ph.unit}）" if ph.unit else "") + ("，约数" if ph.approximate else "")
        )
        out.append(str(escape(text[pos:a])))
        # The label is drawn by CSS (::after) so that copying the text copies only the XX.
        out.append(
            f'<mark class="ph" data-field="{escape(ph.field)}" data-label="{escape(ph.label)}"'
            f' title="{escape(label)}">{escape(text[a:b])}</mark>'
        )
        pos = b
    out.append(str(escape(text[pos:])))
    return "".join(out)
