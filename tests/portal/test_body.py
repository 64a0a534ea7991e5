"""The plain body format: headings, lists, paragraphs; everything escaped."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from akrim.portal.body import blocks, render_body, word_count


def test_headings_lists_and_paragraphs_become_html() -> None:
    html = render_body("## Pay\n\nFirst line\nsame paragraph.\n\n- one\n- two\n\nLast.")
    assert html == (
        "<h2>Pay</h2>\n<p>First line same paragraph.</p>\n<ul><li>one</li><li>two</li></ul>\n"
        "<p>Last.</p>"
    )


def test_a_list_right_after_a_paragraph_line_is_its_own_block() -> None:
    assert blocks("Intro:\n- a\n- b\nafter") == [
        ("p", ["Intro:"]),
        ("ul", ["a", "b"]),
        ("p", ["after"]),
    ]


def test_hostile_markup_is_escaped_everywhere() -> None:
    hostile = (
        '## <script>alert(1)</script>\n\n- <img src=x onerror="alert(2)">\n\n'
        "<a href='javascript:alert(3)'>x</a> & \"quotes\""
    )
    html = render_body(hostile)
    assert "<script" not in html
    assert "<img" not in html
    assert "<a " not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in html
    assert "&amp; &quot;quotes&quot;" in html


def test_markdown_links_and_emphasis_stay_plain_text() -> None:
    assert render_body("[click](http://evil.example) **bold**") == (
        "<p>[click](http://evil.example) **bold**</p>"
    )


def test_empty_and_whitespace_bodies_render_nothing() -> None:
    assert render_body("") == ""
    assert render_body("\n\n  \r\n") == ""


def test_word_count_counts_words_of_every_block() -> None:
    assert word_count("## Two words\n\n- three more words\n\nand four more here") == 9


@given(st.text(max_size=300))
def test_no_angle_bracket_from_the_input_survives(text: str) -> None:
    html = render_body(text)
    stripped = (
        html.replace("<h2>", "")
        .replace("</h2>", "")
        .replace("<p>", "")
        .replace("</p>", "")
        .replace("<ul>", "")
        .replace("</ul>", "")
        .replace("<li>", "")
        .replace("</li>", "")
    )
    assert "<" not in stripped
    assert ">" not in stripped
