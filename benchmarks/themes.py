"""Theme quality, speed and stability against the curator's dev grouping (prints every figure of issue 3).

Run: .venv/bin/python benchmarks/themes.py [--quick] [--big] [--project DIR --curator FILE]
Reads the shipped list and ../shared/eval/curator-dev.json relative to the repository (skipped when missing).
Another list is measured the same way: `readinglist import` it into a project directory and give that directory
and its curator's grouping (the same JSON shape: themes with id, name, description; papers with title, theme).
Single core.
"""
from __future__ import annotations

import os

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")  # the target is for one core

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.content import load_catalog  # noqa: E402
from generator.project import Project  # noqa: E402
from generator.schema import CuratedTheme, ThemesSection, check_text  # noqa: E402
from generator.themes import SCALABLE_FROM, align_with_lock, group_papers, grouping_json, locked_themes  # noqa: E402
from generator.themes.naming import slug_for  # noqa: E402

CURATOR_FILE = REPO.parent / "shared" / "eval" / "curator-dev.json"
HALVES = 5
PIN_CHOICES = 5
FOLDS = 10
SUBSETS = 16
# Whole-list automatic runs with one paper left out, for the noise of the whole-list figures.
LEFT_OUT_DRAWS = 20
# Deals of the whole list into suggestion folds, for the noise of top-1 and top-3.
FOLD_DRAWS = 5
# Lists where some entries have no abstract (contributors may leave it out): the share of papers stripped of theirs,
# and how many random draws of them.
WITHOUT_ABSTRACTS = (0.3, 1.0)
WITHOUT_ABSTRACT_DRAWS = 3
SETTINGS = ThemesSection()
EMBED = None  # --embeddings: the sentence encoder of the optional meaning view


def grouped(papers, curated=(), lock=()):
    """The theme step with the benchmark's settings (and model, if any)."""
    return group_papers(papers, SETTINGS, curated, lock, EMBED)


def load(project=REPO, curator_file=CURATOR_FILE):
    """A project's papers (the shipped ones by default), the curator's themes as CuratedTheme, and the curator's
    theme slug per paper id."""
    papers = load_catalog(Project(Path(project))).papers
    data = json.loads(Path(curator_file).read_text(encoding="utf-8"))
    taken: set[str] = set()
    slug_of = {}
    themes = []
    for theme in data["themes"]:
        slug = slug_for(theme["name"], taken)
        taken.add(slug)
        slug_of[theme["id"]] = slug
        themes.append(CuratedTheme(slug=slug, name=theme["name"], description=theme["description"]))
    # titles as the entries' loader reads them (a ligature of PDF copy spelled out), so that no paper drops out
    by_title = {check_text(p["title"]): slug_of[p["theme"]] for p in data["papers"]}
    truth = {p.id: by_title[p.title] for p in papers if p.title in by_title}
    return [p for p in papers if p.id in truth], themes, truth


def agreement(truth, grouping, ids):
    y = [truth[i] for i in ids]
    ours = [grouping.placements[i].theme for i in ids]
    return normalized_mutual_info_score(y, ours), adjusted_rand_score(y, ours)


def automatic(papers, truth):
    started = time.perf_counter()
    grouping = grouped(papers)
    seconds = time.perf_counter() - started
    nmi, ari = agreement(truth, grouping, sorted(truth))
    return nmi, ari, len(grouping.themes), seconds, grouping


def curated(papers, truth, themes, seed):
    """Pin two random papers per curator theme; NMI over all papers and over the unpinned ones."""
    rng = random.Random(seed)
    by_theme: dict[str, list[str]] = {}
    for pid in sorted(truth):
        by_theme.setdefault(truth[pid], []).append(pid)
    pins = {pid for members in by_theme.values() for pid in rng.sample(members, min(2, len(members)))}
    pinned = [dataclasses.replace(p, theme=truth[p.id] if p.id in pins else None) for p in papers]
    present = [t for t in themes if t.slug in by_theme]
    grouping = grouped(pinned, present)
    unpinned = sorted(set(truth) - pins)
    return agreement(truth, grouping, sorted(truth))[0], agreement(truth, grouping, unpinned)[0]


