"""Checks across entries: duplicates and the tag vocabulary. Pure: papers in, problems out.

load_catalog calls these, so `readinglist build` and `readinglist check` report the same
problems; `add` and `import` ask the same DuplicateIndex before writing a new entry.
"""
from __future__ import annotations

import datetime as dt
import difflib
import functools
import itertools
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Sequence
from urllib.parse import urlsplit

from generator.asciiforms import ascii_text
from generator.errors import Problem
from generator.parallel import parallel_map
from generator.schema import Labels, Paper, VocabularyTag

# Two titles at least this alike (difflib ratio of their normalized forms) are near duplicates.
NEAR_RATIO = 0.9
# Near-duplicate candidates are looked up by groups of this many of their rarest words (see DuplicateIndex).
KEY_WORDS = 4
# Titles with more distinct words than this are looked up by single words (their groups would be too many).
GROUP_KEYS_UP_TO = 23

VERSION_SUFFIX_RE = re.compile(
    r"\s+v\d+$|\s*[(\[]v\d+[)\]]$"
    r"|\s*[(\[][^()\[\]]*\b(?:version|abstract|preprint|draft)[)\]]$"
    r"|[\s:,-]+(?:extended|full|long|short|revised|updated|journal|conference|camera[- ]ready)\s+"
    r"(?:version|abstract)$"
)


@dataclass(frozen=True)
class Duplicate:
    """A paper that repeats an earlier one: which, by what key, and how sure we are."""

    paper: Paper
    original: Paper
    key: str
    reason: str
    near: bool = False


WORD_RE = re.compile(r"[a-z0-9]+")


def plain_title(title: str) -> str:
    """A title reduced to lowercase ASCII words: case, accents and punctuation do not count."""
    return " ".join(WORD_RE.findall(ascii_text(title).lower()))


@functools.lru_cache(maxsize=1 << 16)
def normalize_title(title: str) -> str:
    """A title without case, punctuation or a version suffix such as 'v2' or '(extended version)'."""
    text = " ".join(title.lower().split())
    while may_have_version_suffix(text) and (stripped := strip_version_suffix(text)) != text and stripped:
        text = stripped
    return plain_title(text)


def may_have_version_suffix(text: str) -> bool:
    """Whether VERSION_SUFFIX_RE could match: each of its forms ends in a digit, a bracket or one of two words."""
    return bool(text) and (text[-1].isdigit() or text[-1] in ")]" or text.endswith(("version", "abstract")))


def strip_version_suffix(text: str) -> str:
    # Searching only the tail keeps the end-anchored pattern from rescanning long titles.
    tail_start = max(0, len(text) - 48)
    match = VERSION_SUFFIX_RE.search(text, tail_start)
    return text[:match.start()].rstrip(" :-,") if match else text


