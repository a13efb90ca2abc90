"""Phrase chunks of many texts at once, counted with numpy instead of word by word in Python.

The tokens are exactly those of the word-by-word definition in tests/test_themes_phrases.py: words are
`[a-z][a-z0-9]*(-[a-z0-9]+)*` in the lower-cased text's ASCII form (see generator.asciiforms), any character
other than a letter, digit, hyphen or space ends a phrase, stop words and one-letter words end it
too, and a phrase is any run of 1-3 consecutive words left, stemmed word by word. Python touches
each distinct word once, never each occurrence: at 10,000 papers the word-by-word analyzer took
seconds, this takes a fraction of one.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from generator.asciiforms import ascii_text, words_with_other_letters

MAX_PHRASE_WORDS = 3
SIMPLE_WORD_RE = re.compile(r"[a-z][a-z0-9]*")
# Between two texts: a character that ends any phrase.
TEXT_SEPARATOR = "\x00"
# Words up to this many bytes are compared as two packed 64-bit integers; longer ones (rare) in Python.
PACKED_BYTES = 16
# Bytes of text read at a time (whole texts): the byte-level arrays of a pass take a few times this.
CHUNK_BYTES = 1 << 24
# KEEP_BYTES[k] keeps the first k bytes (in memory order) of a little-endian 64-bit word.
KEEP_BYTES = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [(1 << 64) - 1], dtype=np.uint64)
LETTER, DIGIT, HYPHEN, SPACE, BREAK = 1, 2, 3, 0, 4


def character_classes() -> np.ndarray:
    """Class of each ASCII byte of lower-cased text: letter, digit, hyphen, space (as Python's \\s), or break."""
    table = np.full(256, BREAK, dtype=np.int8)
    table[np.frombuffer(b"abcdefghijklmnopqrstuvwxyz", np.uint8)] = LETTER
    table[np.frombuffer(b"0123456789", np.uint8)] = DIGIT
    table[ord("-")] = HYPHEN
    table[[ord(c) for c in " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"]] = SPACE
    return table


CLASSES = character_classes()
# The same table for bytes.translate, several times faster over megabytes of text than numpy indexing.
CLASS_TABLE = CLASSES.astype(np.uint8).tobytes()


def written_forms(texts: list[str]) -> dict[str, str]:
    """The words written with non-ASCII letters, by their ASCII form (see generator.asciiforms): 'Schrodinger' ->
    'Schrödinger', 'alpha-synuclein' -> 'α-synuclein', so that display forms show them as written. Each ASCII form
    also in lower case ('naive' -> 'naïve', from a sentence's 'Naïve'), after the forms written so. The most used
    form wins, ties the first in order."""
    counts: Counter[tuple[str, str]] = Counter()
    for text in texts:
        counts.update((ascii_text(word), word) for word in words_with_other_letters(text))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    forms: dict[str, str] = {}
    for (ascii_form, word), _ in ranked:
        forms.setdefault(ascii_form, word)
    for (ascii_form, word), _ in ranked:
        forms.setdefault(ascii_form.lower(), word.lower())
    return forms


@dataclass(frozen=True)
class Tokens:
    """The words of some texts: a stream of word indexes (-1 for a break) and the distinct words, sorted."""

    words: tuple[str, ...]          # distinct lower-case words, sorted
    stream: np.ndarray              # word index of each token, -1 where punctuation breaks phrases
    text_starts: np.ndarray         # first token of each text (one more entry than texts)
    offsets: np.ndarray             # byte offset of each token in `original`
    original: bytes                 # the texts in their own case (ASCII form), joined


def tokenize(texts: list[str]) -> Tokens:
    """All texts split into words and breaks at once; a break separates consecutive texts.

    The bytes are read in chunks of whole texts (CHUNK_BYTES or so), which bounds the memory of
    the byte-level arrays; words get their final, sorted indexes at the end.
    """
    parts = [ascii_text(t) + TEXT_SEPARATOR for t in texts]
    original = "".join(parts).encode("ascii")
    if not original:
        return Tokens((), np.zeros(0, dtype=np.int32), np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64), b"")
    lower = original.lower()
    text_bytes = np.r_[0, np.cumsum([len(part) for part in parts])]
    cuts = np.unique(np.r_[text_bytes[np.searchsorted(text_bytes, np.arange(0, len(lower), CHUNK_BYTES))],
                           len(lower)])
    index: dict[str, int] = {}
    streams, offsets = [], []
    for begin, end in zip(cuts[:-1], cuts[1:]):
        stream, offset, words = chunk_tokens(lower[begin:end])
        known = np.array([index.setdefault(w, len(index)) for w in words] + [-1], dtype=np.int32)
        streams.append(known[stream])   # a break (-1) reads the -1 appended last
        offsets.append(offset + begin)
    words = list(index)
    order = sorted(range(len(words)), key=words.__getitem__)
    rank = np.empty(len(words) + 1, dtype=np.int32)
    rank[order] = np.arange(len(words), dtype=np.int32)
    rank[-1] = -1
    offsets = np.concatenate(offsets)
    # a text's tokens are those starting in its bytes; the separator after each text is a break
    return Tokens(tuple(words[k] for k in order), rank[np.concatenate(streams)], np.searchsorted(offsets, text_bytes),
                  offsets, original)


