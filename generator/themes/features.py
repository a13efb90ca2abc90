"""Text features: the text fed to the model, phrase-chunk TF-IDF, a smoothed (latent) view, phrase tables.

Every vectorizer setting is written here; nothing depends on the order papers arrive in. Phrases
are counted for all papers at once by the phrases module; this module turns the counts into the
models (the same TF-IDF a TfidfVectorizer with the phrase analyzer would give, column for column).
"""
from __future__ import annotations

import functools
import re
from functools import cached_property
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

import numpy as np
from scipy import sparse
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.preprocessing import normalize

from generator.asciiforms import GREEK_LETTER_NAMES
from generator.embeddings import Embed
from generator.schema import Paper
from generator.themes import phrases
from generator.themes.phrases import PhraseCounts, Tokens

if TYPE_CHECKING:  # curation imports this module
    from generator.themes.curation import View

# Titles are short and dense in topic words; counting them twice gives them the weight a reader gives them.
TITLE_REPEATS = 2
SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "es", "s", "ed", "ly", "al")
# The plural of an acronym ('LLMs', 'RNNs', 'CRFs'): a short word of consonants and a final s. The
# suffix rule leaves it alone (its stem is under four letters), so 'LLMs' and 'LLM' were two features.
ACRONYM_PLURAL_RE = re.compile(r"[b-df-hj-np-tv-z0-9]{2,5}s")
# Between the parts of a paper's text (title, abstract, tags): punctuation, so no phrase spans two parts.
PART_SEPARATOR = " . "
# A publisher's copyright line ('© 2021 Elsevier Ltd. All rights reserved.'), which abstracts exported from
# databases carry: the same words in every paper of one publisher, which would tie them by publisher, not topic.
COPYRIGHT_RE = re.compile(r"(?:©|\bcopyright\s*(?:©|\(c\))?\s*(?=\d{4}))[^.]*\.?(?:\s*all rights reserved\b\.?)?"
                          r"|\ball rights reserved\b\.?", re.IGNORECASE)
# What a copyright line holds, in any case ('Copyright', 'ALL RIGHTS RESERVED'): only texts holding one are read by
# the pattern (over every abstract of a 10,000-paper list it took 0.14 s, these tests 0.02 s).
COPYRIGHT_MARKS = ("©", "opyright", "eserved", "OPYRIGHT", "ESERVED")
LATEX_COMMAND_RE = re.compile(r"\\(?:var)?([A-Za-z]+)")
# A web address in an abstract ('code at https://github.com/x/y', 'www.x.org'): where, not what, the paper is about;
# read as words, 'https' and 'github' tied the papers that publish code, and named what they share.
WEB_ADDRESS_RE = re.compile(r"(?:\bhttps?://|\bwww\.)\S+", re.IGNORECASE)
LATENT_DIMENSIONS = 50
# Cosine similarity used for graphs: this share from the latent (LSA) view, the rest from TF-IDF.
LATENT_SHARE = 0.5
# With a sentence-embedding model (site_config.yml themes.embeddings), the share of its cosine in the similarity
# of two papers; the words' blend above keeps the rest (see benchmarks/README.md, "Sentence embeddings").
MEANING_SHARE = 0.3
# A term must occur in two papers, and in at most half of them, once the list has this many papers.
MIN_PAPERS_FOR_DF_LIMITS = 20
# A phrase of several words is a term when its words mostly stand together: its uses are at least this
# share of the uses of one of its parts ('meta learning' is 83% of the uses of 'meta', 'catastrophic
# forgetting' all of 'catastrophic'). A run of words that merely meet in a sentence ('networks learn',
# 'learning using', 'LLMs learn') is a sliver of the uses of both of its parts.
MIN_COHESION = 0.05
# A single word names a topic when the abstracts that use it tend to use it again ('memory', 'grokking'
# recur), unlike words any abstract may use once ('explored', 'challenging'): Church and Gale's adaptation,
# the share of the abstracts using a word that use it twice or more. It is smoothed towards REPEAT_PRIOR as
# if PRIOR_ABSTRACTS more abstracts had used it, so a word few abstracts use is not judged on one or two.
REPEAT_PRIOR = 0.3
PRIOR_ABSTRACTS = 2
MIN_REPEAT_SHARE = 0.15
# Words of research prose in any field, about the work rather than its subject ('recent years', 'proposed model',
# 'extensive evaluations', 'new state-of-the-art results', 'shed light'): a phrase made of them only is no term, so
# it names no theme and is no key term or shared term. A written list, because no statistic of a list tells them
# from a theme's own phrases: titles, score, lift and recurrence were each measured (benchmarks/README, session 13).
# Not 'found': its stem is 'foundation''s.
GENERIC_WORDS = frozenset("""
    recent current new novel previous existing various different wide broad large significant substantial extensive
    comprehensive empirical experimental practical real principled pivotal important key crucial good better best
    strong promising effective simple general certain competitive comparable remarkable impressive
    multiple several many numerous
    proposed presented based state-of-the-art art
    year years way ways role state range variety number amount amounts result results performance evaluation
    evaluations experiment experiments study studies work works paper papers approach approaches method methods
    framework frameworks model models task tasks problem problems challenge challenges setting settings application
    applications insight insights field fields area areas improvement improvements gain gains research data
    dataset datasets set sets evidence case cases difference differences phenomenon phenomena analysis analyses
    use used using achieve achieves achieved outperform outperforms outperformed improve improves improved show shows
    showed shown demonstrate demonstrates demonstrated propose proposes present presents introduce introduces
    introduced describe describes described provide provides provided obtain obtains obtained yield yields perform
    performs performed reveal reveals suggest suggests shed find finds finding findings known available publicly
    future direction directions opportunity opportunities overview overviews aspect aspects according understood
    poorly issue issues tend tends
    previously recently currently significantly substantially consistently furthermore overall instead like far
""".split())
# Of those and a few more, the verbs and adverbs that open no noun phrase ('using reinforcement learning', 'previously
# unseen', 'shed light', 'improve LLMs', 'like humans', 'inspire future work'; 'recent advances': stems, so
# 'recently' stands for 'recent' too); adverbs whose stem is also a subject's adjective ('currently': 'current
# density') are left out, as are verbs whose stem is a subject's ('perform': 'performing arts'; 'enables':
# 'enabled'; 'explores': 'exploration'), and 'light' is a subject of its own.
GENERIC_OPENERS = frozenset("""use used using based proposed previously recently shed improve improves achieve achieves
    provide provides introduce introduces inspire like enhance enable allow explore investigate facilitate""".split())
