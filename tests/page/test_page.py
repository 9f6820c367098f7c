"""The printable HTML page (livertriage.page): one self-contained document, for every answer set
of the vignette suite (features/vignettes.toml), read back with html.parser."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

import livertriage
from livertriage import Assessment, KnowledgeBase, assess, load_knowledge_base
from livertriage.page import render_page
from livertriage.report import describe_answers, spoken
from tests.vignettes import Vignette, load_vignettes

GENERATED = datetime(2026, 12, 1, 14, 5)
VIGNETTES = {vignette.id: vignette for vignette in load_vignettes()}
VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
)
FRAMING = {
    "possible_cause": "a possible cause",
    "check_for": "a condition a doctor may want to check for",
    "rule_out": "for a doctor to rule out",
}
#: Elements and attributes that fetch or link to something.
FETCHING_TAGS = frozenset(
    {
        "script",
        "link",
        "img",
        "iframe",
        "frame",
        "object",
        "embed",
        "video",
        "audio",
        "source",
        "track",
        "base",
        "form",
        "picture",
        "svg",
        "image",
        "use",
    }
)
FETCHING_ATTRIBUTES = frozenset(
    {
        "src",
        "srcset",
        "href",
        "action",
        "formaction",
        "poster",
        "data",
        "background",
        "xlink:href",
        "ping",
        "manifest",
    }
)


# --- a small DOM, built by html.parser, that checks the nesting on the way -----------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None]
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def iter(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        return [
            node
            for node in self.iter()
            if (tag is None or node.tag == tag) and (cls is None or cls in node.classes)
        ]

    def find(self, tag: str | None = None, cls: str | None = None) -> Node:
        found = self.find_all(tag, cls)
        assert found, f"no <{tag or '*'} class={cls}>"
        return found[0]

    def strings(self) -> Iterator[str]:
        for child in self.children:
            if isinstance(child, Node):
                yield from child.strings()
            else:
                yield child

    def text(self) -> str:
        return " ".join("".join(self.strings()).split())

    def element_children(self) -> list[Node]:
        return [child for child in self.children if isinstance(child, Node)]


class Builder(HTMLParser):
    """Builds the tree, recording every nesting problem: an end tag that does not close the
    innermost open element, an end tag for a void element, an element left open."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]
        self.problems: list[str] = []
        self.declarations: list[str] = []

    def handle_decl(self, decl: str) -> None:
        self.declarations.append(decl)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.problems.append(f"<{tag}/> is not a void element")
        self.stack[-1].children.append(Node(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            self.problems.append(f"</{tag}> closes a void element")
        elif len(self.stack) == 1 or self.stack[-1].tag != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1].tag}>")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)

    def close(self) -> None:
        super().close()
        self.problems.extend(f"<{node.tag}> is never closed" for node in self.stack[1:])


def parse(page: str) -> tuple[Node, Builder]:
    builder = Builder()
    builder.feed(page)
    builder.close()
    return builder.root, builder


@dataclass(frozen=True)
class Page:
    vignette: Vignette
    assessment: Assessment
    html: str
    root: Node

    @property
    def body(self) -> Node:
        return self.root.find("body")


@pytest.fixture(scope="module")
def pages(knowledge_base: KnowledgeBase) -> list[Page]:
    made = []
    for vignette in VIGNETTES.values():
        assessment = assess(vignette.answers, knowledge_base=knowledge_base)
        html = render_page(assessment, knowledge_base, generated=GENERATED)
        made.append(Page(vignette, assessment, html, parse(html)[0]))
    return made


def page_of(vignette_id: str, knowledge_base: KnowledgeBase) -> Page:
    vignette = VIGNETTES[vignette_id]
    assessment = assess(vignette.answers, knowledge_base=knowledge_base)
    html = render_page(assessment, knowledge_base, generated=GENERATED)
    return Page(vignette, assessment, html, parse(html)[0])


# --- the document ----------------------------------------------------------------------------


def test_the_tree_builder_finds_bad_nesting() -> None:
    """The check below can fail: crossed, stray and unclosed tags are all reported."""
    assert parse("<p><b>x</p></b>")[1].problems == ["</p> closes <b>", "<p> is never closed"]
    assert parse("<div><br></br></div>")[1].problems == ["</br> closes a void element"]
    assert parse("<section><p>x</p>")[1].problems == ["<section> is never closed"]
    assert parse("<ul><li>a</li></ul>")[1].problems == []


