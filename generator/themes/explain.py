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
    own = f"score {scores[place.theme]:.2f}" if place.theme in scores else "fits three other themes better"
    others = [f"{names[slug]} [{slug}] {score:.2f}" for slug, score in place.suggestions if slug != place.theme][:2]
    pin = " (pinned)" if place.pinned else ""
    ties = f"; terms: {', '.join(place.terms)}" if place.terms else ""
    return f"  - {paper_id}{pin}  {own}; next: {'; '.join(others) or 'none'}{ties}"
