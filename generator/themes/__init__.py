"""Group papers into named themes, rank theme suggestions and find related papers.

Pure: takes papers, settings, the curator's themes and the lock, returns a Grouping. One stage per
module: phrases (texts -> phrase counts), features (counts -> vectors), clustering (automatic
themes; communities finds a graph's modularity communities for it), curation (declared or locked themes),
naming (names and key terms), related (similar papers), layout (the map). Papers are sorted by id first, so the result never depends on the order
they were listed in. Lists of SCALABLE_FROM papers or more take the scalable methods, in which no
step grows faster than the number of papers.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, partial
from typing import NamedTuple, Sequence

from threadpoolctl import threadpool_limits

import numpy as np
from scipy import sparse
from scipy.optimize import linear_sum_assignment

from generator.collector import no_cycle_collection
from generator.parallel import in_background
from generator.schema import CuratedTheme, Paper, ThemesSection
from generator.themes import clustering, curation, layout, naming, related
from generator.themes.phrases import factorize
from generator.embeddings import Embed, paper_text, theme_text
from generator.themes.features import Features, Meaning, declared_views, read_texts, vectorize, without_copyright

__all__ = ["SCALABLE_FROM", "Grouping", "LockedTheme", "Placement", "Related", "Theme", "align_with_lock",
           "group_papers", "grouping_json", "locked_themes", "theme_step"]

SUGGESTIONS = 3
TIE_TERMS = 4
# From this many papers on, the steps that compare papers with one another switch to methods that
# scale: mini-batch k-means instead of the graph of all papers (its spectrum for the number of themes, its
# communities for the themes), neighbours searched in nearby k-means cells instead of among all papers, a
# sampled randomized SVD and a map laid out by theme. Below it the graph groups better: NMI against the
# curator 0.589 / 0.625 / 0.586 on the shipped list, its halves and 16 subsets (session 14; with spectral
# k-means for the themes, session 10: 0.566 / 0.613 / 0.551), against 0.527 / 0.514 / 0.495 on the scalable
# path; on copies of the list grown to 500, 1,000 and 2,000 papers 0.60-0.61 against 0.55-0.57 (session 10).
# Its all-pairs similarities, eigenvectors and communities cost about 1 s at 1,000 papers and 2.6 s at 1,999
# (scalable: 0.2 and 0.35 s at 1,000 and 2,000; with a lock 0.45 and 1.05 s against 0.25 and 0.4 s), and
# grow faster than the list.
SCALABLE_FROM = 2000


@dataclass(frozen=True)
class Theme:
    """A group of papers with a permanent slug, a readable name and its key terms."""

    slug: str
    name: str
    terms: tuple[str, ...]
    papers: tuple[str, ...]
    description: str = ""
    curated: bool = False


@dataclass(frozen=True)
class Placement:
    """Where one paper sits: its theme, whether the curator pinned it, and ranked alternatives."""

    theme: str
    pinned: bool
    suggestions: tuple[tuple[str, float], ...]
    terms: tuple[str, ...] = ()


class Related(NamedTuple):
    """A paper similar to another one, with the key terms they share (a named tuple: a long list has a
    few for each of 100,000 papers, made in one process and passed to another)."""

    id: str
    score: float
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Grouping:
    """The result of the theme step."""

    themes: tuple[Theme, ...]
    placements: dict[str, Placement]
    related: dict[str, tuple[Related, ...]]
    coords: dict[str, tuple[float, float]]

    def theme(self, slug: str) -> Theme:
        return self.by_slug[slug]

    @cached_property
    def by_slug(self) -> dict[str, Theme]:
        """Each theme by its slug (pages look one up for every paper)."""
        return {t.slug: t for t in self.themes}


@dataclass(frozen=True)
class LockedTheme:
    """A theme fixed by the lock file: its slug, name and the papers it held when last updated."""

    slug: str
    name: str
    papers: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    """What the model decided before naming: a theme per paper, scores, and the themes' identities."""

    labels: np.ndarray
    scores: np.ndarray
    pinned: np.ndarray
    given: tuple[tuple[str, str, str], ...]   # (slug, name, description) of declared/locked themes; () when automatic
    curated: bool = False