# And those that end no noun phrase either: 'question decomposition based' (on ...), 'rates using' (...), 'models
# exhibit' (...), 'networks suffer' (from ...), 'findings offer' (...), 'variants achieve' (...). Not 'use' ('tool
# use', 'language use'), 'proposed' (its stem is 'proposal''s) nor 'shed'.
GENERIC_CLOSERS = frozenset("used using based previously recently exhibit suffer offer achieve understood remember"
                            .split())
# A phrase with a verb or its past after its first word ('networks learn', 'models trained'), or opening with
# a verb's -s form ('improves accuracy'), is a clause, not a term; so is a lone verb ('improves'). A word is a
# verb when the list's authors write it after 'to' or a modal ('to learn', 'can generalize') in at least
# MIN_VERB_SHARE of its uses (and MIN_VERB_MARKS times): nouns ('memory', 'models', 'learning') almost never,
# and words both ('use', 'control', 'study') mostly as nouns.
VERB_MARKERS = frozenset({"to", "can", "cannot", "could", "may", "might", "must", "should", "will", "would"})
MIN_VERB_SHARE = 0.3
MIN_VERB_MARKS = 2
# A word in -s is a verb's -s form too when it takes an object: a determiner follows it in at least OBJECT_SHARE of
# its uses, MIN_VERB_MARKS times or more ('plays a role', 'presents the', 'requires their'), as a plural noun's
# rarely does. On three lists all but a few of the 150 words it marks are verbs ('towards' and 'whereas' no terms
# anyway; 'surveys' and 'limits' both).
DETERMINERS = frozenset({"the", "a", "an", "this", "these", "those", "their", "its", "our", "his", "her", "them",
                         "it"})
OBJECT_SHARE = 0.3
MIN_S_FORM_LENGTH = 4   # not 'as'
# Long lists fit the latent view by a randomized SVD on an evenly spread sample of this many papers
# (then project all of them): ARPACK on the whole list costs more with every paper, the sample does not.
SVD_SAMPLE = 2000


def corpus_parts(papers: Sequence[Paper]) -> tuple[list[str], list[str], list[str]]:
    """The text the model sees, by part: titles, abstracts (without LaTeX commands, web addresses or a copyright
    line, see without_markup), and tags as words ('in-context' -> 'in context')."""
    return ([without_markup(p.title) for p in papers], [without_markup(p.abstract or "") for p in papers],
            [PART_SEPARATOR.join(t.replace("-", " ") for t in p.tags) for p in papers])


def without_markup(text: str) -> str:
    """A title's or abstract's words: without LaTeX commands (see without_latex_commands), web addresses or a
    copyright line."""
    return without_copyright(without_web_addresses(without_latex_commands(text)), " | ")


def without_web_addresses(text: str) -> str:
    """The text with each web address a break (see WEB_ADDRESS_RE)."""
    return WEB_ADDRESS_RE.sub(" | ", text) if "://" in text or "www." in text.lower() else text


def without_copyright(text: str, replacement: str = "") -> str:
    """The text without a publisher's copyright line (see COPYRIGHT_RE)."""
    return COPYRIGHT_RE.sub(replacement, text) if any(mark in text for mark in COPYRIGHT_MARKS) else text


def without_latex_commands(text: str) -> str:
    """The text with each LaTeX command ('\\mathcal', '\\frac', '\\times' of the math abstracts may hold) a break:
    markup, not words, which would otherwise tie every paper with formulas and name their themes ("Mathbb and
    frac"). A Greek letter's command stays its name ('\\alpha' -> 'alpha'), as authors write it in text."""
    return LATEX_COMMAND_RE.sub(latex_command_text, text) if "\\" in text else text


