"""The portal's plain body format, rendered to HTML.

Format: paragraphs separated by a blank line; a line starting with "## " is a section
heading; consecutive lines starting with "- " form a bullet list. Everything is escaped:
the only markup in the output is the markup written here.
"""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


def blocks(text: str) -> list[tuple[str, list[str]]]:
    """Parse into ("h", [line]) / ("ul", [items]) / ("p", [lines]) blocks, unescaped."""
    result: list[tuple[str, list[str]]] = []
    current: tuple[str, list[str]] | None = None
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if not line:
            current = None
        elif line.startswith("## "):
            result.append(("h", [line[3:].strip()]))
            current = None
        elif line.startswith("- "):
            if current is None or current[0] != "ul":
                current = ("ul", [])
                result.append(current)
            current[1].append(line[2:].strip())
        else:
            if current is None or current[0] != "p":
                current = ("p", [])
                result.append(current)
            current[1].append(line)
    return result


def join_blocks(parsed: list[tuple[str, list[str]]]) -> str:
    """The plain format of parsed blocks (``blocks(join_blocks(b)) == b``)."""
    out = []
    for kind, lines in parsed:
        if kind == "h":
            out.append(f"## {lines[0]}")
        elif kind == "ul":
            out.append("\n".join(f"- {item}" for item in lines))
        else:
            out.append("\n".join(lines))
    return "\n\n".join(out)


def render_body(text: str, *, heading_level: int = 2) -> SafeString:
    """HTML for a body. ``heading_level`` is the level of "## " headings (2 under an h1).
    Built with ``format_html``: every piece of text is escaped."""
    parts: list[SafeString] = []
    for kind, lines in blocks(text):
        if kind == "h":
            parts.append(format_html("<h{}>{}</h{}>", heading_level, lines[0], heading_level))
        elif kind == "ul":
            items = format_html_join("", "<li>{}</li>", ((item,) for item in lines))
            parts.append(format_html("<ul>{}</ul>", items))
        else:
            parts.append(format_html("<p>{}</p>", " ".join(lines)))
    return format_html_join("\n", "{}", ((part,) for part in parts))


def word_count(text: str) -> int:
    return sum(len(" ".join(lines).split()) for _, lines in blocks(text))
