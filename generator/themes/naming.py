"""Readable theme names and key terms from distinctive multi-word phrases.

A theme's phrases are ranked by how much more often its papers use them than the rest of the
list (document-frequency log-odds), favouring phrases of several words and phrases that appear
in titles; a name joins the two best distinct phrases the way a person would: "X and Y".
"""
from __future__ import annotations

import functools
import re
from typing import NamedTuple, Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from generator.asciiforms import ascii_text, greek_letter_name
from generator.schema import RESERVED_NAMES
from generator.themes.features import (DETERMINERS, MIN_S_FORM_LENGTH, MIN_VERB_MARKS, OBJECT_SHARE, Features,
                                       flags_of, stem, uses_before_determiners)
from generator.themes.phrases import factorize

NAME_PHRASES = 2
MIN_TERMS, MAX_TERMS = 3, 6
# Phrases of several words name a topic better than single words: each extra word adds this share.
MULTIWORD_BONUS = 0.6
# Phrases that appear in titles are topical; boilerplate ('future research') lives in abstracts.
TITLE_BONUS = 1.0
TITLE_FLOOR = 0.3
FALLBACK_NAME = "Other papers"
NAME_CANDIDATES = 12
# Key terms gathered before a theme is named: its name's phrases may take the place of some of them.
TERM_POOL = MAX_TERMS + NAME_PHRASES
# Past the first MIN_TERMS, a key term must score at least this share of the theme's best one.
TERM_SHARE = 0.2
# A word this often followed by another word of its phrase ('bayesian' in 'bayesian inference',
# 'neural' in 'neural network'; English puts a phrase's head last) mostly qualifies the words after
# it: alone in a name or among key terms it reads as a dangling adjective ("Meta learning and bayesian").
MODIFIER_SHARE = 0.85
MODIFIER_USES = 3
# So does a lone word its authors mostly write as an adverb ('continually', 'jointly') or a participle ('shared',
# 'summarized', 'labeled'): "Class-Incremental learning and summarized". Adverbs are told by their endings, so
# that nouns ending in -ly ('anomaly', 'family', 'assembly', 'homophily') are not, or as a word of the list plus -ly
# ('publicly' beside 'public': "Pre-trained models publicly and ..."); participles by -ed, save the
# nouns ending in -eed and -bed ('speed', 'seed', 'testbed'). So is an adjective the list also turns into an
# adverb ('semantic' beside 'semantically', 'dynamic' beside 'dynamically'), as nouns never are ('topic',
# 'retrieval'). Shorter words ('red', 'early', 'time' beside 'timely') are left alone.
ADVERB_ENDINGS = ("ally", "ively", "ously", "fully", "ently", "antly", "ingly", "edly", "ately", "ably", "ibly",
                  "arly", "tly", "sly")
NOUNS_ENDING_IN_ED = ("eed", "bed")
MIN_MODIFIER_LENGTH = 6
# So does an -ing form its authors mostly write as a verb: one followed by a determiner, its object's first word,
# in at least OBJECT_SHARE of its uses ('incorporating the', 'pushing the limits', 'following their'). The -ing
# nouns that name topics almost never are ('learning', 'parsing', 'grokking': at most 0.13 on three lists; the
# verbs 0.3 to 1). So does any other word not in -s so written twice or more ('unlock the', 'gather a'): "LLM
# pretraining and unlock" had named a theme. (DETERMINERS and OBJECT_SHARE are features', which reads -s forms the
# same way.)
# And so does a word its authors write after a copula or a degree word ('is robust', 'very important') in at least
# PREDICATIVE_SHARE of its uses, twice or more: an adjective. On three lists 'robust', 'important' and 'efficient'
# score 0.10 to 0.33, nouns at most 0.01 ('data', 'learning', 'dialogue'). 'more' and 'less' are no markers: they
# also count nouns ('less supervision').
PREDICATIVE_MARKERS = frozenset({"is", "are", "was", "were", "be", "been", "being", "remain", "remains", "become",
                                 "becomes", "very", "highly", "so", "too"})