def latex_command_text(match: re.Match) -> str:
    """What a LaTeX command reads as (see without_latex_commands): '\\varepsilon' -> 'epsilon', '\\frac' -> a break."""
    name = match.group(1)
    return f" {name} " if name.lower() in GREEK_LETTER_NAMES else " | "


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light English suffix stripper so 'model', 'models' and 'modeling' share one feature ('LLMs' and 'LLM' too)."""
    if ACRONYM_PLURAL_RE.fullmatch(word):
        return word[:-1]
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


@dataclass(frozen=True)
class Texts:
    """Every text of the step tokenized once: the papers' parts, then any theme texts."""

    count: int                      # papers
    tokens: Tokens
    phrases: PhraseCounts           # rows: titles, abstracts, tags (count each), then theme texts
    written: dict[str, str] = field(default_factory=dict, compare=False)   # see phrases.written_forms

    def rows(self, part: int) -> sparse.csr_matrix:
        """Phrase counts of one part of every paper: 0 titles, 1 abstracts, 2 tags."""
        return self.phrases.counts[part * self.count:(part + 1) * self.count]

    def papers(self) -> sparse.csr_matrix:
        """Phrase counts of each paper's whole text (title counted TITLE_REPEATS times)."""
        return TITLE_REPEATS * self.rows(0) + self.rows(1) + self.rows(2)

    def extra(self) -> sparse.csr_matrix:
        """Phrase counts of the theme texts."""
        return self.phrases.counts[3 * self.count:]

    @property
    def prose_end(self) -> int:
        """Token position where the titles and abstracts, which come first, end (tags and theme texts follow)."""
        return int(self.tokens.text_starts[2 * self.count])

    @cached_property
    def cohesive(self) -> np.ndarray:
        """Per phrase key: a single word, or a phrase whose words stand together (see MIN_COHESION)."""
        return phrase_cohesion(self.phrases, self.rows(0) + self.rows(1)) >= MIN_COHESION

    @cached_property
    def recurring(self) -> np.ndarray:
        """Per phrase key: whether the abstracts that use it tend to use it again (see MIN_REPEAT_SHARE)."""
        abstracts = self.rows(1)
        using = np.bincount(abstracts.indices, minlength=abstracts.shape[1])
        again = np.bincount(abstracts.indices[abstracts.data >= 2], minlength=abstracts.shape[1])
        return (again + REPEAT_PRIOR * PRIOR_ABSTRACTS) / (using + PRIOR_ABSTRACTS) >= MIN_REPEAT_SHARE

    @cached_property
    def terms(self) -> np.ndarray:
        """Per phrase key: whether it can name a topic, a single word or a cohesive phrase that is no clause."""
        return self.cohesive & ~self.clauses & ~self.generic

    @cached_property
    def generic(self) -> np.ndarray:
        """Per phrase key: every word of it is one of GENERIC_WORDS, or it opens with one of GENERIC_OPENERS or ends
        in one of GENERIC_CLOSERS."""
        table = self.phrases
        generic_stem = flags_of(table.stems, GENERIC_STEMS, past_the_last=True)   # no word (-1) is no subject
        opener, closer = flags_of(table.stems, OPENER_STEMS), flags_of(table.stems, CLOSER_STEMS)
        several = table.lengths > 1
        return generic_stem[table.key_stems].all(axis=1) | (several & (opener[table.key_stems[:, 0]]
                                                                       | closer[table.last_stems]))

    @cached_property
    def clauses(self) -> np.ndarray:
        """Per phrase key: a verb, or a clause rather than a term (see VERB_MARKERS), in half its uses or more: a
        word after its first is a verb or its past ('networks learn', 'models trained', 'networks learn sparse'),
        or it is or opens with a verb's -s form ('improves', 'enhances LLMs'). A verb may open a term:
        'transfer learning', 'search engines'."""
        base_or_past, with_subject = (np.r_[flags, False][self.tokens.stream] for flags in verb_forms(self.tokens))
        verb_at = np.r_[base_or_past, False, False]   # verb_at[p + i]: is the token i places on a verb?
        clause_uses = np.zeros(len(self.phrases.key_stems), dtype=np.int64)
        for size, starting in enumerate(self.phrases.starting, start=1):
            clause = with_subject.copy()
            for offset in range(min(1, size - 1), size):   # the words after the first, or a lone word
                clause |= verb_at[offset:offset + len(starting)]
            clause &= starting >= 0
            clause_uses += np.bincount(starting[clause], minlength=len(clause_uses))
        uses = np.asarray(self.phrases.counts.sum(axis=0)).ravel()
        return 2 * clause_uses >= uses

    @cached_property
    def casing(self) -> dict[int, str]:
        """The authors' casing of the words they write with inner capitals, by word index."""
        return word_casing(self)


def flags_of(items: Sequence[str], wanted: frozenset[str], past_the_last: bool = False) -> np.ndarray:
    """Per word (or stem) of the list, whether it is one of `wanted`, and one entry more for index -1 (a break in
    the token stream, no word of a phrase key), `past_the_last`."""
    return np.array([item in wanted for item in items] + [past_the_last], dtype=bool)