def suggestions(papers, truth, themes, folds=FOLDS, seed=0):
    """Every paper pinned except one fold; how often the curator's theme is first / in the first three."""
    ids = sorted(truth)
    order = np.random.RandomState(seed).permutation(len(ids))
    present = [t for t in themes if t.slug in set(truth.values())]
    first = top3 = 0
    for fold in range(folds):
        held = {ids[j] for j in order[fold::folds]}
        pinned = [dataclasses.replace(p, theme=None if p.id in held else truth[p.id]) for p in papers]
        grouping = grouped(pinned, present)
        for pid in held:
            ranked = [slug for slug, _ in grouping.placements[pid].suggestions]
            first += ranked[0] == truth[pid]
            top3 += truth[pid] in ranked[:3]
    return first / len(ids), top3 / len(ids)


def measure(label, papers, truth, themes, show=True):
    nmi, ari, count, seconds, grouping = automatic(papers, truth)
    cur = [curated(papers, truth, themes, seed) for seed in range(PIN_CHOICES)]
    top1, top3 = suggestions(papers, truth, themes)
    row = (label, len(papers), nmi, ari, count, seconds, np.mean([c[0] for c in cur]), min(c[0] for c in cur),
           np.mean([c[1] for c in cur]), top1, top3)
    if show:
        print(f"{row[0]:<12}{row[1]:>5} {row[2]:>8.3f}{row[3]:>8.3f}{row[4]:>4}{row[5]:>6.2f} | "
              f"{row[6]:>7.3f}{row[7]:>7.3f}{row[8]:>8.3f} | {row[9]:>6.3f}{row[10]:>6.3f}", flush=True)
    return row, grouping


def print_summary(label, rows):
    """Mean of some rows of figures, with the lowest curated NMI among them."""
    table = np.array([r[2:] for r in rows], dtype=float)
    mean = table.mean(axis=0)
    print(f"{label:<17} {mean[0]:>8.3f}{mean[1]:>8.3f}{mean[2]:>4.0f}{mean[3]:>6.2f} | "
          f"{mean[4]:>7.3f}{table[:, 5].min():>7.3f}{mean[6]:>8.3f} | {mean[7]:>6.3f}{mean[8]:>6.3f}")