def group_papers(papers: Sequence[Paper], settings: ThemesSection, curated: Sequence[CuratedTheme] = (),
                 lock: Sequence[LockedTheme] = (), embed: Embed | None = None) -> Grouping:
    """The theme step: features, themes (curated, locked or automatic), names, suggestions, related papers.

    With `embed` (texts to unit vectors, see generator.embeddings) the papers' sentence embeddings join
    the similarity of papers and the assignment into declared themes.
    """
    return theme_step(papers, settings, curated, lock, embed=embed)


def theme_step(papers: Sequence[Paper], settings: ThemesSection, curated: Sequence[CuratedTheme] = (),
             lock: Sequence[LockedTheme] = (), scalable_from: int = SCALABLE_FROM,
             embed: Embed | None = None) -> Grouping:
    """group_papers, with the list size from which the scalable methods are used as a parameter."""
    # one thread: the same sums in the same order on every machine (and no oversubscribed cores); no cycle
    # collection: the step makes hardly any reference cycles (8 objects at 10,000 papers) and its passes
    # cost about 3% of it
    with threadpool_limits(limits=1), no_cycle_collection():
        return sorted_step(sorted(papers, key=lambda p: p.id), settings, curated, lock, len(papers) >= scalable_from,
                           embed)


def sorted_step(papers: list[Paper], settings: ThemesSection, curated: Sequence[CuratedTheme],
            lock: Sequence[LockedTheme], scalable: bool, embed: Embed | None = None) -> Grouping:
    """The theme step on papers sorted by id."""
    ids = [p.id for p in papers]
    kept = kept_lock(ids, lock) if not curated else ()
    given = (tuple((t.slug, t.name, t.description or "") for t in curated) if curated
             else tuple((t.slug, t.name, "") for t in kept))
    texts = read_texts(papers, [declared_text(name, description) for _, name, description in given])
    features = vectorize(texts, scalable, meaning_of(papers, embed))
    # Related papers need only the features: on long lists they and the phrases they share are found on
    # another core meanwhile, which reads the dangling marks names read for itself.
    dangling = None if scalable else naming.dangling_marks(features)
    find_related = partial(related_pairs, features, dangling, settings, scalable)
    related_found = in_background(find_related) if scalable else find_related
    if curated:
        plan = curated_plan(papers, curated, features, given)
    elif kept:
        plan = locked_plan(ids, kept, features, given)
    else:
        plan = automatic_plan(features, settings, scalable)
    themes, term_keys = describe_themes(features, naming.dangling_marks(features) if dangling is None else dangling,
                                        plan, ids)
    placed = placements(features, plan, themes, term_keys, ids)
    coords = layout.layout(features, ids, plan.labels, settings.seed, scalable)
    return Grouping(themes, placed, related_papers(features, ids, related_found()), coords)


def neighbours_of_all(features: Features, settings: ThemesSection, scalable: bool) -> related.Neighbours:
    """Every paper's most similar papers, with the nearest-neighbour search that suits the list's size."""
    return (related.nearest_scalable(features, settings.related, settings.seed) if scalable
            else related.nearest(features, settings.related))


def kept_lock(ids: list[str], lock: Sequence[LockedTheme]) -> tuple[LockedTheme, ...]:
    """The locked themes still holding one of the papers (none when the lock knows no paper)."""
    present = set(ids)
    return tuple(t for t in lock if present.intersection(t.papers))


def declared_text(name: str, description: str) -> str:
    """The text standing for a declared theme: its name, twice, and its description."""
    return f"{name} . {name} . {description}"


def meaning_of(papers: Sequence[Paper], embed: Embed | None) -> Meaning | None:
    """The papers' sentence embeddings, when the site has a model."""
    return Meaning.of(embed([paper_text(p.title, p.abstract and without_copyright(p.abstract).strip())
                             for p in papers]), embed) if embed else None


