"""Rendering: sanitising, link and image rewriting, table of contents, anchors."""

from __future__ import annotations

from lms.course.content import render_lesson, slugify
from lms.course.content.model import TocEntry

HERE = "del-1-a/02-andra.md"
IDS = {"del-1-a/01-forsta.md": "p1-forsta", "del-2-b/05-reserv.md": "p2-reserv"}


def render(body: str, **options: object) -> str:
    return render_lesson(body, lesson_path=HERE, lesson_ids=IDS, **options).html  # type: ignore[arg-type]


def test_script_tags_are_removed_with_their_content() -> None:
    html = render("Före <script>alert('x')</script> efter\n\n<script>\nfetch('/x')\n</script>\n")
    assert "<script" not in html and "alert" not in html and "fetch" not in html
    assert "Före" in html and "efter" in html


def test_event_handler_attributes_are_removed() -> None:
    html = render('<p onclick="steal()">Klicka</p> <img src="img/a.png" onerror="steal()">')
    assert "onclick" not in html and "onerror" not in html and "steal" not in html
    assert "Klicka" in html


def test_javascript_links_lose_their_href() -> None:
    html = render('[Klicka](javascript:alert(1)) <a href="JaVaScRiPt:alert(2)">rå</a>')
    assert "javascript" not in html.lower()
    assert html.count("<a>") == 2


def test_iframes_objects_and_styles_are_removed() -> None:
    html = render(
        '<iframe src="https://evil.example">reserv</iframe>\n\n'
        '<object data="x.swf"></object><style>body{display:none}</style>\n\n'
        '<p style="position:fixed">Text</p>'
    )
    for forbidden in ("iframe", "evil.example", "object", "style", "display", "position"):
        assert forbidden not in html
    assert "<p>Text</p>" in html


def test_attribute_lists_are_not_enabled_so_authors_cannot_set_attributes() -> None:
    html = render('## Rubrik {: onclick="x()" #egen }\n\nText {: .klass }')
    assert "<h2 onclick" not in html and 'id="egen"' not in html
    assert 'class="klass"' not in html
    assert "Text {: .klass }" in html  # left as literal text


def test_external_links_get_noopener_and_internal_links_do_not() -> None:
    html = render("[Inera](https://www.inera.se) [Första](01-forsta.md) [rå](https://x.se)")
    assert '<a href="https://www.inera.se" rel="noopener noreferrer">Inera</a>' in html
    assert '<a href="/course/lessons/p1-forsta">Första</a>' in html


def test_author_supplied_rel_values_are_dropped() -> None:
    html = render('<a href="https://x.se" rel="opener">x</a>')
    assert "opener" not in html.replace("noopener", "")


def test_relative_lesson_links_become_lesson_urls_with_their_anchor() -> None:
    html = render("[reserv](../del-2-b/05-reserv.md#steg-2) och [första](01-forsta.md)")
    assert 'href="/course/lessons/p2-reserv#steg-2"' in html
    assert 'href="/course/lessons/p1-forsta"' in html


def test_lesson_and_asset_url_callbacks_decide_the_urls() -> None:
    html = render(
        "[reserv](../del-2-b/05-reserv.md#steg-2) ![Två läsare](img/två läsare.svg)",
        lesson_url=lambda lesson_id, anchor: f"/l/{lesson_id}?a={anchor}",
        asset_url=lambda folder, path: f"/static/{folder}/{path}",
    )
    assert 'href="/l/p2-reserv?a=steg-2"' in html
    assert 'src="/static/del-1-a/img/två läsare.svg"' in html


def test_relative_images_become_asset_urls_of_their_part() -> None:
    html = render("![Två läsare](img/tva-lasare.svg) ![Annan](../del-2-b/img/b.png)")
    assert '<img alt="Två läsare" src="/course/assets/del-1-a/img/tva-lasare.svg">' in html
    assert 'src="/course/assets/del-2-b/img/b.png"' in html


def test_same_page_anchor_links_are_left_alone() -> None:
    assert 'href="#steg-1"' in render("## Steg 1\n\n[upp](#steg-1)")


def test_toc_lists_level_2_and_3_headings_with_their_anchors() -> None:
    body = "# Titel\n\n## Tillitsnivå 3 & LoA\n\n### Steg 2: Öppna\n\n#### För djupt\n"
    rendered = render_lesson(body, lesson_path=HERE)
    assert rendered.toc == (
        TocEntry(2, "tillitsniva-3-loa", "Tillitsnivå 3 & LoA"),
        TocEntry(3, "steg-2-oppna", "Steg 2: Öppna"),
    )
    assert '<h2 id="tillitsniva-3-loa">' in rendered.html
    assert {"titel", "tillitsniva-3-loa", "steg-2-oppna", "for-djupt"} <= rendered.anchors


def test_repeated_headings_get_unique_anchors() -> None:
    rendered = render_lesson("## Steg\n\n## Steg\n", lesson_path=HERE)
    assert [entry.anchor for entry in rendered.toc] == ["steg", "steg_1"]


def test_slugify_turns_swedish_letters_into_plain_ascii() -> None:
    assert slugify("Åtgärder för öppna ärenden") == "atgarder-for-oppna-arenden"
    assert slugify("PIN – och PUK!") == "pin-och-puk"
    assert slugify("???") == "avsnitt"


def test_markdown_features_of_the_content_format_render() -> None:
    body = (
        '!!! warning "Obs"\n    Kontrollera regeln.\n\n'
        "| Nivå | Krav |\n|:--|--:|\n| 2 | Låg |\n\n"
        "Text med fotnot[^1].\n\n"
        "PUK\n:   Upplåsningskod.\n\n"
        "```text\nkod <b>\n```\n\n"
        "[^1]: Källa.\n"
    )
    html = render(body)
    assert '<div class="admonition warning">\n<p class="admonition-title">Obs</p>' in html
    assert '<th align="left">Nivå</th>' in html
    assert '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>' in html
    assert '<li id="fn:1">' in html and 'title="Tillbaka till fotnot 1 i texten"' in html
    assert "<dt>PUK</dt>\n<dd>Upplåsningskod.</dd>" in html
    assert '<pre><code class="language-text">kod &lt;b&gt;\n</code></pre>' in html


def test_untitled_admonitions_get_a_swedish_title() -> None:
    assert '<p class="admonition-title">Varning</p>' in render("!!! warning\n    Text.")


def test_plain_text_and_word_count_leave_out_markup() -> None:
    rendered = render_lesson("## Rubrik\n\nEtt *två* [tre](01-forsta.md).", lesson_path=HERE)
    assert rendered.text == "Rubrik Ett två tre."
    assert rendered.word_count == 4


def test_links_and_images_are_recorded_for_the_content_check() -> None:
    rendered = render_lesson(
        "[a](01-forsta.md#x) [b](https://x.se) ![c](img/c.png) [d](../../ut.md)",
        lesson_path=HERE,
    )
    assert [(ref.kind, ref.target, ref.anchor) for ref in rendered.links] == [
        ("lesson", "del-1-a/01-forsta.md", "x"),
        ("external", None, None),
        ("outside", None, None),
    ]
    assert [(ref.kind, ref.target) for ref in rendered.images] == [("file", "del-1-a/img/c.png")]
