"""The theme step's contract: every paper placed once, ranked suggestions, order-independence."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from click.testing import CliRunner

from generator.cli import cli
from generator.content import load_catalog
from generator.project import Project
from generator.schema import Paper, ThemesSection
from generator.themes import clustering, group_papers, grouping_json


def fixture_papers(root: Path):
    return load_catalog(Project(root)).papers


def test_every_paper_is_in_exactly_one_theme_with_ranked_suggestions(fixture_project: Path):
    papers = fixture_papers(fixture_project)
    grouping = group_papers(papers, ThemesSection())
    members = [pid for theme in grouping.themes for pid in theme.papers]
    assert sorted(members) == sorted(p.id for p in papers)
    for theme in grouping.themes:
        assert theme.slug and theme.name and 3 <= len(theme.terms) <= 6
        for pid in theme.papers:
            placement = grouping.placements[pid]
            assert placement.theme == theme.slug
            scores = [score for _, score in placement.suggestions]
            assert len(scores) >= min(3, len(grouping.themes)) and scores == sorted(scores, reverse=True)
            assert placement.suggestions[0][0] == theme.slug


def test_the_fixture_topics_come_out_as_themes(fixture_project: Path):
    grouping = group_papers(fixture_papers(fixture_project), ThemesSection())
    by_prefix = {tuple(sorted({pid.split("-")[0] for pid in t.papers})) for t in grouping.themes}
    groups = [set(t.papers) for t in grouping.themes]
    protein = {pid for pid in grouping.placements if "protein" in pid}
    assert protein in groups, by_prefix


def test_the_grouping_does_not_depend_on_input_order(fixture_project: Path):
    papers = fixture_papers(fixture_project)
    forward = grouping_json(group_papers(papers, ThemesSection()))
    backward = grouping_json(group_papers(tuple(reversed(papers)), ThemesSection()))
    assert forward == backward


def test_a_fixed_count_is_honoured(fixture_project: Path):
    settings = dataclasses.replace(ThemesSection(), count=2)
    assert len(group_papers(fixture_papers(fixture_project), settings).themes) == 2


def test_themes_json_on_a_project_outside_the_repo(fixture_project: Path):
    result = CliRunner().invoke(cli, ["themes", "--json", "--project", str(fixture_project)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= {"themes", "papers"}
    theme = data["themes"][0]
    assert set(theme) >= {"slug", "name", "terms", "papers"}
    paper_id = theme["papers"][0]
    placement = data["papers"][paper_id]
    assert placement["theme"] == theme["slug"] and placement["pinned"] is False
    assert [slug for slug, score in placement["suggestions"]][0] == theme["slug"]
    assert all(isinstance(score, float) for _, score in placement["suggestions"])
    assert len(data["papers"]) == 12


def test_a_theme_named_like_a_windows_device_gets_a_slug_that_is_a_safe_file_name():
    from generator.themes.naming import slug_for

    assert slug_for("Con", set()) == "con-theme"
    assert slug_for("NUL", {"nul-theme"}) == "nul-theme-2"


SUBJECTS = ["protein folding", "graph colouring", "speech recognition", "galaxy formation", "soil erosion",
            "coral reefs", "tax policy", "bird migration", "quantum error correction", "wind turbines",
            "medieval manuscripts", "volcanic ash", "sleep apnea", "river deltas", "honey bees",
            "glacier retreat", "urban traffic", "wine fermentation", "chess openings", "lunar regolith"]


def subject_list(per_subject: int, subjects: int):
    """`subjects` clear themes of `per_subject` papers each; each abstract also names some other subject."""
    papers = []
    for s, subject in enumerate(SUBJECTS[:subjects]):
        for i in range(per_subject):
            other = SUBJECTS[(s * 7 + i * 3 + 1) % subjects]
            papers.append(Paper(id=f"s{s:02d}p{i}", source=f"content/papers/s{s:02d}p{i}.yml",
                                title=f"On {subject}, study {i}",
                                abstract=f"We study {subject} with new data. Our {subject} model beats baselines; "
                                         f"unlike work on {other}, it scales."))
    return papers


def test_a_list_of_many_small_themes_gets_them_all():
    """20 themes of 6 papers: fewer papers a theme than the 8 neighbours a paper starts with in the graph, so the
    neighbour count must come down to the themes' size for the count rule to see them."""
    grouping = group_papers(subject_list(6, 20), ThemesSection())
    assert sorted(sorted(t.papers) for t in grouping.themes) == \
        [[f"s{s:02d}p{i}" for i in range(6)] for s in range(20)]


def test_a_list_of_a_few_broad_themes_never_mixes_them():
    """4 themes of 25 papers: the count rule may split them into themes of about sqrt(n) papers, as it did
    before the neighbour count could come down, but no theme mixes two subjects."""
    grouping = group_papers(subject_list(25, 4), ThemesSection())
    assert 4 <= len(grouping.themes) <= clustering.count_range(100)[1]
    assert all(len({pid[:3] for pid in t.papers}) == 1 for t in grouping.themes)