def test_every_page_is_one_well_formed_html5_document(pages: list[Page]) -> None:
    for page in pages:
        root, builder = parse(page.html)
        assert builder.problems == [], page.vignette.id
        assert page.html.startswith("<!doctype html>\n"), page.vignette.id
        assert builder.declarations == ["doctype html"]
        [html] = root.element_children()
        assert html.tag == "html"
        assert html.attrs.get("lang") == "en"
        assert [n.tag for n in html.element_children()] == ["head", "body"]
        head = html.find("head")
        assert head.find("meta").attrs == {"charset": "utf-8"}, "the charset comes first"
        assert head.find("title").text() == "livertriage report: calcification spots on the liver"


def test_no_page_fetches_or_links_to_anything(pages: list[Page]) -> None:
    for page in pages:
        assert not re.search(r"(?i)https?:|ftp:|file:|//[a-z0-9.-]+\.[a-z]", page.html), (
            page.vignette.id
        )
        assert not re.search(r"(?i)\b(src|href)\s*=", page.html), page.vignette.id
        for node in page.root.iter():
            assert node.tag not in FETCHING_TAGS, (page.vignette.id, node.tag)
            assert not FETCHING_ATTRIBUTES & set(node.attrs), (page.vignette.id, node.attrs)
        [style] = page.root.find_all("style")
        css = style.text().lower()
        for fetching in ("url(", "@import", "@font-face", "image-set("):
            assert fetching not in css, (page.vignette.id, fetching)


def test_the_stylesheet_is_inline_and_prints_on_a4(pages: list[Page]) -> None:
    page = pages[0]
    [style] = page.root.find_all("style")
    assert style in page.root.find("head").children
    css = " ".join(style.text().split())
    assert "@media print {" in css
    assert re.search(r"@page \{ size: A4; margin: \d+mm", css), css
    for level in ("emergency", "urgent", "soon", "routine"):
        assert f".level-{level} {{" in css, f"the urgency box of level {level} has a colour"


# --- what the page says, in which order -----------------------------------------------------


def test_the_recommendation_is_the_last_text_of_the_body(pages: list[Page]) -> None:
    for page in pages:
        texts = [text.strip() for text in page.body.strings() if text.strip()]
        assert texts[-1] == page.assessment.recommendation, page.vignette.id
        last = page.body.element_children()[-1]
        assert last.classes == {"recommendation"}, page.vignette.id
        assert last.text() == page.assessment.recommendation


def test_the_title_and_the_not_a_diagnosis_line_come_first(pages: list[Page]) -> None:
    for page in pages:
        header = page.body.element_children()[0]
        assert header.tag == "header"
        first, second = header.element_children()[:2]
        assert (first.tag, first.text()) == (
            "h1",
            "livertriage report: calcification spots on the liver",
        )
        assert second.text() == (
            "Possible causes for a physician to consider, and how soon to see one. This is not a "
            "diagnosis."
        )


def marks(page: Page) -> list[str]:
    """The page's parts, in document order."""
    parts = {
        "urgency",
        "warning",
        "causes",
        "known",
        "questions",
        "your-answers",
        "disclaimer",
        "recommendation",
    }
    found = []
    for node in page.body.iter():
        if node.tag == "header":
            found.append("header")
        found.extend(sorted(node.classes & parts))
    return found


def test_the_parts_come_in_order_urgency_before_the_causes(pages: list[Page]) -> None:
    order = [
        "header",
        "urgency",
        "warning",
        "causes",
        "known",
        "questions",
        "your-answers",
        "disclaimer",
        "recommendation",
    ]
    seen_optional = set()
    for page in pages:
        found = marks(page)
        assert found == [part for part in order if part in found], (page.vignette.id, found)
        assert found.index("urgency") < found.index("causes")
        for required in ("header", "urgency", "causes", "your-answers", "disclaimer"):
            assert found.count(required) == 1, (page.vignette.id, required)
        seen_optional.update(found)
    assert seen_optional == set(order), "the vignettes show every part at least once"


def test_the_urgency_box_is_coloured_by_level_and_gives_its_reasons(
    pages: list[Page], knowledge_base: KnowledgeBase
) -> None:
    levels = set()
    for page in pages:
        urgency = page.assessment.urgency
        box = page.body.find("section", "urgency")
        assert f"level-{urgency.level}" in box.classes
        levels.add(urgency.level)
        assert box.find(cls="level").text() == urgency.label
        assert box.find(cls="action").text() == urgency.action
        top = [reason for reason in urgency.reasons if reason.level == urgency.level]
        items = box.find_all("li")
        assert len(items) == len(top), page.vignette.id
        for item, reason in zip(items, top, strict=True):
            assert reason.rationale in item.text()
            if reason.answers:
                assert item.text().startswith(describe_answers(knowledge_base, reason.answers))
    assert levels == {"emergency", "urgent", "soon", "routine"}


