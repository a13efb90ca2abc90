"""The YAML edge: the fast path agrees with PyYAML on everything it accepts; hostile text gets exact messages."""
from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

from generator.yamlfile import parse_yaml, pyyaml_document, simple_document

EXAMPLES = int(os.environ.get("READINGLIST_HYPOTHESIS_EXAMPLES", "300"))

# Characters that matter to YAML, a few letters and digits, and text from other scripts.
CHARS = st.sampled_from(list("ab yz09:#-'\"[]{},&*!|>%@`?\\/.~=<") + ["é", "→", "🙂", "\u00a0", "\u2003"])
TEXT = st.text(CHARS, max_size=12)
KEYS = st.sampled_from(["title", "abstract", "tags", "a-b", "x_y", "yes", "on", "null", "no_", "Y", "2020",
                        "notes", "t"])
INDENT = st.sampled_from(["", " ", "  ", "    "])


def plain_lines(draw) -> str:
    first = draw(TEXT)
    rest = draw(st.lists(st.tuples(st.sampled_from(["", "\n", "\n  \n"]), INDENT, TEXT), max_size=3))
    return first + "".join(f"{blank}\n{indent}{text}" for blank, indent, text in rest)


@st.composite
def values(draw) -> str:
    kind = draw(st.sampled_from(["plain", "multi", "single", "double", "block", "flow", "literal", "empty",
                                 "scalar"]))
    if kind == "plain":
        return " " + draw(TEXT)
    if kind == "multi":
        return " " + plain_lines(draw)
    if kind == "single":
        return " '" + plain_lines(draw).replace("'", draw(st.sampled_from(["''", "'"]))) + "'" + draw(
            st.sampled_from(["", " ", " x"]))
    if kind == "double":
        body = plain_lines(draw).replace('"', draw(st.sampled_from(['\\"', '"'])))
        return ' "' + body + draw(st.sampled_from(["", "\\n", "\\u00e9", "\\x41", "\\q", "\\U0001F642"])) + '"'
    if kind == "block":
        indent = draw(INDENT)
        items = draw(st.lists(st.one_of(TEXT, TEXT.map(lambda t: f"'{t}'"), TEXT.map(lambda t: f'"{t}"')),
                              max_size=3))
        return "".join(f"\n{indent}- {item}" for item in items) + draw(st.sampled_from(["", "\n", "\n  x"]))
    if kind == "flow":
        items = draw(st.lists(st.one_of(TEXT, TEXT.map(lambda t: f"'{t}'"), TEXT.map(lambda t: f'"{t}"')),
                              max_size=3))
        return " [" + ", ".join(items) + "]" + draw(st.sampled_from(["", " ", ","]))
    if kind == "literal":
        header = draw(st.sampled_from(["|", "|-", "|+", ">", "|2"]))
        lines = draw(st.lists(st.tuples(st.sampled_from(["  ", "   ", " ", ""]), TEXT), min_size=0, max_size=4))
        return f" {header}" + "".join(f"\n{indent}{text}" for indent, text in lines)
    if kind == "empty":
        return draw(st.sampled_from(["", " ", "  "]))
    return " " + draw(st.sampled_from(["2024", "2024-02-30", "2024-01-05", "0o17", "017", "1_000", "3.5", "yes",
                                       "Off", "~", "null", "-1", "+1", "0x1F", "1:30", ".inf", "<<", "="]))


@st.composite
def documents(draw) -> str:
    parts = []
    for key, value in draw(st.lists(st.tuples(KEYS, values()), min_size=1, max_size=5)):
        parts.append(draw(st.sampled_from(["", "# comment\n", "\n", "  \n"])) + f"{key}:{value}")
    return "\n".join(parts) + draw(st.sampled_from(["", "\n", "\n\n", "\n# end"]))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
@example("title:\n-  0")   # spaces after the dash: the item is 0, not ' 0'
@example("title:\n-  =")   # '=' is YAML's value tag, which PyYAML refuses
def test_the_fast_path_reads_what_pyyaml_reads(text):
    fast = simple_document(text)
    reference, problems = pyyaml_document(text, "x.yml")
    if fast is None:
        return
    assert problems == [] and reference is not None, text
    assert (fast.data, fast.lines) == (reference.data, reference.lines), text


