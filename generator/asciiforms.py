"""Text in ASCII, the way authors write it without other letters: what the theme step tokenizes, and what ids,
slugs, citation keys and the duplicate check compare. 'Schrödinger' is 'Schrodinger', 'α-synuclein'
'alpha-synuclein', 'Søgaard' 'Sogaard'."""
from __future__ import annotations

import functools
import re
import unicodedata

NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")
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
    greek = GREEK_LETTER_RE.fullmatch(unicodedata.name(letters, "")) if len(letters) == 1 else None
    if greek:
        name = GREEK_SPELLINGS.get(greek["name"], greek["name"])
        return name.capitalize() if greek["case"] == "CAPITAL" else name.lower()
    return "#"


def ascii_text(text: str) -> str:
    """The text with each non-ASCII character replaced as ascii_char says."""
    return text if text.isascii() else NON_ASCII_RE.sub(lambda m: ascii_char(m.group()), text)