def meaning_view(meaning: Meaning, given: tuple[tuple[str, str, str], ...]) -> curation.View:
    """The declared themes seen in the meaning view: the papers' embeddings and those of the themes' texts."""
    themes = meaning.placed([theme_text(name, description) for _, name, description in given])
    return curation.View(sparse.csr_matrix(meaning.papers), themes)


def automatic_plan(features: Features, settings: ThemesSection, scalable: bool = False) -> Plan:
    """Themes found by clustering; suggestions score each paper against every theme."""
    none = np.full(features.tfidf.shape[0], -1)
    if scalable:  # scored in the latent view the themes were found in (a theme x vocabulary matrix is too big)
        labels, scores = clustering.cluster_scalable(features, settings.count, settings.seed)
        return Plan(labels, scores, none, ())
    labels = clustering.cluster(features, settings.count, settings.seed)
    count = int(labels.max()) + 1
    weights = np.ones(len(labels))
    # no paper is a guess here, so each counts in its own theme and its theme ranks first
    centres = curation.prototypes(features.tfidf, labels, weights, count, None, none)
    scores = np.asarray(features.tfidf @ centres.T)
    return Plan(labels, scores, none, ())


def curated_plan(papers: Sequence[Paper], curated: Sequence[CuratedTheme], features: Features,
                 given: tuple[tuple[str, str, str], ...]) -> Plan:
    """The curator's themes (`given` as slug, name, description): pins stay, the rest join the theme they
    fit best."""
    slugs = [t.slug for t in curated]
    pinned = np.array([slugs.index(p.theme) if p.theme in slugs else -1 for p in papers])
    plan = declared_plan(features, pinned, given, choose_prior=True)
    return Plan(plan.labels, plan.scores, plan.pinned, plan.given, curated=True)


def locked_plan(ids: list[str], kept: Sequence[LockedTheme], features: Features,
                given: tuple[tuple[str, str, str], ...]) -> Plan:
    """The lock file's themes (`given` as slug, name, ""): papers it lists keep their theme, new papers join
    the closest one (its locked papers set the theme offsets, as pins do)."""
    home = {pid: k for k, t in enumerate(kept) for pid in t.papers}
    pinned = np.array([home.get(pid, -1) for pid in ids])
    plan = declared_plan(features, pinned, given, choose_prior=False)
    # a locked paper is not a curator's pin: it is shown as placed by the model
    return Plan(plan.labels, plan.scores, np.full(len(ids), -1), plan.given)


def declared_plan(features: Features, pinned: np.ndarray, given: tuple[tuple[str, str, str], ...],
                  choose_prior: bool) -> Plan:
    """Assignment into known themes, described by their name and description text (the weight of that text
    read from the pins when `choose_prior`; each theme's offset read from them in any case)."""
    views = declared_views(features.texts, [declared_text(name, description) for _, name, description in given])
    views = curation.views_for_pins(views, pinned, len(given))
    if features.meaning is not None:
        views.append(meaning_view(features.meaning, given))
    labels, _, scores = curation.assign(views, pinned, len(given), choose_prior)
    return Plan(labels, scores, pinned, given)