def normalize_url(url: str) -> str:
    """A URL compared loosely: no scheme, 'www.', fragment or trailing slash; host in lowercase."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{parts.path.rstrip('/')}{query}"


ARXIV_URL_RE = re.compile(r"arxiv\.org/(?:abs|pdf)/([^?#]+?)(?:v\d+)?(?:\.pdf)?$")
DOI_URL_RE = re.compile(r"doi\.org/(10\.\S+)$")


def identifiers(paper: Paper) -> list[tuple[str, str, str]]:
    """(field, kind, value) of every identifier of a paper; arXiv and doi.org links count as ids."""
    found = []
    if paper.doi:
        found.append(("doi", "DOI", paper.doi.lower()))
    if paper.arxiv:
        found.append(("arxiv", "arXiv id", re.sub(r"v\d+$", "", paper.arxiv.lower())))
    for name in ("url", "pdf"):
        url = getattr(paper, name)
        if not url:
            continue
        loose = normalize_url(url)
        if match := ARXIV_URL_RE.search(loose):
            found.append((name, "arXiv id", match.group(1)))
        elif match := DOI_URL_RE.search(loose):
            found.append((name, "DOI", match.group(1).lower()))
        else:
            found.append((name, "URL", loose))
    return list(dict.fromkeys(found))


def title_words(normalized: str) -> list[str]:
    return sorted(set(normalized.split()))


def tolerance(size: int) -> int:
    """How many of its words the longer of two titles may lack in the other and still be a near duplicate."""
    return max(2, size // 4)


@functools.lru_cache(maxsize=None)
def required_overlap(longest: int) -> int:
    """Words two titles must share to be near duplicates, given the word count of the longer one."""
    return longest - tolerance(longest)


# Pairs of titles this short may share fewer than KEY_WORDS words; such titles go under single words.
SHORT_TITLE_WORDS = max(n for n in range(1, KEY_WORDS + 3) if required_overlap(n) < KEY_WORDS)
# The fewest words a title near one longer than GROUP_KEYS_UP_TO words can have.
LONG_PARTNERS_FROM = required_overlap(GROUP_KEYS_UP_TO + 1)


# Matching a thousand titles takes about a tenth of a second: below this, starting processes costs more.
PARALLEL_MATCHING_FROM = 5_000
# From this many papers a build runs the whole check on another core while the themes are formed.
BACKGROUND_FROM = 5_000


class DuplicateIndex:
    """Papers seen so far, looked up by identifier, by normalized title and by their rarest title words.

    Near duplicates share all but `tolerance` of their words (required_overlap), and at least one. With
    the words of every title in one order (rarest first), the KEY_WORDS first words two such titles
    have in common lie among the first tolerance + KEY_WORDS words of each (the prefix filter of set
    similarity joins). So a title is filed under every group of KEY_WORDS words taken from its first
    words, and a new title meets only the titles filed under a group it has too, instead of every
    title sharing a common word. Titles too short to share KEY_WORDS words, and titles too long to
    list their groups, are filed under single words (their first tolerance + 1), which only titles of
    a size they could match look up.
    """

    def __init__(self, papers: Iterable[Paper] = (), word_counts: Counter | None = None):
        self.by_id: dict[tuple[str, str], Paper] = {}
        self.by_title: dict[str, Paper] = {}
        # A group's hash stands for it (a collision only adds a candidate near_candidates rejects), and a
        # group one title holds, as most do, maps to that title's number: a 100,000-entry list files
        # millions of groups, and tuples and one-item lists for each took most of the memory and time.
        self.by_group: dict[int, int | list[int]] = {}
        self.short_by_word: dict[int, list[int]] = defaultdict(list)
        self.long_by_word: dict[int, list[int]] = defaultdict(list)
        # Per indexed title, by arrival number: normalized text, word bits, word count, paper.
        self.titles: list[tuple[str, int, int, Paper]] = []
        # Letter counts of the titles that turned out to be candidates, by arrival number.
        self.letters: dict[int, Counter] = {}
        papers = list(papers)
        self.word_counts = word_counts if word_counts is not None else Counter(
            w for p in papers for w in title_words(normalize_title(p.title)))
        self.word_ids: dict[str, int] = {}
        self._last: tuple = (None,)
        for paper in papers:
            self.add(paper)

    def prepared(self, paper: Paper) -> tuple[list, str, list[int], tuple]:
        """The paper's identifiers, normalized title, word ids (rarest first) and index keys.

        Kept for the `add` that follows a `match` of the same paper.
        """
        if self._last[0] is not paper:
            normalized = normalize_title(paper.title or "")
            words = self.rarest_first(normalized)
            self._last = (paper, identifiers(paper), normalized, words, self.keys(words))
        return self._last[1:]

    def rarest_first(self, normalized: str) -> list[int]:
        """The ids of the title's distinct words, rarest first; ties broken alphabetically so every run agrees."""
        counts, ids = self.word_counts, self.word_ids
        words = sorted(set(normalized.split()), key=lambda w: (counts[w], w))
        return [ids.setdefault(w, len(ids)) for w in words]

    @staticmethod
    def keys(words: list[int]) -> tuple[list[int], list[int], list[int]]:
        """The word groups (hashed), short-title words and long-title words a title (word ids, rarest first) is
        filed under."""
        size = len(words)
        groups = list(map(hash, itertools.combinations(words[:tolerance(size) + KEY_WORDS], KEY_WORDS))) \
            if size <= GROUP_KEYS_UP_TO else []
        first = words[:tolerance(size) + 1]
        return groups, first if size <= SHORT_TITLE_WORDS else [], first if size >= LONG_PARTNERS_FROM else []

    def add(self, paper: Paper) -> tuple:
        """File the paper under its next arrival number; returns what `prepared` made of it."""
        made = self.prepared(paper)
        found, normalized, words, (groups, short, long) = made
        for _, kind, value in found:
            self.by_id.setdefault((kind, value), paper)
        self.by_title.setdefault(normalized, paper)
        number = len(self.titles)
        self.titles.append((normalized, word_bits(words), len(words), paper))
        by_group = self.by_group
        for group in groups:
            held = by_group.setdefault(group, number)
            if held is not number:
                if isinstance(held, int):
                    by_group[group] = [held, number]
                else:
                    held.append(number)
        for word in short:
            self.short_by_word[word].append(number)
        for word in long:
            self.long_by_word[word].append(number)
        return made

    def match(self, paper: Paper) -> Duplicate | None:
        """The first paper of the index this new one repeats, by identifier, then title, then near title."""
        return self.match_filed(paper, self.prepared(paper), len(self.titles))

    def match_filed(self, paper: Paper, made: tuple, before: int) -> Duplicate | None:
        """match() against the papers filed before arrival number `before` only; `made` is what
        `prepared` made of the paper. The paper itself may be filed (at `before`): filing never replaces
        an earlier paper, so the papers each identifier and title lead to are the earliest."""
        for name, kind, value in made[0]:
            original = self.by_id.get((kind, value))
            if original is not None and original is not paper:
                return Duplicate(paper, original, name, f"has the same {kind} ({value})")
        if paper.title is None:
            return None
        return self._title_match(paper, made, before)

    def near_candidates(self, words: list[int], keys: tuple, before: int) -> list[int]:
        """Titles filed before arrival number `before` sharing enough words with a title of these words to be
        near it."""
        groups, short, long = keys
        found: set[int] = set()
        by_group = self.by_group
        for group in groups:
            held = by_group.get(group)
            if held is None:
                continue
            if isinstance(held, int):
                found.add(held)
            else:
                found.update(held)
        for word in short:
            found.update(self.short_by_word.get(word, ()))
        for word in long:
            found.update(self.long_by_word.get(word, ()))
        bits, size, titles = word_bits(words), len(words), self.titles
        own = required_overlap(size)  # what a title no longer than this one must share with it
        near = []
        for number in found:
            if number >= before:
                continue
            _, other_bits, other_size, _ = titles[number]
            shared = (bits & other_bits).bit_count()
            if shared and shared >= (own if other_size <= size else required_overlap(other_size)):
                near.append(number)
        return sorted(near)

    def _title_match(self, paper: Paper, made: tuple, before: int) -> Duplicate | None:
        _, normalized, words, keys = made
        allowed = lambda other: other.id not in paper.distinct_from and paper.id not in other.distinct_from
        original = self.by_title.get(normalized)
        if original is not None and original is not paper and allowed(original):
            same = plain_title(original.title) == plain_title(paper.title)
            reason = "has the same title" if same else f"has the same title but for a version suffix " \
                                                       f"({original.title!r})"
            return Duplicate(paper, original, "title", reason, near=not same)
        best, letters = None, None
        for number in self.near_candidates(words, keys, before):
            other_title, _, _, other = self.titles[number]
            if not allowed(other):
                continue
            other_letters = self.letters.get(number) or self.letters.setdefault(number, Counter(other_title))
            at_least = best[0] if best else NEAR_RATIO
            letters = letters or Counter(normalized)
            # Letters in common bound the ratio too (difflib's quick_ratio), from counts kept in the index.
            if 2 * shared_letters(letters, other_letters) < at_least * (len(normalized) + len(other_title)):
                continue
            # Ties keep the earlier paper: candidates come in arrival order and only a higher ratio replaces.
            ratio = title_similarity(normalized, other_title, at_least=at_least)
            if ratio >= NEAR_RATIO and (best is None or ratio > best[0]):
                best = (ratio, other)
        if best:
            return Duplicate(paper, best[1], "title", f"has a nearly identical title ({best[1].title!r}, "
                                                      f"{best[0]:.0%} alike)", near=True)
        return None