def verb_words(tokens: Tokens) -> np.ndarray:
    """Per word of the list: whether its authors use it as a verb (see VERB_MARKERS)."""
    stream = tokens.stream
    marker = flags_of(tokens.words, VERB_MARKERS)
    used = stream >= 0
    after_marker = used & marker[np.r_[-1, stream[:-1]]]
    uses = np.bincount(stream[used], minlength=len(tokens.words))
    marks = np.bincount(stream[after_marker], minlength=len(tokens.words))
    return (marks >= MIN_VERB_MARKS) & (marks >= MIN_VERB_SHARE * uses)


def verb_forms(tokens: Tokens) -> tuple[np.ndarray, np.ndarray]:
    """Per word of the list: whether it is a verb or its past ('learn', 'learned'), and whether it is a verb's
    form taking a subject ('learns'). 'learning' is mostly a noun, and 'maps' or 'gains' end noun phrases."""
    base = verb_words(tokens)
    verbs = [word for word, verb in zip(tokens.words, base.tolist()) if verb]
    index = {word: position for position, word in enumerate(tokens.words)}

    def forms(*endings: tuple[str, str]) -> list[int]:
        """Words of the list made from a verb by replacing its ending `cut` (maybe '') by `ending`."""
        made = (verb[:len(verb) - len(cut)] + ending for verb in verbs for cut, ending in endings if verb.endswith(cut))
        return [index[word] for word in made if word in index]

    taking_object = s_forms_taking_objects(tokens)   # plays (a role): a verb wherever it stands
    with_subject = taking_object.copy()
    with_subject[forms(("", "s"), ("", "es"), ("y", "ies"))] = True   # learns, reaches, applies
    past = base | taking_object
    past[forms(("", "ed"), ("e", "ed"), ("y", "ied"))] = True          # learned, explored, applied
    past[[index[made] for made in (verb + verb[-1] + "ed" for verb in verbs) if made in index]] = True   # mapped
    return past, with_subject


def s_forms_taking_objects(tokens: Tokens) -> np.ndarray:
    """Per word of the list: a word in -s its authors write with an object (see OBJECT_SHARE): 'plays',
    'presents', 'requires'; not 'models' or 'tasks'."""
    candidate = np.array([len(word) >= MIN_S_FORM_LENGTH and word.endswith("s")
                          and not word.endswith(("ss", "us", "is")) for word in tokens.words], dtype=bool)
    uses, before_determiner = uses_before_determiners(tokens, tokens.stream, candidate)
    return candidate & (before_determiner >= MIN_VERB_MARKS) & (before_determiner >= OBJECT_SHARE * uses)