def describe_themes(features: Features, dangling: naming.Dangling, plan: Plan,
                    ids: list[str]) -> tuple[tuple[Theme, ...], list[list[int]]]:
    """Name each theme from its distinctive phrases and order its papers, most central first.

    Also returns the keys of each theme's terms (its papers' explanations are read from them).
    """
    count = len(plan.given) if plan.given else int(plan.labels.max()) + 1
    rankings = naming.ranked_keys(features, plan.labels, count, dangling)
    term_keys = [naming.key_terms(features, ranking) for ranking in rankings]
    if not all(ranking.complete or naming.enough(features, ranking.keys, terms, not plan.given)
               for ranking, terms in zip(rankings, term_keys)):
        rankings = naming.ranked_keys(features, plan.labels, count, dangling, head=None)
        term_keys = [naming.key_terms(features, ranking) for ranking in rankings]
    candidates = [naming.name_candidates(features, ranking.keys) for ranking in rankings]
    features.display([key for keys in term_keys + candidates for key in keys])  # all display forms in one pass
    # automatic themes: each name candidate's stemmed text, and its (score, lift), which barred_leads reads too
    key_of = [{features.key_text(key): key for key in keys} for keys in candidates] if not plan.given else []
    strengths = [{text: (ranking.scores[key], ranking.lifts[key]) for text, key in keys.items()}
                 for ranking, keys in zip(rankings, key_of)]
    barred = naming.barred_leads([list(keys) for keys in key_of], strengths)
    themes, names, slugs = [], set(), set()
    for k, ranking in enumerate(rankings):
        members = np.flatnonzero(plan.labels == k)
        order = members[np.argsort(-plan.scores[members, k], kind="stable")]
        papers = tuple(ids[i] for i in order)
        if plan.given:
            slug, name, description = plan.given[k]
            named = naming.phrases_in_name(name, candidates[k], features.display(candidates[k]))
            term_keys[k] = naming.named_terms(features, named, term_keys[k], ranking)
            themes.append(Theme(slug, name, tuple(features.display(term_keys[k])), papers, description,
                                curated=plan.curated))
        else:
            display = dict(zip(key_of[k], features.display(list(key_of[k].values()))))
            name, phrases = naming.name_and_phrases(list(key_of[k]), display, names, strengths[k], barred[k])
            term_keys[k] = naming.named_terms(features, [key_of[k][text] for text in phrases], term_keys[k], ranking)
            slug = naming.slug_for(name, slugs)
            themes.append(Theme(slug, name, tuple(features.display(term_keys[k])), papers))
        names.add(themes[-1].name.lower())
        slugs.add(themes[-1].slug)
    return tuple(themes), term_keys


def placements(features: Features, plan: Plan, themes: tuple[Theme, ...], term_keys: list[list[int]],
               ids: list[str]) -> dict[str, Placement]:
    """Each paper's theme, pin, top suggestions and the phrases tying it to its theme."""
    columns_of = theme_columns(plan, themes)
    slug_of = {k: t.slug for k, t in zip(columns_of, themes)}
    columns = np.array(sorted(slug_of))
    terms_of = {k: (keys, t.terms) for k, keys, t in zip(columns_of, (term_keys[k] for k in columns_of), themes)}
    top = columns[np.argsort(-plan.scores[:, columns], axis=1, kind="stable")[:, :SUGGESTIONS]]
    ties = tying_terms(features, plan.labels, terms_of)
    return {paper_id: Placement(
                theme=slug_of[int(plan.labels[i])], pinned=bool(plan.pinned[i] >= 0),
                suggestions=tuple((slug_of[int(c)], round(float(plan.scores[i, c]), 3)) for c in top[i]),
                terms=ties[i])
            for i, paper_id in enumerate(ids)}


def tying_terms(features: Features, labels: np.ndarray, terms_of: dict) -> list[tuple[str, ...]]:
    """The theme's key terms each paper uses (its explanation), in the theme's order of importance."""
    ties: list[tuple[str, ...]] = [()] * len(labels)
    for k, (keys, terms) in terms_of.items():
        members = np.flatnonzero(labels == k)
        if not keys or not len(members):
            continue
        used = features.phrases[members][:, keys].toarray() > 0
        for i, row in zip(members, used):
            ties[i] = tuple(term for term, use in zip(terms, row) if use)[:TIE_TERMS]
    return ties


def theme_columns(plan: Plan, themes: tuple[Theme, ...]) -> list[int]:
    """Score column of each theme kept (declared themes may have been dropped when empty)."""
    if not plan.given:
        return list(range(len(themes)))
    index = {slug: k for k, (slug, _, _) in enumerate(plan.given)}
    return [index[t.slug] for t in themes]


class RelatedPairs(NamedTuple):
    """Every paper's most similar others, and the keys of the phrases each pair shares."""

    found: related.Neighbours   # per paper: its related papers and their similarity
    pair_of: np.ndarray         # per (paper, related paper), paper by paper: its unordered pair
    shared: list[list[int]]     # per unordered pair: keys of the phrases both use