def chunk_tokens(lower: bytes) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Tokens of some whole texts: word index (-1 for a break) and byte offset of each, and the distinct words."""
    classes = np.frombuffer(lower.translate(CLASS_TABLE), np.int8)
    starts, ends = word_spans(classes)
    breaks = np.flatnonzero((classes == BREAK) & ~np.r_[False, classes[:-1] == BREAK])
    del classes
    ids, words = word_ids(lower, starts, ends)
    # tokens in text order: one sort of (byte offset, word index + 1), breaks having index 0
    shift = max(len(words) + 1, 2).bit_length()
    merged = np.sort(np.r_[(starts.astype(np.int64) << shift) | (ids + 1), breaks.astype(np.int64) << shift])
    return ((merged & ((1 << shift) - 1)) - 1).astype(np.int32), merged >> shift, words


def word_spans(classes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end bytes of each word: from the first letter of a run of letters, digits and inner hyphens to its end.

    A run yields at most one word (the regular expression would match from its first letter to its end);
    nearly every run opens with a letter, so only the few opening with a digit are searched for one.
    """
    letter = classes == LETTER
    inside = letter | (classes == DIGIT)
    hyphen = classes == HYPHEN
    hyphen[0] = hyphen[-1] = False
    hyphen[1:-1] &= inside[:-2] & inside[2:]   # a hyphen joins only between letters or digits
    inside |= hyphen
    edges = np.empty(len(inside) + 1, dtype=bool)   # where `inside` changes: runs are [start, end)
    edges[0], edges[-1] = inside[0], inside[-1]
    np.not_equal(inside[1:], inside[:-1], out=edges[1:-1])
    edges = np.flatnonzero(edges)
    starts, ends = edges[0::2], edges[1::2]
    opening_digit = np.flatnonzero(~letter[starts])
    if not len(opening_digit):
        return starts, ends
    found, first_letter = first_letters(letter, starts[opening_digit], ends[opening_digit])
    starts = starts.copy()
    starts[opening_digit[found]] = first_letter
    keep = np.ones(len(starts), dtype=bool)
    keep[np.delete(opening_digit, found)] = False
    return starts[keep], ends[keep]