def shared_letters(a: Counter, b: Counter) -> int:
    """How many characters two strings have in common, counted with multiplicity."""
    if len(a) > len(b):
        a, b = b, a
    return sum(min(count, b[char]) for char, count in a.items())


def word_bits(words: list[int]) -> int:
    """A set of word ids as the bits of one integer, so two titles' shared words are one AND and a count."""
    bits = 0
    for word in words:
        bits |= 1 << word
    return bits


def lcs_length(a: str, b: str) -> int:
    """Length of the longest common subsequence of two strings (bit-parallel, Hyyrö 2004).

    A common prefix and suffix belong to some longest common subsequence, so they are counted and cut
    off first: alike titles often share most of their beginning or end.
    """
    same = len(os.path.commonprefix((a, b)))
    if same:
        a, b = a[same:], b[same:]
    end = len(os.path.commonprefix((a[::-1], b[::-1])))
    if end:
        a, b = a[:-end], b[:-end]
    return same + end + _lcs_bits(a, b)


def _lcs_bits(a: str, b: str) -> int:
    masks: dict[str, int] = {}
    for index, char in enumerate(a):
        masks[char] = masks.get(char, 0) | (1 << index)
    full = (1 << len(a)) - 1
    row = full
    for char in b:
        matched = row & masks.get(char, 0)
        row = ((row + matched) | (row - matched)) & full
    return len(a) - row.bit_count()