def uses_before_determiners(tokens: Tokens, stream: np.ndarray,
                            candidate: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per word of the list, for the `candidate` words (zero elsewhere): its uses in `stream` (a part of the
    token stream), and how many of them the next word is a determiner (see DETERMINERS): a verb's object."""
    words = tokens.words
    candidate = np.r_[candidate, False]   # the last entries: a break (-1)
    determiner = flags_of(words, DETERMINERS)
    at = np.flatnonzero(candidate[stream[:-1]])
    uses = np.bincount(stream[at], minlength=len(words))
    return uses, np.bincount(stream[at], weights=determiner[stream[at + 1]], minlength=len(words))


def phrase_cohesion(table: PhraseCounts, counts: sparse.csr_matrix) -> np.ndarray:
    """Per key: its uses over those of its rarer part, at the weaker of its splits into two parts, and for
    three words no more than its two-word parts' (1 for a single word). Keys are numbered by size, then by stems: key s is the word of stem s, and a
    two-word key is found by its stems' code among the two-word keys."""
    uses = np.bincount(counts.indices, weights=counts.data, minlength=counts.shape[1])
    stems = table.key_stems.astype(np.int64)
    lengths = table.lengths
    base = np.int64(len(table.stems) + 1)
    pairs = np.flatnonzero(lengths == 2)
    pair_codes = stems[pairs, 0] * base + stems[pairs, 1]   # sorted: keys of a size are in stem order

    def pair_key(first: np.ndarray, second: np.ndarray) -> np.ndarray:
        return pairs[np.searchsorted(pair_codes, first * base + second)]

    rarer = np.full(len(lengths), np.inf)
    two = np.flatnonzero(lengths == 2)
    rarer[two] = np.minimum(uses[stems[two, 0]], uses[stems[two, 1]])
    three = np.flatnonzero(lengths == 3)
    head, tail = pair_key(stems[three, 0], stems[three, 1]), pair_key(stems[three, 1], stems[three, 2])
    # both splits must hold: 'neural networks learn' is all the uses of its rare part 'networks learn', but a
    # sliver of those of 'learn' beside 'neural networks'
    rarer[three] = np.maximum(np.minimum(uses[stems[three, 0]], uses[tail]),
                              np.minimum(uses[head], uses[stems[three, 2]]))
    cohesion = np.where(lengths == 1, 1.0, uses / np.maximum(rarer, 1.0))
    # and so must its two-word parts: 'neural networks learn' is 6% of the uses of 'neural networks', but
    # 'networks learn' is no term
    cohesion[three] = np.minimum(cohesion[three], np.minimum(cohesion[head], cohesion[tail]))
    return cohesion


def read_texts(papers: Sequence[Paper], extra: Sequence[str] = ()) -> Texts:
    """Tokenize the papers' titles, abstracts and tags, and the theme texts, in one pass."""
    titles, abstracts, tags = corpus_parts(papers)
    tokens = phrases.tokenize(titles + abstracts + tags + list(extra))
    return Texts(len(papers), tokens, phrases.phrase_counts(tokens, stem), phrases.written_forms(titles + abstracts))


@dataclass(frozen=True)
class Meaning:
    """Sentence embeddings of the papers, centred on their mean: what the papers share cancels out, so the
    cosines spread like the word views' (raw embeddings of one field's abstracts are all alike)."""

    papers: np.ndarray                # n x d, rows centred and L2-normalised
    mean: np.ndarray                  # the papers' mean embedding
    embed: Embed

    @classmethod
    def of(cls, vectors: np.ndarray, embed: Embed) -> "Meaning":
        mean = vectors.mean(axis=0)
        return cls(normalize(vectors - mean), mean, embed)

    def placed(self, texts: Sequence[str]) -> np.ndarray:
        """Other texts (the themes') in the papers' centred space, as unit rows."""
        return normalize(self.embed(texts) - self.mean)


@dataclass(frozen=True)
class Features:
    """The vectors of a list: TF-IDF rows, a latent view, and the phrase tables used for names."""

    tfidf: sparse.csr_matrix          # n x terms, rows L2-normalised
    latent: np.ndarray                # n x d, rows L2-normalised (zero columns when the list is tiny)
    phrases: sparse.csr_matrix        # n x keys, 1 where a paper's title or abstract has the phrase
    titles: sparse.csr_matrix         # n x keys, 1 where its title has it
    frequency: np.ndarray             # papers using each key (title or abstract)
    texts: Texts
    meaning: Meaning | None = None    # sentence embeddings, when the site has a model
    names: dict = field(default_factory=dict, compare=False)   # display form of each key asked for so far

    def key_text(self, key: int) -> str:
        """The stemmed phrase of a key."""
        return self.texts.phrases.text(key)

    def display(self, keys: Sequence[int]) -> list[str]:
        """The form people most often wrote for each key ('LLMs', 'in-context learning')."""
        try:
            return [self.names[k] for k in keys]
        except KeyError:
            missing = sorted({int(k) for k in keys} - self.names.keys())
            self.names.update(zip(missing, display_forms(self.texts, np.array(missing, dtype=np.int64))))
            return [self.names[int(k)] for k in keys]


def document_frequency_limits(count: int) -> tuple[int, float]:
    """min_df and max_df: a term must be in two papers and at most half of them, unless the list is tiny."""
    return (2, 0.5) if count >= MIN_PAPERS_FOR_DF_LIMITS else (1, 1.0)


def tfidf_model(counts: sparse.csr_matrix, count: int, order) -> tuple[sparse.csr_matrix, np.ndarray]:
    """TF-IDF of count rows, columns limited by document frequency and sorted by term (as TfidfVectorizer).

    `count` is the number of papers (it decides the limits); `order` sorts column indexes by term.
    Returns the matrix and the original column of each kept column.
    """
    low, high = document_frequency_limits(count)
    frequency = np.bincount(counts.indices, minlength=counts.shape[1])
    kept = np.flatnonzero((frequency >= max(low, 1)) & (frequency <= high * counts.shape[0]))
    kept = kept[order(kept)]
    if len(kept) == 0:
        return sparse.csr_matrix((counts.shape[0], 1)), kept
    matrix = counts[:, kept].tocsr()
    matrix.sort_indices()
    model = TfidfTransformer(norm="l2", use_idf=True, smooth_idf=True, sublinear_tf=True)
    return model.fit_transform(matrix).tocsr(), kept


def vectorize(texts: Texts, scalable: bool = False, meaning: Meaning | None = None) -> Features:
    """All features of a list from its texts (read_texts), papers in their order there (and in `meaning`'s)."""
    tfidf, _ = tfidf_model(texts.papers(), texts.count, texts.phrases.order)
    # 0/1 tables as int8: they are copied row by row for every related pair
    titles = (texts.rows(0) > 0).astype(np.int8).tocsr()
    own = ((texts.rows(0) + texts.rows(1)) > 0).astype(np.int8).tocsr()
    latent = sampled_latent_view(tfidf) if scalable else latent_view(tfidf)
    return Features(tfidf, latent, own, titles, np.bincount(own.indices, minlength=own.shape[1]), texts, meaning)


def latent_view(tfidf: sparse.csr_matrix) -> np.ndarray:
    """LSA: a truncated SVD that lets papers sharing related (not identical) phrases look alike."""
    dimensions = min(LATENT_DIMENSIONS, tfidf.shape[0] // 4, tfidf.shape[1] - 1)
    if dimensions < 2:
        return np.zeros((tfidf.shape[0], 1))
    svd = TruncatedSVD(n_components=dimensions, algorithm="arpack", random_state=0)
    return normalize(svd.fit_transform(tfidf))


def sampled_latent_view(tfidf: sparse.csr_matrix) -> np.ndarray:
    """LSA for long lists: a randomized SVD fitted on an evenly spaced sample of papers, applied to all."""
    sample = np.unique(np.linspace(0, tfidf.shape[0] - 1, min(SVD_SAMPLE, tfidf.shape[0])).round().astype(int))
    dimensions = min(LATENT_DIMENSIONS, len(sample) // 4, tfidf.shape[1] - 1)
    if dimensions < 2:
        return np.zeros((tfidf.shape[0], 1))
    return normalize(np.asarray(tfidf @ randomized_axes(tfidf[sample], dimensions).T))


def randomized_axes(matrix: sparse.csr_matrix, dimensions: int, oversamples: int = 10, iterations: int = 3,
                    seed: int = 0) -> np.ndarray:
    """The leading right singular vectors (dimensions x terms) by a randomized range finder (Halko et al.).

    Works on the papers' side (a sample of at most SVD_SAMPLE rows): the range is found with a few
    power iterations, then the small (dimensions + oversamples)^2 Gram matrix is diagonalised, so
    nothing as long as the vocabulary is factorised.
    """
    width = min(dimensions + oversamples, min(matrix.shape))
    probe = np.random.RandomState(seed).normal(size=(matrix.shape[1], width))
    basis = np.asarray(matrix @ probe)
    for _ in range(iterations):
        basis, _ = np.linalg.qr(np.asarray(matrix @ np.asarray(matrix.T @ basis)))
    basis, _ = np.linalg.qr(basis)
    projected = np.asarray(matrix.T @ basis).T            # width x terms
    values, vectors = np.linalg.eigh(projected @ projected.T)
    order = np.argsort(-values, kind="stable")[:dimensions]
    strengths = np.sqrt(np.maximum(values[order], 1e-300))
    return (vectors[:, order].T @ projected) / strengths[:, None]


def declared_views(texts: Texts, theme_texts: list[str]) -> list[View]:
    """Phrase and word views for assignment into known themes; the themes' own words join each vocabulary.

    Fitting on the theme texts too keeps a description word that only one paper uses (min_df
    would drop it otherwise). The theme texts are the extra texts of `texts`, in this order.
    """
    from generator.themes.curation import View

    words, stems = phrases.word_counts(texts.tokens, stem)
    word_rows = lambda part: words[part * texts.count:(part + 1) * texts.count]  # noqa: E731
    views = []
    for papers, themes, order in (
            (texts.papers(), texts.extra(), texts.phrases.order),
            (TITLE_REPEATS * word_rows(0) + word_rows(1) + word_rows(2), words[3 * texts.count:],
             lambda kept: np.argsort(kept, kind="stable"))):  # word stems are numbered in sorted order
        matrix, kept = tfidf_model(sparse.vstack([papers, themes]).tocsr(), texts.count, order)
        if len(kept) == 0:  # no term survives (a tiny list of empty texts)
            views.append(View(sparse.csr_matrix((texts.count, 1)), np.zeros((len(theme_texts), 1))))
            continue
        views.append(View(matrix[:texts.count].tocsr(), normalize(matrix[texts.count:].toarray())))
    return views


def display_forms(texts: Texts, keys: np.ndarray) -> list[str]:
    """Display form of some keys: their most frequent surface phrase in titles and abstracts, in the authors' casing
    and letters ('Schrödinger', not the 'Schrodinger' the tokenizer reads).

    Ties go to the alphabetically first phrase; a word takes the inner capitals most of its uses have.
    """
    wanted = np.zeros(len(texts.phrases.key_stems) + 1, dtype=bool)   # the last entry: no phrase (-1)
    wanted[keys] = True
    limit = texts.prose_end
    stream = np.r_[texts.tokens.stream, -1, -1]
    found_keys, found_words = [], []
    for size, starting in enumerate(texts.phrases.starting, start=1):
        where = np.flatnonzero(wanted[starting[:limit]])
        words = np.full((len(where), 3), -1, dtype=np.int64)
        for offset in range(size):
            words[:, offset] = stream[where + offset]
        found_keys.append(starting[where])
        found_words.append(words)
    key_of, words = np.concatenate(found_keys).astype(np.int64), np.concatenate(found_words)
    # count each (key, surface) once: one integer per use, checked after grouping
    code = key_of.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    for column in range(3):
        code = (code ^ (words[:, column] + 1).astype(np.uint64)) * np.uint64(0xBF58476D1CE4E5B9)
    group, representative = phrases.factorize(code)
    if not ((key_of == key_of[representative[group]]) & (words == words[representative[group]]).all(axis=1)).all():
        group, representative = phrases.factorize_rows(np.c_[key_of, words])
    uses = np.bincount(group, minlength=len(representative))
    group_key, group_words = key_of[representative], words[representative]
    # the most used surface of each key; among equals the alphabetically first (words are numbered in order)
    best = np.lexsort((group_words[:, 2], group_words[:, 1], group_words[:, 0], -uses, group_key))
    first = best[np.r_[True, group_key[best][1:] != group_key[best][:-1]]] if len(best) else best
    surface = {int(group_key[g]): group_words[g] for g in first}
    casing, written = texts.casing, texts.written
    vocabulary = texts.tokens.words

    def shown(word: int) -> str:
        form = casing.get(word, vocabulary[word])
        return written.get(form, form)
    return [" ".join(shown(int(w)) for w in surface[int(k)] if w >= 0) if int(k) in surface
            else texts.phrases.text(int(k)) for k in keys]


# An acronym defined in parentheses after the words it stands for: two capitals at least ('(RNNs)', '(MLE)', '(BabyLM)').
ACRONYM_DEFINITION_RE = re.compile(rb"\((?=[A-Z])([A-Za-z0-9-]*[A-Z][A-Za-z0-9-]*)\)")
ACRONYM_JOINERS = frozenset({"of", "and", "for", "from", "the", "to", "in", "on", "with", "a", "an", "by"})
# A title with this share of its words in capitals ('NLP MODELS', 'PROSODY') is written in capitals.
SHOUTING_SHARE = 0.8
UPPER_CASE_BYTES = np.zeros(256, dtype=np.uint8)
UPPER_CASE_BYTES[ord("A"):ord("Z") + 1] = 1
UPPER_CASE_TABLE = UPPER_CASE_BYTES.tobytes()   # for bytes.translate, faster than numpy indexing
# What ends a sentence before the next word ('\x00' separates texts, so it opens one too).
SENTENCE_END_BYTES = np.zeros(256, dtype=bool)
SENTENCE_END_BYTES[list(b".!?:;\x00")] = True
SPACE_BYTES = np.zeros(256, dtype=bool)
SPACE_BYTES[list(b" \t\n\r")] = True


def word_casing(texts: Texts) -> dict[int, str]:
    """Words the authors mostly write with capitals, in that form, by word index: inner capitals anywhere
    ('LLMs', 'BabyLM'), a leading capital inside an abstract's sentence ('Bayesian', 'Hebbian').

    Those uses are read as text; a leading capital that opens a sentence or sits in a title (written
    in title case) tells nothing and is not counted, nor does one of the words an acronym is defined by ('Recurrent
    Neural Networks (RNNs)', see acronym_definitions) unless the word is seen nowhere else ('Markov Chain Monte Carlo
    (MCMC)'), nor does the capital of a part of a title's hyphenated
    word ('Fine-Tuning', 'In-Context') or a title written in capitals ('DEEP MODELS OF PROSODY'); every other
    use counts for the lower-case form, all at once.
    """
    tokens = texts.tokens
    limit = texts.prose_end
    words = np.flatnonzero(tokens.stream[:limit] >= 0)
    word_of, starts = tokens.stream[words], tokens.offsets[words]
    ends = starts + np.fromiter(map(len, tokens.words), dtype=np.int64, count=len(tokens.words))[word_of]
    codes = np.frombuffer(tokens.original, np.uint8)
    upper = np.flatnonzero(np.frombuffer(tokens.original.translate(UPPER_CASE_TABLE), np.bool_))
    holder = np.searchsorted(starts, upper, side="right") - 1
    inner_use = (holder >= 0) & (upper > starts[np.maximum(holder, 0)]) & (upper < ends[np.maximum(holder, 0)])
    in_title = words < tokens.text_starts[texts.count]
    title_case_part = in_title[np.maximum(holder, 0)] & (codes[np.maximum(upper - 1, 0)] == ord("-"))
    inner = np.zeros(len(words), dtype=bool)
    inner[holder[inner_use & ~title_case_part]] = True
    inner[in_title] &= ~shouting_titles(tokens, texts.count, words[in_title], inner[in_title])
    leading = UPPER_CASE_BYTES[codes[starts]].astype(bool) & ~inner
    telling = leading & ~in_title   # in an abstract
    telling[telling] = ~opens_sentence(codes, starts[telling])
    defining = telling & acronym_definitions(tokens, word_of, starts, ends, leading)
    telling &= ~defining
    plain = np.bincount(word_of[~inner & ~leading], minlength=len(tokens.words))
    # a word seen nowhere else keeps the capital of its definition ('Markov Chain Monte Carlo (MCMC)')
    seen = plain + np.bincount(word_of[inner | telling], minlength=len(tokens.words))
    read = inner | telling | (defining & (seen[word_of] == 0))
    forms: dict[int, dict[str, int]] = {}
    for word, form, count in inner_forms(tokens.original, word_of[read], starts[read], ends[read]):
        counts = forms.setdefault(word, {tokens.words[word]: int(plain[word])} if plain[word] else {})
        counts[form] = counts.get(form, 0) + count
    casing = {}
    for word, counts in forms.items():
        form = max(counts.items(), key=lambda item: (item[1], item[0]))[0]
        if form != tokens.words[word]:
            casing[word] = form
    return casing


def acronym_definitions(tokens: Tokens, word_of: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                        leading: np.ndarray) -> np.ndarray:
    """Per word token (`word_of`, at `starts` to `ends`; `leading` where written with a leading capital): whether it
    is a capitalised word of an acronym's definition, one of the words right before '(ACRONYM)', as many as the
    acronym has capitals ('Maximum Likelihood Estimation (MLE)'; small words such as 'of' between them). Authors
    capitalise those words by convention, not as names."""
    defined = np.zeros(len(word_of), dtype=bool)
    text = tokens.original
    joiner = flags_of(tokens.words, ACRONYM_JOINERS)
    matches = list(ACRONYM_DEFINITION_RE.finditer(text))
    last = np.searchsorted(starts, [match.start() for match in matches]).astype(np.int64) - 1   # the word before '('
    # most acronyms are defined by words written small ('large language models (LLMs)'): nothing to look at
    for index in np.flatnonzero(leading[np.maximum(last, 0)] & (last >= 0)).tolist():
        match, position = matches[index], int(last[index])
        wanted = int(UPPER_CASE_BYTES[np.frombuffer(match.group(1), np.uint8)].sum())   # its capitals
        after = match.start()
        while position >= 0 and wanted and not text[ends[position]:after].strip(b" -"):
            if leading[position]:
                defined[position] = True
                wanted -= 1
            elif not joiner[word_of[position]]:
                break
            after, position = starts[position], position - 1
    return defined


def shouting_titles(tokens: Tokens, count: int, title_words: np.ndarray, inner: np.ndarray) -> np.ndarray:
    """Per word token of the titles (at `title_words`, `inner` where written with inner capitals): whether its
    title has two words or more, most of them (SHOUTING_SHARE) in capitals: a title whose casing tells nothing."""
    title = np.searchsorted(tokens.text_starts, title_words, side="right") - 1
    sizes = np.bincount(title, minlength=count)
    capitals = np.bincount(title[inner], minlength=count)
    return ((sizes >= 2) & (capitals >= SHOUTING_SHARE * sizes))[title]


def opens_sentence(codes: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Whether the word at each byte offset opens a sentence (or its text): up to two spaces, then a sentence end
    or nothing, come before it."""
    def byte_before(distance: int) -> np.ndarray:
        at = starts - distance
        return np.where(at >= 0, codes[np.maximum(at, 0)], 0)  # before the first text: as if a separator
    first, second, third = byte_before(1), byte_before(2), byte_before(3)
    return (SENTENCE_END_BYTES[first] | SPACE_BYTES[first] & (SENTENCE_END_BYTES[second]
                                                               | SPACE_BYTES[second] & SENTENCE_END_BYTES[third]))


def inner_forms(original: bytes, words: np.ndarray, starts: np.ndarray, ends: np.ndarray):
    """(word, form as written, uses) of some uses of words, each distinct form read as text once."""
    lengths = ends - starts
    short = np.flatnonzero(lengths <= phrases.PACKED_BYTES)
    high, low = phrases.packed(original + b"\x00" * (2 * phrases.PACKED_BYTES), starts[short], lengths[short])
    code = (words[short].astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) ^ high) * np.uint64(0xBF58476D1CE4E5B9) ^ low
    group, representative = phrases.factorize(code)
    if not ((high == high[representative[group]]) & (low == low[representative[group]])
            & (words[short] == words[short][representative[group]])).all():
        group, representative = phrases.factorize_rows(np.c_[words[short], high.view(np.int64), low.view(np.int64)])
    uses = np.bincount(group, minlength=len(representative))
    for g, r in enumerate(short[representative].tolist()):
        yield int(words[r]), original[starts[r]:ends[r]].decode("ascii"), int(uses[g])
    for r in np.flatnonzero(lengths > phrases.PACKED_BYTES).tolist():
        yield int(words[r]), original[starts[r]:ends[r]].decode("ascii"), 1


def similarity_rows(features: Features, rows: slice) -> np.ndarray:
    """Blended cosine similarity of some papers to all: TF-IDF and latent views averaged (and the meaning view
    mixed in, when there is one)."""
    direct = (features.tfidf[rows] @ features.tfidf.T).toarray()
    latent = features.latent[rows] @ features.latent.T
    meaning = None if features.meaning is None else features.meaning.papers[rows] @ features.meaning.papers.T
    return blended(direct, latent, meaning)


def blended(direct: np.ndarray, latent: np.ndarray, meaning: np.ndarray | None) -> np.ndarray:
    """The similarity of papers from their cosines in each view."""
    words = (1.0 - LATENT_SHARE) * direct + LATENT_SHARE * latent
    return words if meaning is None else (1.0 - MEANING_SHARE) * words + MEANING_SHARE * meaning


GENERIC_STEMS = frozenset(stem(word) for word in GENERIC_WORDS)
OPENER_STEMS = frozenset(stem(word) for word in GENERIC_OPENERS)
CLOSER_STEMS = frozenset(stem(word) for word in GENERIC_CLOSERS)
