"""The text `readinglist themes` prints: each theme, then each paper with its score, runner-ups and tying terms."""
from __future__ import annotations

from generator.themes import Grouping


def explanation_lines(grouping: Grouping) -> list[str]:
    """Lines explaining the grouping to a curator, themes in order and papers most central first."""
    names = {t.slug: t.name for t in grouping.themes}
    lines = []
    for theme in grouping.themes:
        lines += ["", f"{theme.name}  [{theme.slug}]  {len(theme.papers)} papers",
                  f"  key terms: {', '.join(theme.terms) or '(none)'}"]
        for paper_id in theme.papers:
            lines.append(paper_line(grouping, paper_id, names))
    return lines


def paper_line(grouping: Grouping, paper_id: str, names: dict[str, str]) -> str:
    """One paper: pin, score in its theme, the next best themes and the key terms tying it to its theme."""
    place = grouping.placements[paper_id]
    scores = dict(place.suggestions)
    others = [f"{names[slug]} [{slug}] {score:.2f}" for slug, score in place.suggestions if slug != place.theme]
    pin = " (pinned)" if place.pinned else ""
    ties = f"; terms: {', '.join(place.terms)}" if place.terms else ""
    if place.theme not in scores:   # a pin or the lock holds it outside its three best: name all three
        return f"  - {paper_id}{pin}  fits {len(others)} other themes better: {'; '.join(others)}{ties}"
    return f"  - {paper_id}{pin}  score {scores[place.theme]:.2f}; next: {'; '.join(others[:2]) or 'none'}{ties}"