def subsets(papers, truth, themes, count=SUBSETS, seed=99):
    """Random subsets of 50-80% of the list, drawn apart from the halves (which earlier work looked at)."""
    rng = random.Random(seed)
    rows = []
    for _ in range(count):
        chosen = {p.id for p in rng.sample(papers, rng.randint(len(papers) // 2, len(papers) * 4 // 5))}
        part = [p for p in papers if p.id in chosen]
        rows.append(measure("subset", part, {pid: truth[pid] for pid in chosen}, themes, show=False)[0])
    return rows


def quality(papers, truth, themes, quick=False):
    print("Quality against the curator (auto: count=auto; curated: 2 random pins per theme, "
          f"{PIN_CHOICES} pin choices; suggestions: {FOLDS}-fold)")
    print(f"{'set':<12}{'n':>5} {'autoNMI':>8}{'autoARI':>8}{'k':>4}{'sec':>6} | "
          f"{'curNMI':>7}{'min':>7}{'unpinNMI':>8} | {'top1':>6}{'top3':>6}")
    whole, grouping = measure("whole list", papers, truth, themes)
    rng = random.Random(1)
    rows = []
    for half in range(HALVES):
        chosen = {p.id for p in rng.sample(papers, len(papers) // 2)}
        part = [p for p in papers if p.id in chosen]
        rows.append(measure(f"half {half}", part, {pid: truth[pid] for pid in chosen}, themes)[0])
    print_summary("halves mean", rows)
    if not quick:
        print_summary(f"{SUBSETS} subsets mean", subsets(papers, truth, themes))
    print("targets: auto NMI >= 0.70, ARI >= 0.45, k in 10-20; curated NMI >= 0.80; top-1 >= 0.80, top-3 >= 0.95")
    one_left_out(papers, truth, LEFT_OUT_DRAWS // 2 if quick else LEFT_OUT_DRAWS)
    if not quick:
        other_folds(papers, truth, themes)
        without_abstracts(papers, truth)
    return grouping


def other_folds(papers, truth, themes, draws=FOLD_DRAWS):
    """The whole list's suggestions with the papers dealt into the folds in other orders: their noise."""
    rows = np.array([suggestions(papers, truth, themes, seed=seed) for seed in range(draws)])
    print(f"other fold draws ({draws}): top-1 {rows[:, 0].min():.3f}-{rows[:, 0].max():.3f} (mean "
          f"{rows[:, 0].mean():.3f}), top-3 {rows[:, 1].min():.3f}-{rows[:, 1].max():.3f} (mean {rows[:, 1].mean():.3f})")


def one_left_out(papers, truth, draws, seed=5):
    """How far the whole list's automatic figures move when one paper is left out: their noise, against which a
    change of the grouping is read."""
    rows = []
    for drop in random.Random(seed).sample(range(len(papers)), min(draws, len(papers))):
        part = papers[:drop] + papers[drop + 1:]
        rows.append(automatic(part, {p.id: truth[p.id] for p in part})[:3])
    nmi, ari, count = np.array(rows).T
    print(f"one paper left out ({len(rows)} draws): auto NMI {nmi.min():.3f}-{nmi.max():.3f} (mean {nmi.mean():.3f}), "
          f"ARI {ari.min():.3f}-{ari.max():.3f} (mean {ari.mean():.3f}), {count.min():.0f}-{count.max():.0f} themes")


def without_abstracts(papers, truth, seed=7):
    """The automatic figures when a share of the entries have a title and no abstract (every share of
    WITHOUT_ABSTRACTS, WITHOUT_ABSTRACT_DRAWS random draws of the papers below 1)."""
    rng = random.Random(seed)
    for share in WITHOUT_ABSTRACTS:
        rows = []
        for _ in range(WITHOUT_ABSTRACT_DRAWS if share < 1 else 1):
            bare = {p.id for p in rng.sample(papers, round(share * len(papers)))}
            rows.append(automatic([dataclasses.replace(p, abstract=None) if p.id in bare else p for p in papers],
                                  truth)[:3])
        print(f"{share:.0%} of entries without an abstract: " + ", ".join(
            f"auto NMI {nmi:.3f} ARI {ari:.3f} ({count} themes)" for nmi, ari, count in rows))


def perturbed(papers, count, seed=0):
    """A synthetic list of `count` papers: copies of the real ones with 20% of abstract words dropped."""
    rng = random.Random(seed)
    made = []
    while len(made) < count:
        for paper in papers:
            if len(made) == count:
                break
            words = [w for w in (paper.abstract or "").split() if rng.random() > 0.2]
            made.append(dataclasses.replace(paper, id=f"{paper.id}-{len(made)}", abstract=" ".join(words), theme=None))
    return made


def timings(papers, themes, truth, sizes):
    print("\nTiming of the theme step (one core; synthetic lists beyond 210 are perturbed copies; "
          f"from {SCALABLE_FROM} papers on the scalable path)")
    for size in sizes:
        listed = papers if size == len(papers) else perturbed(papers, size)
        started = time.perf_counter()
        grouping = grouped(listed)
        auto_seconds = time.perf_counter() - started
        started = time.perf_counter()
        grouped(listed, lock=locked_themes(grouping))
        locked_seconds = time.perf_counter() - started
        pinned = [dataclasses.replace(p, theme=truth.get(p.id.rsplit("-", 1)[0] if p.id not in truth else p.id))
                  if i % 10 == 0 else p for i, p in enumerate(listed)]
        started = time.perf_counter()
        grouped(pinned, themes)
        curated_seconds = time.perf_counter() - started
        print(f"  {size:>6} papers: auto {auto_seconds:6.2f} s ({len(grouping.themes)} themes), "
              f"locked {locked_seconds:6.2f} s, curated {curated_seconds:6.2f} s", flush=True)


def same_identity(before, after, ids):
    """Share of papers whose theme keeps its slug and its name."""
    identity = lambda g, pid: (g.placements[pid].theme, g.theme(g.placements[pid].theme).name)  # noqa: E731
    return sum(identity(before, pid) == identity(after, pid) for pid in ids) / len(ids)


def stability(papers, trials=5):
    print("\nStability: a list grows by 5% new entries (existing papers keeping theme slug and name)")
    plain, locked, updated = [], [], []
    for trial in range(trials):
        rng = random.Random(100 + trial)
        new = set(rng.sample([p.id for p in papers], max(1, round(len(papers) * 0.05 / 1.05))))
        old = [p for p in papers if p.id not in new]
        before = grouped(old)
        ids = [p.id for p in old]
        plain.append(same_identity(before, grouped(papers), ids))
        lock = locked_themes(before)
        locked.append(same_identity(before, grouped(papers, lock=lock), ids))
        updated.append(same_identity(before, align_with_lock(grouped(papers), lock), ids))
    print(f"  no lock file (re-clustered):             {np.mean(plain):.3f} (min {min(plain):.3f})")
    print(f"  with lock file (build):                  {np.mean(locked):.3f} (min {min(locked):.3f})")
    print(f"  after `themes --update` (re-clustered, matched to the lock): {np.mean(updated):.3f} "
          f"(min {min(updated):.3f})")


def new_entries_in_a_lock(papers, truth, folds=FOLDS):
    """A locked automatic list (the usual pull-request flow): each fold's papers are new entries of a list whose
    other papers were clustered and locked. A new entry is placed right when it joins the locked theme that holds
    the most of its curator theme's other papers (entries without one such theme, or with a tie, are not
    counted). Returns the share placed right and how many were counted."""
    ids = sorted(truth)
    order = np.random.RandomState(0).permutation(len(ids))
    right = counted = 0
    for fold in range(folds):
        held = {ids[j] for j in order[fold::folds]}
        lock = locked_themes(grouped([p for p in papers if p.id not in held]))
        home = {pid: placement.theme for pid, placement in grouped(papers, lock=lock).placements.items()}
        locked_of: dict[str, dict[str, int]] = {}   # curator theme -> locked theme -> its papers there
        for other in ids:
            if other not in held:
                counts = locked_of.setdefault(truth[other], {})
                counts[home[other]] = counts.get(home[other], 0) + 1
        for pid in sorted(held):
            mates = locked_of.get(truth[pid], {})
            ranked = sorted(mates.values(), reverse=True)
            if not ranked or (len(ranked) > 1 and ranked[0] == ranked[1]):
                continue
            counted += 1
            right += home[pid] == max(mates, key=mates.get)
    return right / max(counted, 1), counted


def lock_placement(papers, truth, quick):
    print(f"\nNew entries in a locked automatic list ({FOLDS}-fold): share joining the locked theme that holds "
          "most of their curator theme")
    share, counted = new_entries_in_a_lock(papers, truth)
    print(f"  whole list: {share:.3f} of {counted}")
    if quick:
        return
    rng = random.Random(1)
    shares = []
    for _ in range(HALVES):
        chosen = {p.id for p in rng.sample(papers, len(papers) // 2)}
        shares.append(new_entries_in_a_lock([p for p in papers if p.id in chosen],
                                            {pid: truth[pid] for pid in chosen})[0])
    print(f"  halves mean: {np.mean(shares):.3f}")


def determinism(papers):
    reference = grouping_json(grouped(papers))
    shuffled = list(papers)
    random.Random(7).shuffle(shuffled)
    same = grouping_json(grouped(shuffled)) == reference
    print(f"\nSame themes, names and order for a shuffled listing: {same}")


def names(grouping, truth, themes):
    print("\nOur themes next to the curator theme they overlap most")
    curator_name = {t.slug: t.name for t in themes}
    print(f"{'n':>3}  {'our name':<58} | curator theme (overlap)")
    for theme in grouping.themes:
        overlap: dict[str, int] = {}
        for pid in theme.papers:
            overlap[truth[pid]] = overlap.get(truth[pid], 0) + 1
        best = max(sorted(overlap), key=overlap.get)
        print(f"{len(theme.papers):>3}  {theme.name[:58]:<58} | {curator_name[best]} ({overlap[best]}/{len(theme.papers)})")
        print(f"     terms: {', '.join(theme.terms)}")


def related_example(grouping, papers):
    title = {p.id: p.title for p in papers}
    pid = sorted(grouping.related)[0]
    print(f"\nRelated to '{title[pid]}':")
    for item in grouping.related[pid]:
        print(f"  {item.score:.3f} {title[item.id][:70]}  [{', '.join(item.terms)}]")


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="halves only, fewer stability trials, one timing")
    parser.add_argument("--big", action="store_true", help="also time 10,000 papers")
    parser.add_argument("--project", type=Path, default=REPO, help="the list to measure (default: the shipped one)")
    parser.add_argument("--curator", type=Path, default=CURATOR_FILE, help="the curator's grouping of that list")
    parser.add_argument("--embeddings", type=Path, help="a sentence-embedding model folder: measure the optional "
                        "meaning view (times only the list itself, its vectors cached)")
    return parser.parse_args()


def main():
    options = arguments()
    if not options.curator.exists():
        print(f"skipped: {options.curator} not found")
        return
    papers, themes, truth = load(options.project, options.curator)
    if options.embeddings:
        use_embeddings(options.embeddings, papers, themes)
    print(f"{len(papers)} papers of {options.project}, {len(themes)} curator themes from {options.curator}")
    unmatched = len(json.loads(options.curator.read_text(encoding="utf-8"))["papers"]) - len(papers)
    if unmatched:
        print(f"  ({unmatched} papers of the curator's file have no entry of the same title: left out)")
    grouping = quality(papers, truth, themes, options.quick)
    names(grouping, truth, themes)
    related_example(grouping, papers)
    determinism(papers)
    stability(papers, trials=2 if options.quick else 5)
    lock_placement(papers, truth, options.quick)
    sizes = [len(papers), 1000, SCALABLE_FROM - 1, SCALABLE_FROM, 5000] + ([10000] if options.big else [])
    timings(papers, themes, truth, sizes[:1] if options.quick or options.embeddings else sizes)


def use_embeddings(folder, papers, themes):
    """Measure with the meaning view: encode the list's texts once (timed), then every run reads the cache."""
    global EMBED
    import tempfile
    from generator.embeddings import CachedEncoder, model_problems, paper_text, theme_text
    problems = model_problems(folder)
    if problems:
        sys.exit("\n".join(problems))
    EMBED = CachedEncoder(folder, Path(tempfile.mkdtemp(prefix="readinglist-bench-")))
    texts = [paper_text(p.title, p.abstract) for p in papers] + [theme_text(t.name, t.description) for t in themes]
    started = time.perf_counter()
    EMBED(texts)
    seconds = time.perf_counter() - started
    print(f"meaning view: {folder}; {len(texts)} texts encoded in {seconds:.1f} s on every core "
          f"({1000 * seconds / len(texts):.0f} ms a text), then read from the cache")


if __name__ == "__main__":
    main()