def test_unanswered_warning_signs_are_named_unless_it_is_an_emergency(
    pages: list[Page], knowledge_base: KnowledgeBase
) -> None:
    shown = hidden = 0
    for page in pages:
        urgency = page.assessment.urgency
        warnings = page.body.find_all(cls="warning")
        if urgency.unanswered_red_flags and urgency.level != "emergency":
            shown += 1
            [warning] = warnings
            text = warning.text()
            assert text.startswith("Warning signs not asked about or not known: ")
            for question in urgency.unanswered_red_flags:
                assert knowledge_base.catalogue[question].label in text
        else:
            hidden += urgency.level == "emergency" and bool(urgency.unanswered_red_flags)
            assert warnings == [], page.vignette.id
    assert shown
    assert hidden


def test_the_first_three_explanations_in_full_the_rest_one_line_each(pages: list[Page]) -> None:
    for page in pages:
        explanations = [c for c in page.assessment.candidates if not c.known_condition]
        section = page.body.find("section", "causes")
        articles = section.find_all("article", "cause")
        assert [a.attrs["id"] for a in articles] == [f"cause-{c.id}" for c in explanations[:3]]
        for number, (article, candidate) in enumerate(zip(articles, explanations, strict=False)):
            heading = article.find("h3").text()
            assert heading == f"{number + 1}. {candidate.name}: {FRAMING[candidate.framing]}"
        others = section.find_all("ul", "others")
        rest = explanations[3:]
        if rest:
            [listing] = others
            lines = listing.find_all("li")
            assert len(lines) == len(rest), page.vignette.id
            for line, candidate in zip(lines, rest, strict=True):
                assert line.text().startswith(f"{candidate.name}: {FRAMING[candidate.framing]}")
        else:
            assert others == []


def test_conditions_a_doctor_already_found_have_a_section_of_their_own(pages: list[Page]) -> None:
    with_known = 0
    for page in pages:
        known = [c for c in page.assessment.candidates if c.known_condition]
        sections = page.body.find_all("section", "known")
        if not known:
            assert sections == [], page.vignette.id
            continue
        with_known += 1
        [section] = sections
        assert section.find("h2").text() == "Conditions that matter alongside the spots"
        ids = [a.attrs["id"] for a in section.find_all("article", "cause")]
        assert ids == [f"cause-{c.id}" for c in known]
        causes_ids = {
            a.attrs["id"] for a in page.body.find("section", "causes").find_all("article")
        }
        assert not causes_ids & set(ids), "a known condition is not among the explanations"
    assert with_known >= 5


def test_each_cause_says_what_points_to_it_and_away_in_words(
    pages: list[Page], knowledge_base: KnowledgeBase
) -> None:
    checked_for = checked_against = 0
    for page in pages:
        shown = {c.id: c for c in page.assessment.candidates}
        for article in page.body.find_all("article", "cause"):
            candidate = shown[str(article.attrs["id"]).removeprefix("cause-")]
            summary = article.find("p").text()
            assert candidate.summary.startswith(summary)
            assert 1 <= len(re.findall(r"[.!?](?:\s|$)", summary)) <= 2, summary
            text = article.text()
            for title, items in (
                ("What points to it:", candidate.evidence_for),
                ("What points away from it:", candidate.evidence_against),
            ):
                assert (title in text) == bool(items), (page.vignette.id, candidate.id, title)
                for item in items:
                    assert item.rationale in text
                    if item.answers:
                        assert describe_answers(knowledge_base, item.answers) in text
                checked_for += title.startswith("What points to") and bool(items)
                checked_against += title.startswith("What points away") and bool(items)
            small = article.find(cls="small").text()
            assert small.startswith(f"For the clinician: score {candidate.score} ")
            for item in [*candidate.evidence_for, *candidate.evidence_against]:
                assert f"{item.rule} ({item.weight:+d})" in small
    assert checked_for
    assert checked_against


def test_scores_and_rule_ids_stay_in_the_small_print(pages: list[Page]) -> None:
    for page in pages:
        for node in page.body.iter():
            for child in node.children:
                if isinstance(child, str) and "small" not in node.classes:
                    assert not re.search(r"\bscore\b|\b[a-z_]+\.[a-z_]+\b", child), (
                        page.vignette.id,
                        child,
                    )


def test_the_questions_for_the_doctor_are_listed(pages: list[Page]) -> None:
    for page in pages:
        questions = page.assessment.questions_for_doctor
        sections = page.body.find_all("section", "questions")
        if questions:
            [section] = sections
            assert [li.text() for li in section.find_all("li")] == [q.text for q in questions]
        else:
            assert sections == []