def title_similarity(a: str, b: str, at_least: float = NEAR_RATIO) -> float:
    """difflib's ratio of two normalized titles, or 0.0 when it cannot reach `at_least`.

    difflib's matching blocks form a common subsequence, so twice the longest one over both lengths
    bounds its ratio from above at a small fraction of its cost.
    """
    total = len(a) + len(b)
    if not total or 2 * min(len(a), len(b)) < at_least * total or 2 * lcs_length(a, b) < at_least * total:
        return 0.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def arrival(paper: Paper) -> tuple:
    """Order in which papers joined the list; an entry without `added` is taken as the newest."""
    return (paper.added or dt.date.max, paper.id)


def find_duplicates(papers: Sequence[Paper], parallel: bool = True) -> list[Duplicate]:
    """Every paper that repeats one added before it (each pair reported once, on the newer entry);
    `parallel=False` keeps the matching in this process (a background worker cannot start others)."""
    ordered = sorted(papers, key=arrival)
    counts = Counter(w for p in ordered for w in title_words(normalize_title(p.title)))
    index = DuplicateIndex(word_counts=counts)
    made = [index.add(paper) for paper in ordered]
    # Every paper is filed first; each is then matched against those filed before it, on every core
    # for long lists.
    check = lambda number: index.match_filed(ordered[number], made[number], number)
    batches = parallel_map(check, range(len(ordered)), parallel=parallel and len(ordered) >= PARALLEL_MATCHING_FROM)
    return [duplicate for batch in batches for duplicate in batch if duplicate]


def duplicate_message(duplicate: Duplicate, keep_both: str = "add 'distinct_from: [{id}]' to this entry") -> str:
    """What a contributor reads about a duplicate; title matches say how to keep both papers."""
    original = duplicate.original
    keep_both = keep_both.format(id=original.id)
    if duplicate.near:
        return (f"looks like a duplicate of {original.source}, which {duplicate.reason}; if they are "
                f"different papers, {keep_both}")
    if duplicate.key == "title":
        return (f"duplicate of {original.source}, which {duplicate.reason}; keep one entry, or if they are "
                f"different papers {keep_both}")
    return f"duplicate of {original.source}, which {duplicate.reason}; keep one entry"


def duplicate_problems(papers: Sequence[Paper], lines: dict[str, dict[str, int]],
                       parallel: bool = True) -> list[Problem]:
    """Duplicates as problems on the later file: same identifier or title are errors, near ones warnings."""
    problems = []
    for duplicate in find_duplicates(papers, parallel):
        paper = duplicate.paper
        line = lines.get(paper.id, {}).get(duplicate.key)
        severity = "warning" if duplicate.near else "error"
        problems.append(Problem(paper.source, line, duplicate.key, duplicate_message(duplicate), severity))
    return problems


def vocabulary_problems(papers: Sequence[Paper | Labels], vocabulary: Sequence[VocabularyTag], vocabulary_rel: str,
                        lines: dict[str, dict[str, int]]) -> list[Problem]:
    """Tags outside content/tags.yml, as warnings naming the closest declared tag."""
    known = [tag.slug for tag in vocabulary]
    if not known:
        return []
    problems = []
    for paper in papers:
        for index, tag in enumerate(paper.tags):
            if tag in known:
                continue
            close = difflib.get_close_matches(tag, known, n=1, cutoff=0.6)
            hint = f"closest existing tag: '{close[0]}'" if close else f"add it to {vocabulary_rel} or pick one there"
            line = lines.get(paper.id, {}).get(f"tags.{index}")
            problems.append(Problem(paper.source, line, "tags",
                                    f"'{tag}' is not in {vocabulary_rel}; {hint}", "warning"))
    return problems


