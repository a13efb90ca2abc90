"""Deterministic synthetic reading lists made from the shipped one, for the scale benchmarks.

Each synthetic paper starts from a shipped paper (round robin) and varies it: a few title words
swapped for words of another title, the abstract's sentences shuffled with one sentence borrowed
from another paper, a new id, and realistic authors, year, venue, tags and links. The same size and
seed give the same files, byte for byte.

Usage: .venv/bin/python benchmarks/synthetic.py COUNT DESTINATION
"""
from __future__ import annotations

import json
import random
import re
import shutil
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
SEED_PAPERS = REPO / "content" / "papers"
FIRST_NAMES = ["Ada", "Wei", "Priya", "Lars", "Amara", "Diego", "Yuki", "Sofia", "Omar", "Elena", "Kofi", "Mei",
               "Jonas", "Aisha", "Mateo", "Ingrid", "Ravi", "Chloe", "Tariq", "Hana"]
LAST_NAMES = ["Nakamura", "Okafor", "Schmidt", "Garcia", "Chen", "Ivanova", "Haddad", "Kowalski", "Silva",
              "Andersen", "Mensah", "Rossi", "Kim", "Dubois", "Patel", "Novak", "Larsen", "Moreau", "Tanaka", "Osei"]
VENUES = ["arXiv", "NeurIPS", "ICML", "ICLR", "ACL", "EMNLP", "TACL", "JMLR", "CogSci", "Nature Machine Intelligence"]
TAGS = ["interpretability", "language-models", "grokking", "in-context-learning", "continual-learning",
        "memory", "category-theory", "causality", "curriculum", "retrieval", "multimodal", "theory",
        "optimization", "benchmark", "cognitive-science", "scaling", "representation-learning", "rnn"]
FORGES = ["github.com", "gitlab.com", "codeberg.org"]


def seed_entries() -> list[dict]:
    """The shipped entries (title and abstract), in file order."""
    entries = []
    for path in sorted(SEED_PAPERS.glob("*.yml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        entries.append({"title": data["title"], "abstract": data.get("abstract") or ""})
    return entries


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", " ".join(text.split())) if s]


def varied_title(title: str, donor: str, vocabulary: list[str], rng: random.Random) -> str:
    """The first half of the title, the second half of another, and a few words of the whole list's titles.

    Real lists hold no near-identical titles, so variants must differ enough for the duplicate check.
    """
    head, tail = title.split(), donor.split()
    words = head[: max(1, len(head) // 2)] + tail[len(tail) // 2:]
    for _ in range(3):
        words.insert(rng.randrange(1, len(words) + 1), rng.choice(vocabulary))
    return " ".join(words)


def varied_abstract(abstract: str, donor: str, rng: random.Random) -> str:
    """The abstract's sentences shuffled, with one sentence of another abstract mixed in."""
    parts = sentences(abstract)
    rng.shuffle(parts)
    borrowed = sentences(donor)
    if borrowed:
        parts.insert(rng.randrange(len(parts) + 1), rng.choice(borrowed))
    return " ".join(parts)


def slug(text: str, limit: int = 6) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower())[:limit]) or "paper"


def vocabulary(entries: list[dict], cache: dict = {}) -> list[str]:
    """Longer words of all shipped titles, lower case, sorted (made once)."""
    if not cache:
        cache["words"] = sorted({w.lower() for e in entries for w in e["title"].split() if len(w) > 4 and w.isalpha()})
    return cache["words"]


def synthetic_entry(number: int, entries: list[dict], rng: random.Random) -> tuple[str, dict]:
    """The id and fields of synthetic paper `number`."""
    base = entries[number % len(entries)]
    donor = entries[rng.randrange(len(entries))]
    title = varied_title(base["title"], entries[rng.randrange(len(entries))]["title"], vocabulary(entries), rng)
    year = rng.randint(2012, 2026)
    arxiv = f"{year % 100:02d}{rng.randint(1, 12):02d}.{number % 100_000:05d}"  # unique per paper
    owner = slug(rng.choice(LAST_NAMES), 1)
    entry = {
        "title": title,
        "authors": [f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(rng.randint(1, 5))],
        "year": year,
        "venue": rng.choice(VENUES),
        "url": f"https://arxiv.org/abs/{arxiv}",
        "arxiv": arxiv,
        "tags": sorted(rng.sample(TAGS, rng.randint(0, 3))),
        "added": f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}",
        "abstract": varied_abstract(base["abstract"], donor["abstract"], rng),
    }
    if rng.random() < 0.4:
        entry["code"] = [f"https://{rng.choice(FORGES)}/{owner}/{slug(title, 3)}"]
    if not entry["tags"]:
        del entry["tags"]
    return f"{slug(title)}-{number:06d}", entry


def entry_yaml(entry: dict) -> str:
    """YAML text of an entry: every string as a JSON string, which YAML reads as is (fast and exact)."""
    lines = []
    for key, value in entry.items():
        if isinstance(value, list):
            lines.append(f"{key}:")
            lines.extend(f"  - {json.dumps(item, ensure_ascii=False)}" for item in value)
        elif isinstance(value, str) and key != "added":
            lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
        else:
            lines.append(f"{key}: {value}")
    return "\n".join(lines) + "\n"


def make_list(destination: Path, count: int, seed: int = 0) -> Path:
    """A project folder holding `count` synthetic papers and the shipped site config; returns its root."""
    if destination.exists():
        shutil.rmtree(destination)
    papers = destination / "content" / "papers"
    papers.mkdir(parents=True)
    shutil.copy(REPO / "site_config.yml", destination / "site_config.yml")
    entries, rng = seed_entries(), random.Random(seed)
    for number in range(count):
        paper_id, entry = synthetic_entry(number, entries, rng)
        (papers / f"{paper_id}.yml").write_text(entry_yaml(entry), encoding="utf-8")
    return destination


if __name__ == "__main__":
    make_list(Path(sys.argv[2]), int(sys.argv[1]))
