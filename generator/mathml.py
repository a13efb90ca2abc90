"""LaTeX math in plain text (abstracts) turned into MathML at build time: no script, works offline; and the
text's web addresses made links.

Pure: text in, escaped HTML out. latex2mathml copies parts of its input into its output
unescaped (\\text{...}, \\href{...}), so its MathML is rebuilt through an allow-list.
"""
from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

from latex2mathml.converter import convert
from markupsafe import Markup

from generator.render import single_spaced

# Display math first, so `$$` is not read as two empty inline spans. Inline `$...$` follows the
# Pandoc rule (no space inside the dollars, no digit right after) so prices such as $5 stay text.
MATH = re.compile(
    r"\$\$(?P<d1>.+?)\$\$"
    r"|\\\[(?P<d2>.+?)\\\]"
    r"|\\\((?P<i1>.+?)\\\)"
    r"|(?<![\\$])\$(?P<i2>[^\s$](?:[^$]*?[^\s\\$])?)\$(?!\d)",
    re.S,
)

# A web address written in the text: http(s) only, up to a space, quote, angle bracket or brace (LaTeX's
# \url{...} and \href{...}{...} leave braces around one).
WEB_ADDRESS = re.compile(r"https?://[^\s<>\"'{}\\^`|]+")
# Punctuation that ends a sentence after an address, not the address ('... is available at https://x.org/y.').
TRAILING_PUNCTUATION = ".,;:!?"

MATHML_TAGS = frozenset(
    "math mrow mi mn mo ms mtext mspace msub msup msubsup munder mover munderover mfrac msqrt mroot "
    "mfenced menclose mpadded mphantom mstyle mtable mtr mtd mlabeledtr semantics annotation merror".split())
MATHML_ATTRIBUTES = frozenset(
    "xmlns display mathvariant stretchy fence separator separators open close lspace rspace accent "
    "accentunder movablelimits linethickness columnalign rowalign columnspacing rowspacing width height "
    "depth notation minsize maxsize symmetric largeop form scriptlevel displaystyle columnlines "
    "rowlines frame framespacing equalrows equalcolumns encoding".split())


class _AllowList(HTMLParser):
    """Re-serialises markup keeping only MathML presentation elements and harmless attributes.

    Tags are kept balanced: text copied from the LaTeX (`\\text{</math>}`) can hold end tags, and a
    stray `</math>` must not close the formula early and leave its remains in the page.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in MATHML_TAGS:
            kept = "".join(f' {name}="{escape(value or "")}"' for name, value in attrs if name in MATHML_ATTRIBUTES)
            self.out.append(f"<{tag}{kept}>")
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in self.open:
            while self.open:
                closed = self.open.pop()
                self.out.append(f"</{closed}>")
                if closed == tag:
                    break

    def handle_data(self, data):
        self.out.append(escape(data, quote=False))

    def close(self):
        super().close()
        self.out.extend(f"</{tag}>" for tag in reversed(self.open))
        self.open.clear()


def safe_mathml(markup: str) -> str:
    """MathML with every element and attribute outside the allow-list dropped, text escaped, tags balanced."""
    parser = _AllowList()
    parser.feed(markup)
    parser.close()
    return "".join(parser.out)


def latex_to_mathml(latex: str, display: bool) -> str | None:
    """One formula as safe MathML, or None when latex2mathml cannot read it."""
    try:
        markup = convert(latex.strip(), display="block" if display else "inline")
    except Exception:  # latex2mathml raises many kinds on malformed input; the text is then shown as written
        return None
    return safe_mathml(markup)


def text_with_math(text: str | None) -> Markup:
    """Plain text with its LaTeX math spans as MathML and its web addresses as links; everything else HTML-escaped."""
    if not text:
        return Markup("")
    text = single_spaced(text)
    if "$" not in text and "\\" not in text:
        return Markup(with_links(text))  # no math delimiter at all: most abstracts, at a fraction of the cost
    parts: list[str] = []
    position = 0
    for match in MATH.finditer(text):
        latex = next(value for value in match.groupdict().values() if value is not None)
        display = match.group("d1") is not None or match.group("d2") is not None
        mathml = latex_to_mathml(latex, display)
        parts.append(with_links(text[position:match.start()]))
        parts.append(mathml if mathml is not None else f"<code>{escape(match.group(0), quote=False)}</code>")
        position = match.end()
    parts.append(with_links(text[position:]))
    return Markup("".join(parts))


def with_links(text: str) -> str:
    """Plain text HTML-escaped, each web address in it a link (see WEB_ADDRESS)."""
    if "://" not in text:
        return escape(text, quote=False)
    parts: list[str] = []
    position = 0
    for match in WEB_ADDRESS.finditer(text):
        address = address_without_trailing_punctuation(match.group(0))
        if address.endswith("://"):   # no host left: 'https://.' is punctuation
            continue
        parts.append(escape(text[position:match.start()], quote=False))
        parts.append(f'<a href="{escape(address)}">{escape(address, quote=False)}</a>')
        position = match.start() + len(address)
    parts.append(escape(text[position:], quote=False))
    return "".join(parts)


def address_without_trailing_punctuation(address: str) -> str:
    """A matched address without the sentence's punctuation after it, nor a closing parenthesis it did not open
    ('(see https://x.org/a_(b))' keeps its own). Linear in the address, however many parentheses close it."""
    end, unopened = len(address), address.count(")") - address.count("(")
    while end:
        if address[end - 1] in TRAILING_PUNCTUATION:
            end -= 1
        elif address[end - 1] == ")" and unopened > 0:
            end, unopened = end - 1, unopened - 1
        else:
            break
    return address[:end]