# Reporting `readinglist check`: the result as text for people, JSON for tools, annotations for GitHub.

@dataclass(frozen=True)
class CheckResult:
    """What `check` found: the problems reported, which of them fail the run, theme suggestions."""

    entries: int
    problems: tuple[Problem, ...]
    strict: bool
    suggestions: dict[str, tuple[tuple[str, float], ...]]
    themes: str  # where themes come from: "curated" (content/themes.yml), "locked" (the lock) or "automatic"
    names: dict[str, str] = field(default_factory=dict)   # each suggested theme's name, by slug

    @property
    def errors(self) -> int:
        return sum(p.is_error for p in self.problems)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors

    @property
    def failing(self) -> bool:
        return bool(self.errors or (self.strict and self.warnings))


def select_problems(problems: Sequence[Problem], paths: Sequence[str], papers_rel: str) -> list[Problem]:
    """The problems of the given files plus those of shared files (config, themes, tags); all without paths."""
    if not paths:
        return list(problems)
    wanted = set(paths)
    return [p for p in problems if p.path in wanted or not p.path.startswith(papers_rel + "/")]


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 entry', '2 entries': the count with the word in the right number."""
    return f"{count} {word if count == 1 else many or word + 's'}"


def suggestion_line(rank: int, name: str, slug: str, score: float, pinnable: bool) -> str:
    """One ranked theme suggestion, by the theme's name; a curated theme's slug too, which is what a pin names
    (an automatic theme's would be noise)."""
    return f"{rank}. {name}{f' [{slug}]' if pinnable else ''} {score:.2f}"


def result_text(result: CheckResult) -> str:
    """Problems one per line as path:line: key: message, then suggestions, then a verdict line."""
    lines = [str(p) for p in result.problems]
    if result.suggestions:
        lines.append("Theme suggestions for unpinned entries (pin one with 'theme: <slug>'):"
                     if result.themes == "curated" else
                     "New entries and the themes they fit best (the first is where the build puts them):")
        pinnable = result.themes == "curated"
        # one line an entry: a curated list may have hundreds of unpinned entries
        for paper_id, ranked in result.suggestions.items():
            lines.append(f"  {paper_id}: " + " · ".join(suggestion_line(rank, result.names.get(slug, slug), slug,
                                                                         score, pinnable)
                                                         for rank, (slug, score) in enumerate(ranked, start=1)))
    elif result.themes == "automatic":
        lines.append("No curated themes (content/themes.yml), so nothing to pin; "
                     "`readinglist themes` shows the automatic grouping.")
        lines.append("No theme lock either: every build groups the list afresh, so a new entry can move other "
                     "papers; `readinglist themes --update` locks the themes, and new entries then join them.")
    verdict = "failed" if result.failing else "passed"
    strict = " (strict: warnings fail)" if result.strict and result.warnings else ""
    lines.append(f"Checked {plural(result.entries, 'entry', 'entries')}: "
                 f"{plural(result.errors, 'error')}, {plural(result.warnings, 'warning')}; {verdict}{strict}.")
    return "\n".join(lines)


def result_json(result: CheckResult) -> dict:
    """The check result for tools; the same facts as the text."""
    return {
        "passed": not result.failing,
        "strict": result.strict,
        "entries": result.entries,
        "errors": result.errors,
        "warnings": result.warnings,
        "problems": [{"path": p.path, "line": p.line, "key": p.key, "message": p.message, "severity": p.severity}
                     for p in result.problems],
        "suggestions": {paper_id: [{"theme": slug, "score": round(score, 3)} for slug, score in ranked]
                        for paper_id, ranked in result.suggestions.items()},
    }


def github_annotation(problem: Problem) -> str:
    """A GitHub Actions workflow command that shows the problem on the file in the pull request."""
    level = "error" if problem.is_error else "warning"
    properties = [f"file={_escape_property(problem.path)}"]
    if problem.line is not None:
        properties.append(f"line={problem.line}")
    properties.append(f"title={_escape_property('readinglist check')}")
    message = f"{problem.key}: {problem.message}" if problem.key else problem.message
    return f"::{level} {','.join(properties)}::{_escape_data(message)}"


def _escape_data(text: str) -> str:
    # The escapes GitHub's workflow command parser expects (actions/toolkit command.ts).
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
