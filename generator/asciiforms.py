"""Text in ASCII, the way authors write it without other letters: what the theme step tokenizes, and what ids,
slugs, citation keys and the duplicate check compare. 'Schrödinger' is 'Schrodinger', 'α-synuclein'
'alpha-synuclein', 'Søgaard' 'Sogaard'."""
from __future__ import annotations

import functools
import re
import unicodedata

NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")
# A word as written: letters, digits and inner hyphens (Unicode letters too: 'Schrödinger', 'α-synuclein').
WRITTEN_WORD_RE = re.compile(r"[^\W_](?:[\w-]*[^\W_])?")
UNICODE_HYPHENS = "\u2010\u2011"
# Latin letters without a decomposition into ASCII ones.
LETTERS_WITHOUT_DECOMPOSITION = {"ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe", "ł": "l",
                                 "Ł": "L", "đ": "d", "Đ": "D", "ß": "ss", "ı": "i", "þ": "th", "Þ": "Th", "ð": "d",
                                 "Ð": "D"}
GREEK_LETTER_RE = re.compile(r"GREEK (?P<case>SMALL|CAPITAL) LETTER (?:FINAL )?(?P<name>[A-Z]+)")
# Unicode names λ 'LAMDA'; authors write 'lambda' (as LaTeX's \lambda).
GREEK_SPELLINGS = {"LAMDA": "LAMBDA"}


@functools.lru_cache(maxsize=4096)
def ascii_char(char: str) -> str:
    """A non-ASCII character as the ASCII the tokenizer sees, the way authors write it in ASCII: a space; a hyphen
    for the Unicode hyphens ('pre\u2010trained'); a letter's ASCII letters ('é' -> 'e', the ligature 'ﬁ' PDF copy
    leaves in 'classiﬁcation' -> 'fi', 'ø' -> 'o'), or a Greek letter's name ('α' -> 'alpha', 'Σ' -> 'Sigma');
    anything else a break. A letter keeps its case, which display forms read."""
    if char.isspace():
        return " "
    if char in UNICODE_HYPHENS:
        return "-"
    if not unicodedata.category(char).startswith("L"):
        return "#"
    letters = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    letters = LETTERS_WITHOUT_DECOMPOSITION.get(letters, letters)
    if letters.isascii() and letters.isalpha():
        return letters
    return (greek_letter_name(letters) if len(letters) == 1 else None) or "#"


@functools.lru_cache(maxsize=256)
def greek_letter_name(char: str) -> str | None:
    """A Greek letter's name as authors write it in ASCII ('α' -> 'alpha', 'Σ' -> 'Sigma', 'λ' -> 'lambda'; accents
    aside: 'ά' -> 'alpha'), or None for any other character."""
    greek = GREEK_LETTER_RE.fullmatch(unicodedata.name(unicodedata.normalize("NFD", char)[:1], ""))
    if greek is None:
        return None
    name = GREEK_SPELLINGS.get(greek["name"], greek["name"])
    return name.capitalize() if greek["case"] == "CAPITAL" else name.lower()


def ascii_text(text: str) -> str:
    """The text with each non-ASCII character replaced as ascii_char says."""
    return text if text.isascii() else NON_ASCII_RE.sub(lambda m: ascii_char(m.group()), text)


def words_with_other_letters(text: str) -> list[str]:
    """The words of a text written with letters other than ASCII ones ('Schrödinger', 'α-synuclein')."""
    # most texts are ASCII, most others hold only typographic quotes and dashes
    if text.isascii() or not any(char.isalpha() for char in NON_ASCII_RE.findall(text)):
        return []
    return [word for word in WRITTEN_WORD_RE.findall(text) if not word.isascii()]


def ascii_spellings(texts: list[str]) -> list[str]:
    """The ASCII spelling of each word the texts write with other letters, once each, in order: 'Schölkopf' ->
    'Scholkopf', 'α-synuclein' -> 'alpha-synuclein', 'naïve' -> 'naive'. What a reader types for them."""
    spellings: dict[str, str] = {}   # by lower case: search reads no case
    for word in (ascii_text(word) for text in texts for word in words_with_other_letters(text)):
        if "#" not in word:
            spellings.setdefault(word.lower(), word)
    return list(spellings.values())


# The names of the 24 letters, 'alpha' to 'omega' (LaTeX's \alpha to \omega).
GREEK_LETTER_NAMES = frozenset(greek_letter_name(chr(code)) for code in range(ord("α"), ord("ω") + 1))


def ascii_words(text: str) -> list[str]:
    """The lowercase ASCII words (letters and digits) of a text: what ids and tags are made of ('Graph NNs' ->
    ['graph', 'nns'])."""
    return re.findall(r"[a-z0-9]+", ascii_text(text).lower())