def related_pairs(features: Features, dangling: naming.Dangling | None, settings: ThemesSection,
                  scalable: bool) -> RelatedPairs:
    """The related papers of every paper with the key phrases they share (no names needed: a long list
    finds them on another core while this one forms and names the themes). The phrases that dangle are
    those names leave out (`dangling`, read here when None)."""
    if dangling is None:
        dangling = naming.dangling_marks(features)
    found = neighbours_of_all(features, settings, scalable)
    n = len(found.index)
    shown = found.index >= 0
    first, second = np.nonzero(shown)[0], found.index[shown]
    # a pair's shared phrases do not depend on its order: score each unordered pair once
    low, high = np.minimum(first, second), np.maximum(first, second)
    pair_of, representative = factorize(low * n + high)
    return RelatedPairs(found, pair_of, related.shared_phrases(features, np.c_[low[representative],
                                                                                 high[representative]], dangling))


def related_papers(features: Features, ids: list[str], pairs: RelatedPairs) -> dict[str, tuple[Related, ...]]:
    """For every paper, its most similar others with the key phrases they share, as shown."""
    features.display([key for keys in pairs.shared for key in keys])  # all display forms in one pass
    shown = [tuple(features.display(keys)) for keys in pairs.shared]
    terms = iter([shown[k] for k in pairs.pair_of.tolist()])   # in the order of `found`
    return {paper_id: tuple(Related(ids[j], round(score, 3), next(terms)) for j, score in zip(others, scores)
                            if j >= 0)
            for paper_id, others, scores in zip(ids, pairs.found.index.tolist(), pairs.found.score.tolist())}


def align_with_lock(grouping: Grouping, lock: Sequence[LockedTheme], min_overlap: float = 0.5) -> Grouping:
    """A fresh automatic grouping whose themes take the slug and name of the locked theme they continue.

    Themes are matched one to one by shared papers (Hungarian assignment); a match counts when at
    least `min_overlap` of the new theme's papers come from the locked one.
    """
    if not lock or not grouping.themes:
        return grouping
    shared = np.array([[len(set(new.papers) & set(old.papers)) for old in lock] for new in grouping.themes])
    rows, cols = linear_sum_assignment(-shared)
    identity = {}
    for r, c in zip(rows, cols):
        if shared[r, c] >= min_overlap * len(grouping.themes[r].papers):
            identity[grouping.themes[r].slug] = (lock[c].slug, lock[c].name)
    taken_slugs = {slug for slug, _ in identity.values()} | {t.slug for t in lock}
    taken_names = {name.lower() for _, name in identity.values()}
    renamed = {}
    for theme in grouping.themes:
        if theme.slug in identity:
            renamed[theme.slug] = identity[theme.slug]
        else:
            name = theme.name if theme.name.lower() not in taken_names else f"{theme.name} (new)"
            slug = naming.slug_for(name, taken_slugs)
            taken_slugs.add(slug)
            taken_names.add(name.lower())
            renamed[theme.slug] = (slug, name)
    themes = tuple(Theme(renamed[t.slug][0], renamed[t.slug][1], t.terms, t.papers, t.description, t.curated)
                   for t in grouping.themes)
    moved = {pid: Placement(renamed[p.theme][0], p.pinned, tuple((renamed[s][0], v) for s, v in p.suggestions), p.terms)
             for pid, p in grouping.placements.items()}
    return Grouping(themes, moved, grouping.related, grouping.coords)


def locked_themes(grouping: Grouping) -> tuple[LockedTheme, ...]:
    """The lock of a grouping: each theme's slug, name and papers (sorted, for a stable file)."""
    return tuple(LockedTheme(t.slug, t.name, tuple(sorted(t.papers))) for t in grouping.themes)


def grouping_json(grouping: Grouping) -> dict:
    """The `themes --json` contract."""
    return {
        "themes": [{"slug": t.slug, "name": t.name, "terms": list(t.terms), "papers": list(t.papers),
                    "description": t.description, "curated": t.curated} for t in grouping.themes],
        "papers": {pid: {"theme": p.theme, "pinned": p.pinned,
                         "suggestions": [[slug, score] for slug, score in p.suggestions],
                         "terms": list(p.terms)}
                   for pid, p in sorted(grouping.placements.items())},
    }