def test_the_answers_table_has_one_row_per_answer(
    pages: list[Page], knowledge_base: KnowledgeBase
) -> None:
    spoken_values = set()
    for page in pages:
        table = page.body.find("table", "answers")
        rows = table.find("tbody").find_all("tr")
        answers = page.assessment.answers
        assert len(rows) == len(answers), page.vignette.id
        for row, (question, value) in zip(rows, answers.items(), strict=True):
            assert row.find("th").text() == knowledge_base.catalogue[question].label
            assert row.find("td").text() == spoken(value)
            spoken_values.add(row.find("td").text())
    assert {"yes", "no", "don't know"} <= spoken_values
    assert any(value.isdigit() for value in spoken_values), "the age is shown as a number"


def test_no_answers_no_table(knowledge_base: KnowledgeBase) -> None:
    page = render_page(assess({}), knowledge_base, generated=GENERATED)
    root, builder = parse(page)
    assert builder.problems == []
    assert root.find_all("table") == []
    assert "No questions were answered." in root.find("section", "your-answers").text()


def test_the_page_is_dated_and_names_its_knowledge_base(pages: list[Page]) -> None:
    for page in pages:
        meta = page.body.find("header").find(cls="meta").text()
        info = page.assessment.knowledge_base
        assert "1 December 2026, 14:05" in meta
        assert info.version in meta
        assert info.fingerprint[:12] in meta
        assert "modified" not in page.body.text()


def test_a_time_zone_is_named_when_known(knowledge_base: KnowledgeBase) -> None:
    moment = datetime(2027, 3, 9, 8, 7, tzinfo=UTC)
    page = render_page(assess({"age": 45}), knowledge_base, generated=moment)
    assert "9 March 2027, 08:07 UTC" in page


def test_the_page_speaks_to_the_parent_or_carer_of_a_baby_or_child(pages: list[Page]) -> None:
    for page in pages:
        held = {finding.id for finding in page.assessment.findings}
        carer = page.body.find("header").find_all(cls="carer")
        if held & {"child", "fetus_or_newborn"}:
            [line] = carer
            assert "written for the parent or carer" in line.text()
        else:
            assert carer == [], page.vignette.id


def test_too_many_unknown_answers_are_flagged(pages: list[Page]) -> None:
    flagged = [page for page in pages if page.assessment.causes_uninformative]
    assert flagged
    for page in pages:
        said = "so this list tells little" in page.body.find("section", "causes").text()
        assert said == page.assessment.causes_uninformative, page.vignette.id


# --- rules folders edited by users ------------------------------------------------------------

HOSTILE = "fever <script>alert(1)</script> & <b>now</b>"


def test_text_from_a_modified_knowledge_base_is_escaped(tmp_path: Path, rules_copy: Path) -> None:
    folder = tmp_path / "rules <u>& co"
    rules_copy.rename(folder)
    questions = folder / "questions.toml"
    original = questions.read_text(encoding="utf-8")
    assert 'label = "fever now or recently"' in original
    questions.write_text(
        original.replace('label = "fever now or recently"', f'label = "{HOSTILE}"'),
        encoding="utf-8",
    )
    modified = load_knowledge_base(folder)
    assert modified.catalogue["fever"].label == HOSTILE
    assessment = assess({"fever": "yes", "night_sweats": "yes", "age": 45}, knowledge_base=modified)
    page = render_page(assessment, modified, generated=GENERATED)

    assert "<script" not in page
    assert "<b>" not in page
    assert "<u>" not in page
    assert "fever &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;now&lt;/b&gt;" in page
    root, builder = parse(page)
    assert builder.problems == []
    assert not {node.tag for node in root.iter()} & {"script", "b", "u"}
    rows = {
        row.find("th").text(): row.find("td").text()
        for row in root.find("table", "answers").find_all("tr")[1:]
    }
    assert rows[HOSTILE] == "yes", "the label reads as it was written"
    # Made with a modified knowledge base: the page says so, and where it came from.
    notice = root.find("header").find(cls="modified").text()
    assert notice.startswith(f"Made with a modified knowledge base from {folder}")
    assert "rules &lt;u&gt;&amp; co" in page


# --- the module --------------------------------------------------------------------------------


def test_the_page_module_is_pure() -> None:
    """No I/O, no click, no experta: the page is a function of the assessment."""
    source = Path(livertriage.__file__).with_name("page.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in {"open", "print", "input", "exec", "eval"}
    forbidden = {"click", "experta", "os", "sys", "io", "pathlib", "subprocess", "socket", "urllib"}
    assert not imported & forbidden