PREDICATIVE_SHARE = 0.1
MIN_PREDICATIVE_MARKS = 2
# And so does a word with an adjective's ending that the list never writes in the plural: 'interpretable',
# 'axiomatic', 'repetitive' ("Machine learning and interpretable"). Nouns with these endings take a plural
# ('objectives', 'topics', 'variables'). -al is left out: 'retrieval' is a noun without one.
ADJECTIVE_ENDINGS = ("ic", "ive", "ous", "ful", "less", "able", "ible")
# And so does a lone word its authors write after one and the same stop word in IDIOM_SHARE of its uses, IDIOM_USES
# times or more: the tail of an idiom ('from scratch', 'with respect', 'for instance') or a verb after its subject or
# 'to' ('we believe', 'to prove'). Determiners, 'of', 'and' and 'or' are left out: any noun follows them. On three
# lists 10 of 1,136 term lists change, all losing such a word.
IDIOM_SHARE = 0.8
IDIOM_USES = 3
IDIOM_OPENERS = ENGLISH_STOP_WORDS - DETERMINERS - {"of", "and", "or"}
# The second phrase of a name must be the theme's own, not a phrase the whole list uses ('language
# models' beside 'sparse autoencoders'): its papers use it at least NAME_LIFT times as often as the rest
# of the list, and it scores at least NAME_SHARE of the first. Otherwise the first phrase names the
# theme alone ("In-context learning", not "In-context learning and parallel structures").
NAME_LIFT = 5.0
NAME_SHARE = 0.15
# Keys of a theme put in order before naming reads them: names and terms come from the first few
# dozen, and sorting every phrase of a 2,000-paper theme would cost more than the rest of naming.
RANKING_HEAD = 256

# A plural tells a noun from an adjective (see plural_stems) when its singular has this many letters: 'news' is no
# plural of 'new'.
MIN_SINGULAR_LENGTH = 4


class Dangling(NamedTuple):
    """What makes a phrase give way to a longer one (see without_dangling_words): per stem, whether it mostly
    qualifies the next word; per key, whether it is a lone modifier, ends in one or is a truncated pair."""

    qualifying: np.ndarray
    giving_way: np.ndarray

    def of(self, features: Features, keys: np.ndarray) -> np.ndarray:
        """Per key: whether the phrase dangles in a name or among key terms, ending in a word that mostly
        qualifies another or marked as giving way."""
        return last_word_in(features, keys, self.qualifying) | self.giving_way[keys]

    def between_papers(self, features: Features, keys: np.ndarray) -> np.ndarray:
        """Per key: whether the phrase dangles as a term two papers share. A noun that mostly qualifies the
        next word is what two papers share ('protein' of 'protein folding' and 'protein design', 'natural
        language'); a phrase ending in an adjective that does is cut short ('offering new', 'extract
        structural'). Nouns are told by their plurals (see plural_stems)."""
        adjective = self.qualifying & ~plural_stems(features)
        several = features.texts.phrases.lengths[keys] > 1
        return (last_word_in(features, keys, adjective) & several) | self.giving_way[keys]


def last_word_in(features: Features, keys: np.ndarray, flagged: np.ndarray) -> np.ndarray:
    """Per key: whether the stem of its last word is `flagged` (one flag per stem)."""
    return flagged[np.maximum(features.texts.phrases.last_stems[keys], 0)]


def dangling_marks(features: Features) -> Dangling:
    """The Dangling marks of a list, read once for every ranking of its themes."""
    modifier = modifier_words(features.texts.tokens.words)
    # a phrase may end in an -ing verb's noun use ('scientific reviewing'); alone, the word reads as the verb. The
    # endings of adjectives are read alone too: a phrase ending in one without a plural is often a noun's
    # ('computational logic')
    alone = modifier | verbs_taking_objects(features) | predicative_words(features) | adjectives_by_ending(features)
    return Dangling(qualifying_stems(features), lone_modifiers(features, alone) | idiom_tails(features)
                    | ending_in_modifiers(features, modifier) | truncated_pairs(features))


class Ranking(NamedTuple):
    """A theme's phrase keys, most distinctive first, with each key's score and lift (how many times as often
    the theme's papers use it as the rest of the list do); `complete` when every key was put in order."""

    keys: np.ndarray
    scores: dict[int, float]
    lifts: dict[int, float]
    complete: bool