@pytest.mark.parametrize("text", [
    "title: A\nabstract: b\n",
    "# schema comment\ntitle: 'It''s\n  folded'\ntags:\n- a\n- b\n",
    'title: "Caf\\u00e9 \\"x\\""\nnotes: |\n  line\n\n    indented\n',
    "title: A\nabstract: plain text\n  -- folded, \"quoted\"\n\n  next paragraph\n",
    "title: A\ntags: [a, 'b c', \"d\"]\nyear: 2024\nadded: 2024-01-05\n",
])
def test_the_fast_path_takes_the_common_forms(text):
    fast = simple_document(text)
    reference, _ = pyyaml_document(text, "x.yml")
    assert fast is not None and (fast.data, fast.lines) == (reference.data, reference.lines)


# Each hostile or broken text, and the exact problems reported for it (path x.yml).
BROKEN = [
    ("\ufefftitle: A\n", ["x.yml:1: starts with an invisible byte-order mark (U+FEFF); save the file as UTF-8 "
                          "without BOM"]),
    ("title: A\n\tabstract: b\n", ["x.yml:2: a tab indents this line; YAML indents with spaces only"]),
    ("title: " + "a" * 20_001 + "\n", ["x.yml:1: this line is 20,008 characters long; lines are limited to "
                                       "20,000 (break long text over several lines)"]),
    ("title: [a\n", ["x.yml:1: the '[' opened at column 8 is never closed; add the ']'"]),
    ("title: {a: b\n", ["x.yml:1: the '{' opened at column 8 is never closed; add the '}'"]),
    ("tags: [a, b\nabstract: x\n", ["x.yml:1: the '[' opened at column 7 is never closed; add the ']'"]),
    ('title: "Broken\nabstract: x\n', ["x.yml:1: the quoted value opened at column 8 is never closed; add the "
                                        "closing quote"]),
    ("title: 'Let's agree'\nabstract: x\n", ["x.yml:1: the quoted value ends at column 12 but the line goes on: a ' "
                                             "inside a '...' value ends it; write it twice ('Let''s') or quote the "
                                             'value with "..."']),
    ('title: "A "quoted" word"\n', ['x.yml:1: the quoted value ends at column 11 but the line goes on: a " inside a '
                                    '"..." value ends it; write it as \\" or quote the value with \'...\'']),
    ("title: a\x00b\n", ["x.yml:1: contains the control character U+0000 at column 9, which YAML does not allow; "
                          "remove it"]),
    ("title: x\n  y: z\n", ["x.yml:2: this is not valid YAML at column 4: mapping values are not allowed here"]),
    ("title: Attention: a survey\nabstract: x\n", ['x.yml:1: title: the value holds \': \', which YAML reads as the '
                                                  'start of another key; put the whole value in quotes: '
                                                  'title: "Attention: a survey"']),
    ('year: 2020\ntitle: The "Lottery": a note\n', ["x.yml:2: title: the value holds ': ', which YAML reads as the "
                                                    "start of another key; put the whole value in quotes: title: 'The "
                                                    "\"Lottery\": a note'"]),
    ("code:\n  - https://a.org\n  - see: https://b.org\n  - x: y: z\n", ["x.yml:4: the value holds ': ', which YAML "
                                                                     "reads as the start of another key; put the whole "
                                                                     'value in quotes: - "x: y: z"']),
    ("title: The Lottery: a\n  note on it\nyear: 2020\n", ["x.yml:1: title: the value holds ': ', which YAML reads as "
                                                          "the start of another key; put the whole value in quotes: "
                                                          'title: "The Lottery: a ..."']),
    ("authors:\n  - A B\n  C D\nyear: 2017\n", ["x.yml:3: this line is neither 'key: value' nor a list item "
                                                  "'- value'; add the missing ':' or '- '"]),
    ("title: a\ntitle: b\n", ["x.yml:2: title: appears twice; keep one"]),
    ("a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
     "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
     ["x.yml:1: aliases (*name) expand this file to more than 10,000 values; write the values out instead of "
      "repeating anchors"]),
]


@pytest.mark.parametrize("text, expected", BROKEN)
def test_each_broken_text_gets_its_exact_message(text, expected):
    doc, problems = parse_yaml(text, "x.yml")
    assert [str(p) for p in problems] == expected
    assert doc is None or expected[0].endswith("keep one")