def first_letters(letter: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Of some short spans [start, end): which hold a letter (their indexes) and where its first letter is."""
    lengths = ends - starts
    owner = np.repeat(np.arange(len(starts)), lengths)
    position = np.arange(len(owner)) + np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    hits = np.flatnonzero(letter[position])
    first = hits[np.r_[True, owner[hits][1:] != owner[hits][:-1]]] if len(hits) else hits
    return owner[first], position[first]


def word_ids(text: bytes, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, tuple[str, ...]]:
    """Index of each word span in the sorted tuple of distinct words."""
    lengths = ends - starts
    short = np.flatnonzero(lengths <= PACKED_BYTES)
    high, low = packed(text + b"\x00" * (2 * PACKED_BYTES), starts[short], lengths[short])
    # a short word as one 64-bit code; equal codes are checked to be equal words, so no collision merges two
    codes = high * np.uint64(0x9E3779B97F4A7C15) ^ (low + (low >> np.uint64(29)))
    short_ids, representative = factorize(codes)
    if not ((high == high[representative[short_ids]]) & (low == low[representative[short_ids]])).all():
        short_ids, representative = factorize_exact(high, low)
    words = [text[starts[r]:ends[r]].decode("ascii") for r in short[representative]]
    ids = np.empty(len(starts), dtype=np.int64)
    ids[short] = short_ids
    index: dict[str, int] = {}
    for position in np.flatnonzero(lengths > PACKED_BYTES):
        word = text[starts[position]:ends[position]].decode("ascii")
        ids[position] = index.setdefault(word, len(words) + len(index))
    words += list(index)
    order = sorted(range(len(words)), key=words.__getitem__)
    rank = np.empty(len(words), dtype=np.int64)
    rank[order] = np.arange(len(words))
    return rank[ids], tuple(words[k] for k in order)


def packed(text: bytes, starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first 16 bytes of each word as two 64-bit integers, bytes past its end zeroed (only equality matters)."""
    view = np.ndarray(shape=(len(text) - 7,), dtype="<u8", buffer=text, strides=(1,))
    return (view[starts] & KEEP_BYTES[np.minimum(lengths, 8)],
            view[starts + 8] & KEEP_BYTES[np.clip(lengths - 8, 0, 8)])


def factorize(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of each code among the distinct codes (in increasing order) and one position holding each.

    A sort finds the distinct codes and a hash table (open addressing, numpy) maps each code to its
    index: numpy's argsort and searchsorted are several times slower than this on millions of codes.
    """
    codes = codes.astype(np.uint64, copy=False)
    distinct = np.sort(codes)
    distinct = distinct[np.r_[True, distinct[1:] != distinct[:-1]]] if len(codes) else distinct
    bits = max(4, int(len(distinct)).bit_length() + 1)
    table_code, table_index = hash_table(distinct, bits)
    mask = np.uint64((1 << bits) - 1)
    slot = hash_slot(codes, bits)
    ids = table_index[slot]
    missing = np.flatnonzero(table_code[slot] != codes)
    while len(missing):
        slot[missing] = (slot[missing] + np.uint64(1)) & mask
        found = table_code[slot[missing]] == codes[missing]
        ids[missing[found]] = table_index[slot[missing[found]]]
        missing = missing[~found]
    representative = np.empty(len(distinct), dtype=np.int64)
    representative[ids] = np.arange(len(codes))
    return ids, representative


def hash_slot(codes: np.ndarray, bits: int) -> np.ndarray:
    """Multiplicative hashing: the top `bits` bits of code x an odd constant."""
    return (codes * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(64 - bits)


def hash_table(distinct: np.ndarray, bits: int) -> tuple[np.ndarray, np.ndarray]:
    """An open-addressing table of 2**bits slots (at least twice the codes) holding each code's index."""
    mask = np.uint64((1 << bits) - 1)
    table_code = np.zeros(1 << bits, dtype=np.uint64)
    table_index = np.full(1 << bits, -1, dtype=np.int64)
    slot = hash_slot(distinct, bits)
    pending = np.arange(len(distinct))
    while len(pending):
        free = table_index[slot[pending]] == -1
        trying = pending[free]
        table_index[slot[trying]] = trying      # of several codes wanting one slot, one wins
        won = table_index[slot[trying]] == trying
        table_code[slot[trying[won]]] = distinct[trying[won]]
        pending = np.sort(np.r_[pending[~free], trying[~won]])
        slot[pending] = (slot[pending] + np.uint64(1)) & mask
    return table_code, table_index


def factorize_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """factorize() of integer rows (slower; only used when two different rows shared a code)."""
    order = np.lexsort(rows.T[::-1])
    new = np.r_[True, (np.diff(rows[order], axis=0) != 0).any(axis=1)] if len(rows) else np.zeros(0, dtype=bool)
    ids = np.empty(len(rows), dtype=np.int64)
    ids[order] = np.cumsum(new) - 1
    return ids, order[new]


def factorize_exact(high: np.ndarray, low: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Factorize on both integers (slower; only used when two different words shared a code)."""
    order = np.lexsort((low, high))
    new = np.r_[True, (high[order][1:] != high[order][:-1]) | (low[order][1:] != low[order][:-1])]
    ids = np.empty(len(high), dtype=np.int64)
    ids[order] = np.cumsum(new) - 1
    return ids, order[new]


@dataclass(frozen=True)
class PhraseCounts:
    """How often each phrase key occurs in each text, and what the keys are."""

    counts: sparse.csr_matrix       # texts x keys
    key_stems: np.ndarray           # keys x 3 stem indexes, -1 past a key's last word
    stems: tuple[str, ...]          # sorted distinct stems
    starting: tuple[np.ndarray, np.ndarray, np.ndarray]   # key of the 1-, 2-, 3-word phrase at each token, or -1

    def text(self, key: int) -> str:
        """The stemmed phrase of a key ('language model')."""
        return " ".join(self.stems[s] for s in self.key_stems[key] if s >= 0)

    @cached_property
    def lengths(self) -> np.ndarray:
        """Number of words of each key."""
        return (self.key_stems >= 0).sum(axis=1)

    @cached_property
    def last_stems(self) -> np.ndarray:
        """The stem of each key's last word."""
        return self.key_stems[np.arange(len(self.key_stems)), np.maximum(self.lengths - 1, 0)].astype(np.int64)

    @cached_property
    def has_short_word(self) -> np.ndarray:
        """Keys with a word of fewer than three letters (rarely a topic: 'ai', 'go')."""
        lengths = np.fromiter(map(len, self.stems + ("three",)), dtype=np.int64, count=len(self.stems) + 1)
        return (lengths[self.key_stems] < 3).any(axis=1)

    @cached_property
    def compound(self) -> np.ndarray:
        """Keys of several words, hyphenated ones ('structure-aware') included."""
        hyphenated = np.array(["-" in stem for stem in self.stems] + [False], dtype=bool)
        return (self.lengths > 1) | hyphenated[self.key_stems].any(axis=1)

    def order(self, keys: np.ndarray) -> np.ndarray:
        """Positions that sort `keys` by their text (a space sorts before any letter, digit or hyphen)."""
        stems = self.key_stems[keys]
        return np.lexsort((stems[:, 2], stems[:, 1], stems[:, 0]))


def phrase_counts(tokens: Tokens, stem, stop_words=ENGLISH_STOP_WORDS) -> PhraseCounts:
    """Counts of every 1-3 word phrase key in every text."""
    kept_word = np.array([w not in stop_words and len(w) >= 2 for w in tokens.words], dtype=bool)
    stem_of = [stem(w) for w in tokens.words]
    stems = tuple(sorted(set(s for s, k in zip(stem_of, kept_word) if k)))
    index = {s: i for i, s in enumerate(stems)}
    stem_id = np.array([index[s] if k else -1 for s, k in zip(stem_of, kept_word)] + [-1], dtype=np.int32)
    stream = stem_id[tokens.stream]  # a break (-1) reads the -1 appended last
    positions, at, key_stems = phrase_keys(stream, len(stems))
    shape = (len(tokens.text_starts) - 1, len(key_stems))
    counts = None
    for size, where in enumerate(positions, start=1):
        # occurrences come in text order, so each text's are one slice: build the rows directly
        indptr = np.searchsorted(where, tokens.text_starts)
        part = sparse.csr_matrix((np.ones(len(where)), at[size - 1][where], indptr), shape=shape)
        part.sum_duplicates()
        counts = part if counts is None else counts + part
    return PhraseCounts(counts, key_stems, stems, tuple(at))


def phrase_keys(stream: np.ndarray, stem_count: int) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray]:
    """Positions of each 1-, 2- and 3-word phrase, the key starting at each position (-1: none), each key's stems.

    Keys are numbered by size, then by text within a size (stems are sorted, codes keep that order).
    """
    kept = stream >= 0
    base = np.int64(stem_count + 1)
    both = kept[:-1] & kept[1:]
    positions = [np.flatnonzero(kept), np.flatnonzero(both), np.flatnonzero(both[:-1] & kept[2:])]
    at = [np.full(len(stream), -1, dtype=np.int32) for _ in positions]
    stems, first, first_of_pairs = [], 0, 0
    for size, where in enumerate(positions, start=1):
        if size == 1:
            code = stream[where].astype(np.int64)
        elif size == 2:
            code = stream[where].astype(np.int64) * base + stream[where + 1]
        else:  # (2-word key, third stem): never overflows, whatever the vocabulary
            code = (at[1][where].astype(np.int64) - first_of_pairs) * base + stream[where + 2]
        ids, representative = factorize(code)
        if size == 2:
            first_of_pairs = first
        at[size - 1][where] = ids + first
        block = np.full((len(representative), MAX_PHRASE_WORDS), -1, dtype=np.int32)
        for offset in range(size):
            block[:, offset] = stream[where[representative] + offset]
        stems.append(block)
        first += len(representative)
    return positions, at, np.concatenate(stems)


def word_counts(tokens: Tokens, stem, stop_words=ENGLISH_STOP_WORDS) -> tuple[sparse.csr_matrix, tuple[str, ...]]:
    """Counts of stemmed single words, hyphenated compounds split (the coarse view), and the sorted stems."""
    pieces = [[stem(w) for w in SIMPLE_WORD_RE.findall(word) if w not in stop_words and len(w) > 1]
              for word in tokens.words]
    stems = tuple(sorted({s for piece in pieces for s in piece}))
    index = {s: i for i, s in enumerate(stems)}
    rows = np.repeat(np.arange(len(pieces)), [len(p) for p in pieces])
    cols = np.array([index[s] for piece in pieces for s in piece], dtype=np.int64)
    expand = sparse.csr_matrix((np.ones(len(cols)), (rows, cols)), shape=(len(pieces), len(stems)))
    return token_matrix(tokens) @ expand, stems


def token_matrix(tokens: Tokens) -> sparse.csr_matrix:
    """Texts x words: how often each word occurs in each text."""
    words = tokens.stream >= 0
    text_of = np.repeat(np.arange(len(tokens.text_starts) - 1), np.diff(tokens.text_starts))
    matrix = sparse.csr_matrix((np.ones(int(words.sum())), (text_of[words], tokens.stream[words])),
                               shape=(len(tokens.text_starts) - 1, len(tokens.words)))
    matrix.sum_duplicates()
    return matrix