def ranked_keys(features: Features, labels: np.ndarray, count: int, dangling: Dangling,
                head: int | None = RANKING_HEAD) -> list[Ranking]:
    """Phrase keys of each theme, most distinctive first (ties broken alphabetically), for all themes at once,
    dangling phrases replaced (see without_dangling_words).

    Only the first `head` keys of a theme are put in order (all of them with head=None).
    """
    n = len(labels)
    placed = np.flatnonzero(labels >= 0)
    member = sparse.csr_matrix((np.ones(len(placed)), (labels[placed], placed)), shape=(count, n))
    # one sum counts both: a member using the key adds 1, and n + 1 more when it is in its title
    totals = (member @ features.phrases + (n + 1) * (member @ features.titles)).tocoo()
    theme, key = totals.row.astype(np.int64), totals.col.astype(np.int64)
    inside, in_titles = np.divmod(np.rint(totals.data).astype(np.int64), n + 1)[::-1]
    size = np.maximum(np.bincount(labels[placed], minlength=count), 1)[theme]
    words = features.texts.phrases.lengths[key]
    keep = ~((inside < 2) & (size > 2)) & ~features.texts.phrases.has_short_word[key] & features.texts.terms[key]
    share_in = (inside + 0.5) / (size + 1.0)
    share_out = (features.frequency[key] - inside + 0.5) / (n - size + 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        lift = share_in / share_out
        score = (share_in * np.log(lift) * (1.0 + MULTIWORD_BONUS * (words - 1))
                 * (TITLE_FLOOR + TITLE_BONUS * in_titles / size))
    keep &= score > 0
    theme, key, score, lift, untitled = theme[keep], key[keep], score[keep], lift[keep], in_titles[keep] == 0
    bounds = np.searchsorted(theme, np.arange(count + 1))   # the product's rows come theme by theme
    rankings = []
    for k in range(count):
        part = slice(bounds[k], bounds[k + 1])
        chosen = leading(score[part], untitled[part], head)
        keys = key[part][chosen]
        # a phrase no member's title uses is rarely what the theme is about ('proposed model')
        order = np.lexsort((alphabetical_rank(features, keys), -score[part][chosen], untitled[part][chosen]))
        listed = keys.tolist()
        rankings.append(Ranking(without_dangling_words(features, keys[order], dangling),
                                dict(zip(listed, score[part][chosen].tolist())),
                                dict(zip(listed, lift[part][chosen].tolist())), len(chosen) == part.stop - part.start))
    return rankings


def leading(score: np.ndarray, untitled: np.ndarray, head: int | None) -> np.ndarray:
    """Positions of the entries that can rank in the first `head` (titled first, then by score; ties kept)."""
    if head is None or len(score) <= head:
        return np.arange(len(score))
    titled = np.flatnonzero(~untitled)
    pool, need, sure = (titled, head, titled[:0]) if len(titled) >= head else \
        (np.flatnonzero(untitled), head - len(titled), titled)
    cut = np.partition(-score[pool], need - 1)[need - 1]
    return np.sort(np.r_[sure, pool[-score[pool] <= cut]])


def alphabetical_rank(features: Features, keys: np.ndarray) -> np.ndarray:
    """Rank of each key's text among the distinct keys given."""
    index, representative = factorize(keys)
    rank = np.empty(len(representative), dtype=np.int64)
    rank[features.texts.phrases.order(keys[representative])] = np.arange(len(representative))
    return rank[index]


def key_terms(features: Features, ranking: Ranking, limit: int = TERM_POOL) -> list[int]:
    """Distinct phrase keys describing a theme, its own phrases (see NAME_LIFT) first: the phrases the whole
    list uses only make up the first MIN_TERMS (their texts are made only as far as they are read).

    The default limit leaves room for the phrases of the theme's name, which lead its terms (named_terms)."""
    return distinct_keys(features, own_first(ranking), limit, {})


def own_first(ranking: Ranking) -> list[int]:
    """A theme's keys in rank order, its own phrases (see NAME_LIFT) before those the whole list uses."""
    keys = ranking.keys.tolist()
    return [key for key in keys if ranking.lifts[key] >= NAME_LIFT] + \
        [key for key in keys if ranking.lifts[key] < NAME_LIFT]


def phrases_in_name(name: str, keys: list[int], displays: list[str]) -> list[int]:
    """The keys whose phrase a given (curated or locked) name contains, in the name's order: its key terms
    open with them, as an automatic theme's open with the phrases its name joined."""
    def words(text: str) -> str:
        return " " + " ".join(re.sub(r"[-,;:()/]", " ", text.lower()).split()) + " "

    written = words(name)
    found = {}
    for key, display in zip(keys, displays):
        phrase = words(display)
        at = min((at for at in (written.find(phrase), written.find(phrase[:-1] + "s ")) if at >= 0), default=-1)
        if at >= 0 and key not in found:
            found[key] = at
    return sorted(found, key=found.get)


def named_terms(features: Features, name_keys: list[int], terms: list[int], ranking: Ranking) -> list[int]:
    """A theme's 3-6 key terms: the phrases of its name first, then the ranking's other phrases that carry weight,
    distinct from those before them. Where the name's phrases would leave fewer than MIN_TERMS distinct terms (a
    small theme), its `terms` (key_terms, made without the name) stand instead."""
    chosen = distinct_keys(features, name_keys + own_first(ranking), MAX_TERMS, {})
    if len(chosen) < MIN_TERMS:
        chosen = max(chosen, terms[:MAX_TERMS], key=len)
    return weighty(chosen, ranking)


def weighty(terms: list[int], ranking: Ranking) -> list[int]:
    """The key terms that carry weight: the first MIN_TERMS, then the theme's own phrases scoring at least
    TERM_SHARE of its best phrase.

    A theme with a few strong phrases ('continual learning', 'catastrophic forgetting') otherwise filled
    its six places with words that merely happen to recur in a handful of its papers ('overcoming',
    'scenarios'), or that the whole list uses ('language models').
    """
    if not terms:
        return terms
    floor = TERM_SHARE * max(ranking.scores.values())
    return terms[:MIN_TERMS] + [key for key in terms[MIN_TERMS:]
                                if ranking.scores[key] >= floor and ranking.lifts[key] >= NAME_LIFT]


def distinct_keys(features: Features, ranked: list[int], limit: int, forms: dict[int, tuple]) -> list[int]:
    """The first `limit` keys whose phrases do not repeat one another (distinct, on keys).

    `forms` caches what overlaps compares, by key, across calls.
    """
    kept: list[tuple] = []
    chosen: list[int] = []
    for key in ranked:
        form = forms.get(key) or forms.setdefault(key, phrase_forms(features.key_text(key)))
        if not any(forms_overlap(form, other) for other in kept):
            kept.append(form)
            chosen.append(key)
            if len(chosen) == limit:
                break
    return chosen


def enough(features: Features, ranked: np.ndarray, terms: list[int], named: bool) -> bool:
    """Whether a ranking's first keys hold all that terms and names read (else the whole ranking is needed)."""
    multi = int((features.texts.phrases.lengths[ranked] > 1).sum())
    return len(terms) == TERM_POOL and (not named or multi >= NAME_CANDIDATES)


def name_candidates(features: Features, ranked: np.ndarray) -> list[int]:
    """The part of a ranking name_and_phrases reads: the first phrases and the first multi-word ones, in rank order."""
    multi = np.flatnonzero(features.texts.phrases.lengths[ranked] > 1)[:NAME_CANDIDATES]
    head = np.union1d(np.arange(min(NAME_CANDIDATES, len(ranked))), multi).astype(np.int64)
    return ranked[head].tolist()


def acronym(key: str) -> str:
    """The initials of a phrase ('large language model' -> 'llm'), to spot 'LLMs' beside its long form."""
    return "".join(word[0] for word in key.split() if word)


def overlaps(key: str, kept: Sequence[str]) -> bool:
    """True when a phrase repeats one already kept: same words, a part of it, or its acronym."""
    form = phrase_forms(key)
    return any(forms_overlap(form, phrase_forms(other)) for other in kept)


def forms_overlap(form: tuple, other: tuple) -> bool:
    """overlaps() on two phrase_forms: either says no more than the other."""
    return within(form, other) or within(other, form)


def within(form: tuple, other: tuple) -> bool:
    """Whether a phrase (its phrase_forms) says no more than another: its words are some of the other's ('language
    models' of 'large language models'), or one is the other's acronym ('llms')."""
    words, bare, initials = form
    other_words, other_bare, other_initials = other
    return words <= other_words or bare in other_initials or other_bare in initials


@functools.lru_cache(maxsize=65536)
def phrase_forms(key: str) -> tuple[frozenset[str], str, tuple[str, str]]:
    """What overlaps compares: the words (hyphens split; without a final 'e', as the stems of 'sequence' and
    'sequences' differ by it), the phrase without a final 's', its acronyms."""
    initials = acronym(key)
    words = frozenset(re.sub(r"e$", "", word) for word in key.replace("-", " ").split())
    return words, re.sub(r"s$", "", key), (initials, initials + "s")


def distinct(keys: Sequence[str], limit: int) -> list[str]:
    """The first `limit` phrases that do not repeat one another."""
    kept: list[str] = []
    for key in keys:
        if not overlaps(key, kept):
            kept.append(key)
        if len(kept) == limit:
            break
    return kept


def qualifying_stems(features: Features) -> np.ndarray:
    """For each stem of the list, whether it mostly qualifies the next word of its phrase (see MODIFIER_SHARE)."""
    table = features.texts.phrases
    single, pair = table.starting[0], table.starting[1]
    used = single >= 0
    stems = table.key_stems[single[used], 0]
    uses = np.bincount(stems, minlength=len(table.stems))
    followed = np.bincount(stems, weights=(pair[used] >= 0).astype(float), minlength=len(table.stems))
    return (uses >= MODIFIER_USES) & (followed >= MODIFIER_SHARE * uses)


def adjectives_by_ending(features: Features) -> np.ndarray:
    """Per word of the list: an adjective by its ending (see ADJECTIVE_ENDINGS), one the list never writes with a
    plural -s ('interpretable', 'axiomatic', 'scalable'; not 'objective' beside 'objectives', 'topic' beside
    'topics')."""
    words = features.texts.tokens.words
    vocabulary = set(words)
    return np.array([len(word) >= MIN_MODIFIER_LENGTH and word.endswith(ADJECTIVE_ENDINGS)
                     and word + "s" not in vocabulary for word in words], dtype=bool)


def plural_stems(features: Features) -> np.ndarray:
    """Per stem of the list: whether the list writes it as a noun, in the singular and in the plural ('protein'
    and 'proteins', 'memory' and 'memories'), as no adjective is written."""
    table = features.texts.phrases
    index = {s: i for i, s in enumerate(table.stems)}
    words = set(features.texts.tokens.words)
    plural = np.zeros(len(table.stems) + 1, dtype=bool)   # the last entry: a stop word
    for word in words:
        if not word.endswith("s") or word.endswith(("ss", "us", "is")):
            continue
        singulars = {word[:-3] + "y"} if word.endswith("ies") else {word[:-1], word[:-2]}
        for singular in {form for form in singulars & words if len(form) >= MIN_SINGULAR_LENGTH}:
            for form in (word, singular):   # their stems may differ ('languages', 'language')
                plural[index.get(stem(form), -1)] = True
    return plural[:-1]


def truncated_pairs(features: Features) -> np.ndarray:
    """Per phrase key: a two-word phrase mostly written as the start of one three-word phrase ('unsupervised
    dependency' of 'unsupervised dependency parsing'; see MODIFIER_SHARE). One followed by various words
    ('sentence embedding models', 'sentence embedding methods') is a term of its own."""
    table = features.texts.phrases
    pair, triple = table.starting[1], table.starting[2]
    pair_uses = np.bincount(pair[pair >= 0], minlength=len(table.key_stems))
    at = np.flatnonzero(triple >= 0)
    head_of = np.full(len(pair_uses), -1, dtype=np.int64)
    head_of[triple[at]] = pair[at]                   # the two words a three-word phrase opens with
    triple_uses = np.bincount(triple[at], minlength=len(pair_uses))
    longest = np.zeros(len(pair_uses))
    present = np.flatnonzero(triple_uses)
    np.maximum.at(longest, head_of[present], triple_uses[present])
    return (pair_uses >= MODIFIER_USES) & (longest >= MODIFIER_SHARE * pair_uses)


def lone_modifiers(features: Features, modifier_word: np.ndarray) -> np.ndarray:
    """Per phrase key: a lone word the titles and abstracts write as an adverb, a participle or an adjective (see
    ADVERB_ENDINGS; `modifier_word` per word, from modifier_words) at least as often as in its most used other
    form, as it is then shown ('continually', 'shared', 'semantic')."""
    texts = features.texts
    limit = texts.prose_end
    starting, stream = texts.phrases.starting[0][:limit], texts.tokens.stream[:limit]
    used = starting >= 0
    key_of_word = np.full(len(texts.tokens.words), -1, dtype=np.int64)
    key_of_word[stream[used]] = starting[used]      # a word has one stem, so one single-word key
    word_uses = np.bincount(stream[used], minlength=len(key_of_word))
    present = np.flatnonzero(word_uses > 0)
    modifier = modifier_word[present]
    keys, uses = key_of_word[present], word_uses[present]
    modifier_uses = np.bincount(keys[modifier], weights=uses[modifier], minlength=len(texts.phrases.key_stems))
    other_uses = np.zeros(len(modifier_uses))
    np.maximum.at(other_uses, keys[~modifier], uses[~modifier])
    return (modifier_uses > 0) & (modifier_uses >= other_uses)


def idiom_tails(features: Features) -> np.ndarray:
    """Per phrase key: a lone word mostly written after one and the same stop word (see IDIOM_SHARE): 'scratch' of
    'from scratch', 'believe' of 'we believe'."""
    texts = features.texts
    limit = texts.prose_end
    stream, starting = texts.tokens.stream[:limit], texts.phrases.starting[0][:limit]
    opener = flags_of(texts.tokens.words, IDIOM_OPENERS)   # the last entry: a break (-1), no opener
    at = np.flatnonzero(starting[1:] >= 0) + 1
    keys, before = starting[at].astype(np.int64), stream[at - 1].astype(np.int64)
    count = len(texts.phrases.key_stems)
    uses = np.bincount(keys, minlength=count)
    opened = opener[before]
    base = np.int64(len(texts.tokens.words))
    pairs, times = np.unique(keys[opened] * base + before[opened], return_counts=True)
    most = np.zeros(count, dtype=np.int64)
    np.maximum.at(most, pairs // base, times)
    return (texts.phrases.lengths == 1) & (uses >= IDIOM_USES) & (most >= IDIOM_SHARE * uses)


def ending_in_modifiers(features: Features, modifier_word: np.ndarray) -> np.ndarray:
    """Per phrase key: a phrase of several words whose last word is an adverb, a participle or an adjective (see
    ADVERB_ENDINGS; `modifier_word` per word, from modifier_words) in half its uses or more: 'lexical semantic',
    'computationally efficient', 'data collected'. A noun phrase ends in its noun."""
    texts = features.texts
    limit = texts.prose_end
    stream = texts.tokens.stream[:limit]
    modifier = np.r_[modifier_word, False]   # the last entry: a break (-1)
    ending = np.zeros(len(texts.phrases.key_stems), dtype=bool)
    for size, starting in enumerate(texts.phrases.starting[1:], start=2):
        at = np.flatnonzero(starting[:limit] >= 0)
        keys = starting[at]
        uses = np.bincount(keys, minlength=len(ending))
        modifier_uses = np.bincount(keys[modifier[stream[at + size - 1]]], minlength=len(ending))
        ending |= (uses > 0) & (2 * modifier_uses >= uses)
    return ending


def verbs_taking_objects(features: Features) -> np.ndarray:
    """Per word of the list: a verb its authors write with an object, a determiner next in at least OBJECT_SHARE
    of its uses. An -ing form so used MODIFIER_USES times or more: 'incorporating', 'pushing', 'following'; not
    'learning', 'parsing' or 'grokking'. Another word not in -s so used MIN_VERB_MARKS times or more: 'unlock the',
    'gather a', 'propose a' (on three lists all but a few of the 200 words it marks are verbs or prepositions;
    the nouns among them, 'design' or 'control', were written as verbs there). A word in -s is features' to tell
    (s_forms_taking_objects): 'models' and 'tasks' are nouns."""
    texts = features.texts
    words = texts.tokens.words
    ing = np.array([len(word) >= MIN_MODIFIER_LENGTH and word.endswith("ing") for word in words], dtype=bool)
    other = np.array([len(word) >= MIN_S_FORM_LENGTH and not word.endswith(("s", "ing")) for word in words],
                     dtype=bool)
    uses, before_determiner = uses_before_determiners(texts.tokens, texts.tokens.stream[:texts.prose_end],
                                                      ing | other)
    often = before_determiner >= OBJECT_SHARE * uses
    return often & ((ing & (uses >= MODIFIER_USES)) | (other & (before_determiner >= MIN_VERB_MARKS)))


def predicative_words(features: Features) -> np.ndarray:
    """Per word of the list: an adjective its authors also write after a copula or a degree word ('is robust',
    'very important'; see PREDICATIVE_SHARE), which nouns almost never follow."""
    texts = features.texts
    words = texts.tokens.words
    stream = texts.tokens.stream[:texts.prose_end]
    marker = flags_of(words, PREDICATIVE_MARKERS)
    uses = np.bincount(stream[stream >= 0], minlength=len(words))
    after = stream[np.flatnonzero(marker[stream[:-1]]) + 1]
    marked = np.bincount(after[after >= 0], minlength=len(words))
    # a plural follows a copula too ('inputs are sequences'); adjectives take no -s, save those in -ous ('various')
    singular = np.array([not word.endswith("s") or word.endswith("ous") for word in words], dtype=bool)
    return singular & (marked >= MIN_PREDICATIVE_MARKS) & (marked >= PREDICATIVE_SHARE * uses)


def modifier_words(words: Sequence[str]) -> np.ndarray:
    """Per word of a list: whether it reads as an adverb, a participle or an adjective (see ADVERB_ENDINGS)."""
    vocabulary = set(words)

    def has_adverb(word: str) -> bool:
        """'semantic' -> 'semantically', 'causal' -> 'causally', 'noisy' -> 'noisily', 'stable' -> 'stably'; not
        'logic' beside 'logical' and 'logically', nor 'composition' beside 'compositional': that adverb is the
        adjective's."""
        made = [word + "ly"] + ([word + "ally"] if word + "al" not in vocabulary else []) + \
            ([word[:-1] + "ily"] if word.endswith("y") else []) + ([word[:-2] + "ly"] if word.endswith("le") else [])
        return any(adverb in vocabulary for adverb in made)

    def reads_as_modifier(word: str) -> bool:
        if len(word) < MIN_MODIFIER_LENGTH:
            return False
        return word.endswith(ADVERB_ENDINGS) or (word.endswith("ed") and not word.endswith(NOUNS_ENDING_IN_ED)) \
            or has_adverb(word) or (word.endswith("ly") and word[:-2] in vocabulary)

    return np.array([reads_as_modifier(word) for word in words], dtype=bool)


def without_dangling_words(features: Features, ranked: np.ndarray, marks: Dangling) -> np.ndarray:
    """A theme's ranking with each phrase that dangles (`marks`: ending in a word that mostly qualifies another, or
    giving way, see lone_modifiers, ending_in_modifiers, truncated_pairs) replaced by the best phrase of the
    ranking that goes on from it and does not dangle itself ('bayesian' -> 'bayesian inference', 'deep linear' ->
    'deep linear networks', 'unsupervised' -> 'unsupervised methods'), or left out when there is none."""
    table = features.texts.phrases
    stems = table.key_stems[ranked].astype(np.int64)
    lengths = table.lengths[ranked]
    dangling = np.flatnonzero(marks.of(features, ranked))
    if not len(dangling):
        return ranked
    base = np.int64(len(table.stems) + 1)
    # a phrase's first word, and its first two words, as codes: the prefixes longer phrases go on from
    prefix = {1: stems[:, 0], 2: stems[:, 0] * base + stems[:, 1]}
    keys = ranked.copy()
    sound = np.ones(len(ranked), dtype=bool)
    sound[dangling] = False
    for size, code in prefix.items():
        going_on = np.flatnonzero((lengths > size) & sound)   # an extension that dangles itself is no better
        codes, best = np.unique(code[going_on], return_index=True)   # best-ranked phrase per prefix
        extension = dict(zip(codes.tolist(), ranked[going_on[best]].tolist()))
        ending = dangling[lengths[dangling] == size]
        keys[ending] = [extension.get(value, -1) for value in code[ending].tolist()]
    keys[dangling[lengths[dangling] > max(prefix)]] = -1
    keys = keys[keys >= 0]
    _, kept = np.unique(keys, return_index=True)   # a phrase stays where it first ranks
    return keys[np.sort(kept)]


def name_options(ranked: Sequence[str], barred: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """The phrases a name may join, the one to lead it first: the leading single word (see leading_word), the
    best multi-word phrases, then the best phrases of any length; none repeating another, and none saying
    what a `barred` phrase says (see within)."""
    barred_forms = [phrase_forms(key) for key in barred]
    ranked = [key for key in ranked if not any(within(phrase_forms(key), form) for form in barred_forms)]
    multi = [key for key in ranked if " " in key]
    return distinct(leading_word(ranked, multi) + multi[:NAME_PHRASES] + ranked[:NAME_CANDIDATES], NAME_CANDIDATES)


def joined_halves(first: str, second: str | None, ranked: Sequence[str]) -> str | None:
    """The ranked phrase two overlapping phrases are halves of ('vector space' and 'space model' of 'vector space
    model', 'word sense' and 'sense disambiguation'), or None: "Word sense and sense disambiguation" says one
    term twice."""
    if second is None:
        return None
    head, tail = first.split(), second.split()
    if len(head) < 2 or len(tail) < 2 or head[-1] != tail[0]:
        return None
    whole = " ".join(head + tail[1:])
    return whole if whole in ranked else None


def barred_leads(rankings: Sequence[Sequence[str]], strengths: Sequence[dict[str, tuple[float, float]]]) -> list[set[str]]:
    """Per theme, the phrases its name leaves out: a phrase leads the name of one theme at most, the theme whose
    papers it is most distinctive of (highest score; ties to the first theme); the others are named by their
    next phrases. Two themes named "Large language models and ..." tell a reader nothing about either.
    `strengths` gives each theme's (score, lift) per phrase of its ranking."""
    barred: list[set[str]] = [set() for _ in rankings]
    while True:
        leads: dict[str, list[int]] = {}
        for k, ranked in enumerate(rankings):
            options = name_options(ranked, barred[k])
            if options:
                leads.setdefault(lead_and_partner(options, 0, ranked, strengths[k])[0], []).append(k)
        contested = {lead: themes for lead, themes in leads.items() if len(themes) > 1}
        if not contested:
            return barred
        for lead, themes in contested.items():
            keeper = max(themes, key=lambda k: (strengths[k][lead][0], -k))
            for k in themes:
                if k != keeper:
                    barred[k].add(lead)


def name_and_phrases(ranked: Sequence[str], display: dict[str, str], taken: set[str],
                     strength: dict[str, tuple[float, float]] | None = None,
                     barred: set[str] | frozenset[str] = frozenset()) -> tuple[str, tuple[str, ...]]:
    """'X and Y' from the two best distinct phrases, multi-word ones first, unique within the list; and the
    phrases (of `ranked`) it joined. Phrases in `barred` (see barred_leads) are left out.

    Given each phrase's (score, lift), Y must be one that can_follow X; when none can, X alone names the theme.
    """
    candidates = name_options(ranked, barred)
    for position in range(len(candidates)):
        first, partner = lead_and_partner(candidates, position, ranked, strength)
        phrases = (first, partner) if partner else (first,)
        name = capitalise(" and ".join(display.get(key, key) for key in phrases))
        if name.lower() not in taken:
            return name, phrases
    return (FALLBACK_NAME if FALLBACK_NAME.lower() not in taken else f"{FALLBACK_NAME} {len(taken) + 1}"), ()


def lead_and_partner(candidates: Sequence[str], position: int, ranked: Sequence[str],
                     strength: dict[str, tuple[float, float]] | None) -> tuple[str, str | None]:
    """The phrases of a name led by candidates[position]: it and its partner among the later candidates (see
    partner_of), or the phrase they are two halves of (see joined_halves) and that phrase's partner."""
    first, later = candidates[position], candidates[position + 1:]
    partner = partner_of(first, later, strength)
    whole = joined_halves(first, partner, ranked)
    return (whole, partner_of(whole, later, strength)) if whole else (first, partner)


def partner_of(first: str, later: Sequence[str], strength: dict[str, tuple[float, float]] | None) -> str | None:
    """The first phrase of `later` that does not repeat `first` and can_follow it (any, without strengths)."""
    return next((key for key in later if not overlaps(key, [first])
                 and (strength is None or can_follow(strength[first], strength[key]))), None)


def can_follow(first: tuple[float, float], second: tuple[float, float]) -> bool:
    """Whether a phrase of this (score, lift) is the theme's own enough to share its name with the first."""
    return second[1] >= NAME_LIFT and second[0] >= NAME_SHARE * first[0]


def leading_word(ranked: Sequence[str], multi: Sequence[str]) -> list[str]:
    """The most distinctive phrase when it is a single word no longer phrase contains ('grokking').

    Such a word is the theme's own term and leads its name; a word that only repeats part of a
    longer phrase ('memory' beside 'memory network') gives way to that phrase.
    """
    if not ranked or " " in ranked[0]:
        return []
    word = ranked[0]
    return [] if any(word in key.split() for key in multi[:NAME_CANDIDATES]) else [word]


def capitalise(text: str) -> str:
    """First letter upper case; acronyms and the rest left as written, and a leading Greek letter too ('α-synuclein
    aggregation': its capital, 'Α', reads as an A)."""
    return text if text and greek_letter_name(text[0]) else text[:1].upper() + text[1:]


def slug_for(name: str, taken: set[str]) -> str:
    """A URL slug from a name (in its ASCII form: 'Schrödinger equation' -> 'schrodinger-equation'), unique among
    `taken`."""
    base = re.sub(r"[^a-z0-9]+", "-", ascii_text(name).lower()).strip("-")[:60].strip("-") or "theme"
    if base in RESERVED_NAMES:  # a slug is a file name (themes/<slug>.md): never a Windows device name
        base = f"{base}-theme"
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def describe(name: str, terms: Sequence[str]) -> str:
    """A starting description for `themes --freeze`, for the curator to rewrite."""
    return f"Papers on {', '.join(terms[:-1])} and {terms[-1]}." if len(terms) > 1 else f"Papers on {name.lower()}."