def test_latex_commands_are_no_words_of_names_or_terms():
    """A theme whose abstracts hold formulas is named by its words, not by '\\mathbb' or '\\frac'; a Greek
    letter's command reads as the letter's name, as authors write it in text."""
    from generator.themes.features import without_latex_commands

    assert without_latex_commands(r"$\varepsilon$-greedy in $\mathbb{R}^d$") == "$ epsilon $-greedy in $ | {R}^d$"
    formula = r" We bound $\mathbb{E}\left[\frac{1}{n}\sum_i \mathcal{L}_i\right] \leq \sqrt{\log n}$."
    papers = [dataclasses.replace(p, abstract=p.abstract + formula) if p.id.startswith("s00") else p
              for p in subject_list(6, 4)]
    grouping = group_papers(papers, ThemesSection())
    words = " ".join(f"{t.name} {' '.join(t.terms)}".lower() for t in grouping.themes)
    assert "protein folding" in words
    assert not {"mathbb", "frac", "mathcal", "leq", "sqrt", "left", "right"} & set(words.split())


def test_a_publishers_copyright_line_ties_no_papers():
    """Abstracts exported from a database end in '© 2021 Elsevier Ltd. All rights reserved.': a third of the
    papers carrying it group, name and relate exactly as without it."""
    papers = subject_list(6, 4)
    line = " © 2021 Elsevier Ltd. All rights reserved."
    marked = [dataclasses.replace(p, abstract=p.abstract + line) if i % 3 == 0 else p for i, p in enumerate(papers)]
    plain, with_lines = group_papers(papers, ThemesSection()), group_papers(marked, ThemesSection())
    assert [(t.name, t.terms, t.papers) for t in with_lines.themes] == [(t.name, t.terms, t.papers) for t in plain.themes]
    assert with_lines.related == plain.related


def test_web_addresses_in_abstracts_tie_no_papers():
    """A sixth of the shipped abstracts end 'Code is available at https://github.com/...': read as words, 'https'
    and 'github' tied the papers that publish code, and a list of tutorial papers had a theme named "Annotation and
    https URL". Papers carrying addresses group, name and relate exactly as without them."""
    from generator.themes.features import without_web_addresses

    assert without_web_addresses("Code: https://github.com/G-U-N/PyCIL. See WWW.x.org.") == "Code:  |  See  | "
    papers = subject_list(6, 4)
    marked = [dataclasses.replace(p, abstract=p.abstract + f" (https://github.com/lab/{p.id}, www.lab.org/code)")
              if i % 3 == 0 else p for i, p in enumerate(papers)]
    plain, with_addresses = group_papers(papers, ThemesSection()), group_papers(marked, ThemesSection())
    assert [(t.name, t.terms, t.papers) for t in with_addresses.themes] == \
        [(t.name, t.terms, t.papers) for t in plain.themes]
    assert with_addresses.related == plain.related


def test_a_copyright_line_in_capitals_is_no_words_either():
    from generator.themes.features import without_copyright
    assert without_copyright("We parse trees. COPYRIGHT 2020 IEEE. ALL RIGHTS RESERVED.").strip() == "We parse trees."
    assert without_copyright("Trees. Copyright 2019 ACM.").strip() == "Trees."
    assert without_copyright("We keep copyrighted text and reserved words.") == \
        "We keep copyrighted text and reserved words."


def test_names_and_terms_show_words_as_written_and_slugs_in_ascii():
    """'Schrödinger' and 'α-synuclein' are read as 'Schrodinger' and 'alpha-synuclein', shown as written (a leading
    Greek letter kept small: 'Α' reads as an A), and put in slugs in their ASCII form."""
    subjects = [("α-synuclein aggregation", "α-synuclein aggregation in neurons"),
                ("Schrödinger equation", "the Schrödinger equation with neural solvers"),
                ("coral reefs", "coral reefs and ocean warming")]
    papers = [Paper(id=f"s{s}p{i}", source=f"content/papers/s{s}p{i}.yml", title=f"On {subject}, study {i}",
                    abstract=f"We study {sentence}. Our {subject} model beats baselines, case {i}.")
              for s, (subject, sentence) in enumerate(subjects) for i in range(6)]
    grouping = group_papers(papers, ThemesSection())
    named = {t.papers[0][:2]: t for t in grouping.themes}
    assert named["s0"].name.startswith("α-synuclein aggregation") and named["s0"].terms[0] == "α-synuclein aggregation"
    assert named["s0"].slug.startswith("alpha-synuclein-aggregation")
    assert named["s1"].name.startswith("Schrödinger equation") and named["s1"].slug.startswith("schrodinger-equation")
    assert "Schrödinger equation" in grouping.related["s1p0"][0].terms
