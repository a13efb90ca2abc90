"""Curation, lock file, freeze, determinism and names of the theme step, on the small fixture list."""
from __future__ import annotations

import dataclasses
import json
import random
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import yaml
from click.testing import CliRunner

from generator.cli import cli
from generator.content import curated_from_yaml, load_catalog
from generator.errors import ContentError
from generator.project import Project
from generator.schema import CuratedTheme, Paper, ThemesSection
from generator.themelock import lock_file, read_lock
from generator.themes import LockedTheme, align_with_lock, group_papers, grouping_json, locked_themes
from generator.themes import curation
from generator.themes.features import declared_views, read_texts, stem, vectorize
from generator.themes.naming import (Dangling, adjectives_by_ending, dangling_marks, distinct, ending_in_modifiers,
                                     idiom_tails, lone_modifiers, modifier_words, name_and_phrases, predicative_words,
                                     qualifying_stems, truncated_pairs, verbs_taking_objects, without_dangling_words)

SETTINGS = ThemesSection()
def theme_name(*arguments) -> str:
    """The name name_and_phrases makes (the phrases it joined left out)."""
    return name_and_phrases(*arguments)[0]


DECLARED = (
    CuratedTheme("reinforcement-learning", "Reinforcement learning", "Agents learning policies from reward."),
    CuratedTheme("graph-learning", "Graph neural networks", "Learning on graphs: message passing, attention."),
    CuratedTheme("empty-theme", "A theme nobody fits", "Medieval manuscripts and their bindings."),
    CuratedTheme("proteins", "Proteins", "Protein structure, design and language models."),
)


def papers_of(root: Path):
    return load_catalog(Project(root)).papers


def pin(papers, pins: dict[str, str]):
    return tuple(dataclasses.replace(p, theme=pins.get(p.id)) for p in papers)


def test_a_pin_to_an_unknown_theme_is_an_error_naming_the_file(fixture_project: Path):
    (fixture_project / "content" / "themes.yml").write_text(
        "themes:\n- slug: proteins\n  name: Proteins\n  description: Protein papers.\n", encoding="utf-8")
    entry = fixture_project / "content" / "papers" / "protein-design-by-diffusion.yml"
    entry.write_text(entry.read_text(encoding="utf-8") + "theme: protein\n", encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        load_catalog(Project(fixture_project))
    assert "content/papers/protein-design-by-diffusion.yml" in str(raised.value)
    assert "'protein' is not a theme declared in content/themes.yml; did you mean 'proteins'?" in str(raised.value)


def test_declared_themes_keep_their_order_and_slugs_even_when_empty(fixture_project: Path):
    papers = pin(papers_of(fixture_project), {"protein-design-by-diffusion": "proteins"})
    grouping = group_papers(papers, SETTINGS, DECLARED)
    assert [t.slug for t in grouping.themes] == [t.slug for t in DECLARED]
    assert [t.name for t in grouping.themes] == [t.name for t in DECLARED]
    assert all(t.curated for t in grouping.themes)
    assert grouping.theme("empty-theme").papers == ()
    assert sorted(pid for t in grouping.themes for pid in t.papers) == sorted(p.id for p in papers)


def test_unpinned_papers_join_the_declared_theme_their_text_matches(fixture_project: Path):
    grouping = group_papers(papers_of(fixture_project), SETTINGS, DECLARED)
    assert set(grouping.theme("proteins").papers) == {pid for pid in grouping.placements if "protein" in pid}
    assert grouping.placements["policy-gradient-methods-for-robot-control"].theme == "reinforcement-learning"


@pytest.mark.parametrize("paper_id,slug", [
    ("graph-attention-for-node-classification", "proteins"),
    ("protein-design-by-diffusion", "reinforcement-learning"),
    ("offline-reinforcement-learning-from-logged-data", "empty-theme"),
])
def test_a_pin_never_moves_even_against_the_text(fixture_project: Path, paper_id: str, slug: str):
    grouping = group_papers(pin(papers_of(fixture_project), {paper_id: slug}), SETTINGS, DECLARED)
    placement = grouping.placements[paper_id]
    assert placement.theme == slug and placement.pinned
    assert paper_id in grouping.theme(slug).papers
    assert not any(p.pinned for pid, p in grouping.placements.items() if pid != paper_id)


def test_suggestions_for_an_unpinned_paper_rank_declared_themes(fixture_project: Path):
    papers = pin(papers_of(fixture_project), {"protein-design-by-diffusion": "proteins",
                                              "graph-attention-for-node-classification": "graph-learning"})
    placement = group_papers(papers, SETTINGS, DECLARED).placements["protein-language-models-learn-structure"]
    assert placement.suggestions[0][0] == "proteins" and len(placement.suggestions) == 3
    assert {slug for slug, _ in placement.suggestions} <= {t.slug for t in DECLARED}


def test_the_grouping_is_the_same_whatever_the_listing_order(fixture_project: Path):
    papers = list(papers_of(fixture_project))
    reference = grouping_json(group_papers(papers, SETTINGS))
    for seed in range(3):
        shuffled = papers[:]
        random.Random(seed).shuffle(shuffled)
        assert grouping_json(group_papers(shuffled, SETTINGS)) == reference
        grouping = group_papers(shuffled, SETTINGS)
        assert grouping.coords == group_papers(papers, SETTINGS).coords


def test_automatic_names_are_readable_phrases_with_key_terms(fixture_project: Path):
    grouping = group_papers(papers_of(fixture_project), SETTINGS)
    assert len({t.name for t in grouping.themes}) == len(grouping.themes)
    for theme in grouping.themes:
        assert theme.name[0].isupper() and len(theme.name.split()) >= 2, theme.name
        assert 3 <= len(theme.terms) <= 6
    protein = next(t for t in grouping.themes if any("protein" in pid for pid in t.papers))
    assert "protein" in protein.name.lower()


@pytest.mark.parametrize("ranked,expected", [
    (["continual learning", "catastrophic forgetting", "learning"], "Continual learning and catastrophic forgetting"),
    (["large language model", "llm", "instruction tuning"], "Large language model and instruction tuning"),
    (["memory", "memory network", "recall"], "Memory network and recall"),
    (["grokking", "phase transition", "training dynamics"], "Grokking and phase transition"),
])
def test_a_name_joins_two_distinct_phrases_multi_word_first(ranked, expected):
    assert theme_name(ranked, {}, set()) == expected


def test_a_name_joins_only_a_second_phrase_that_is_the_themes_own():
    from generator.themes.naming import NAME_LIFT, NAME_SHARE

    ranked = ["sparse autoencoders", "language models", "linear representations"]
    strength = {"sparse autoencoders": (1.0, 100.0), "language models": (0.6, 1.6),   # the whole list uses it
                "linear representations": (0.4, 15.0)}
    assert theme_name(ranked, {}, set(), strength) == "Sparse autoencoders and linear representations"
    weak = {"sparse autoencoders": (1.0, 100.0), "language models": (0.6, 0.5 * NAME_LIFT),
            "linear representations": (0.9 * NAME_SHARE, 15.0)}   # too weak beside the first
    assert theme_name(ranked, {}, set(), weak) == "Sparse autoencoders"
    # taken: the next phrase leads, with the first that can follow it
    assert theme_name(ranked, {}, {"sparse autoencoders"}, weak) == "Language models and linear representations"


def test_the_phrases_of_an_automatic_name_lead_its_key_terms():
    shipped = load_catalog(Project(Path(__file__).resolve().parent.parent))
    grouping = group_papers(shipped.papers, shipped.config.themes)   # automatic: the lock is not given
    for theme in grouping.themes:
        phrases = theme.name.lower().split(" and ")
        assert [term.lower() for term in theme.terms[:len(phrases)]] == phrases, (theme.name, theme.terms)


def test_a_given_theme_s_key_terms_open_with_the_phrases_its_name_holds():
    from generator.themes.naming import phrases_in_name

    # hyphens, plurals and case as a curator writes them
    assert phrases_in_name("Meta-learning, and Bayesian inferences", [1, 2, 3],
                           ["Bayesian inference", "graphs", "meta learning"]) == [3, 1]
    assert phrases_in_name("Graphs", [1], ["graph neural networks"]) == []
    # the shipped list's locked themes, named as they were when the lock was written
    from generator.build import group

    project = Project(Path(__file__).resolve().parent.parent)
    for theme in group(load_catalog(project), project).themes:
        phrases = [" ".join(part.lower().replace("-", " ").split()) for part in theme.name.split(" and ")]
        assert [" ".join(t.lower().replace("-", " ").split()) for t in theme.terms[:len(phrases)]] == phrases, \
            (theme.name, theme.terms)


def test_a_name_already_taken_moves_on_to_the_next_phrases():
    ranked = ["graph attention", "node classification", "message passing"]
    assert theme_name(ranked, {}, {"graph attention and node classification"}) == \
        "Node classification and message passing"


def test_two_halves_of_one_phrase_give_way_to_it_in_a_name():
    assert theme_name(["word sense", "sense disambiguation", "word sense disambiguation", "lexical substitution"],
                      {}, set()) == "Word sense disambiguation and lexical substitution"
    # halves that are not of a phrase the theme uses stay two phrases
    assert theme_name(["information retrieval", "retrieval models", "dense passages"], {}, set()) == \
        "Information retrieval and retrieval models"


def test_a_phrase_leads_the_name_of_one_theme_at_most_the_one_it_is_most_distinctive_of():
    from generator.themes.naming import barred_leads

    science = ["large language model", "knowledge graph", "disciplin"]
    tuning = ["large language model", "supervis fine-tun", "instruction tuning"]
    proteins = ["protein design", "protein language model"]
    strengths = [{"large language model": (0.6, 2.5), "knowledge graph": (0.5, 28.0), "disciplin": (0.4, 40.0)},
                 {"large language model": (0.9, 3.2), "supervis fine-tun": (0.7, 80.0),
                  "instruction tuning": (0.35, 45.0)},
                 {"protein design": (1.0, 50.0), "protein language model": (0.8, 30.0)}]
    barred = barred_leads([science, tuning, proteins], strengths)
    assert barred == [{"large language model"}, set(), set()]
    names = [theme_name(ranked, {}, set(), strength, bars)
             for ranked, strength, bars in zip([science, tuning, proteins], strengths, barred)]
    assert names == ["Knowledge graph and disciplin", "Large language model and supervis fine-tun",
                     "Protein design and protein language model"]
    # equal claims: the first theme keeps the phrase
    even = [{"large language model": (0.5, 3.0), "knowledge graph": (0.5, 28.0), "disciplin": (0.4, 40.0)},
            {"large language model": (0.5, 3.0), "supervis fine-tun": (0.7, 80.0), "instruction tuning": (0.35, 45.0)}]
    assert barred_leads([science, tuning], even) == [set(), {"large language model"}]


def test_a_joined_phrase_is_the_lead_two_themes_contest():
    """One theme's name is led by the phrase its two best phrases are halves of: that phrase, not the first half,
    is the lead another theme's name may not repeat."""
    from generator.themes.naming import barred_leads

    senses = ["word sense", "sense disambiguation", "word sense disambiguation", "lexical substitution"]
    wsd = ["word sense disambiguation", "sense inventory"]
    strengths = [{"word sense": (1.0, 20.0), "sense disambiguation": (0.9, 20.0),
                  "word sense disambiguation": (0.8, 20.0), "lexical substitution": (0.5, 20.0)},
                 {"word sense disambiguation": (0.6, 10.0), "sense inventory": (0.5, 30.0)}]
    barred = barred_leads([senses, wsd], strengths)
    assert barred == [set(), {"word sense disambiguation"}]
    names = [theme_name(ranked, {}, set(), strength, bars)
             for ranked, strength, bars in zip([senses, wsd], strengths, barred)]
    assert names == ["Word sense disambiguation and lexical substitution", "Sense inventory"]


def test_a_barred_lead_also_bars_its_acronym_and_the_phrases_it_contains():
    from generator.themes.naming import name_options

    ranked = ["large language model", "llm", "language model", "empirical result", "multilingual language model"]
    assert name_options(ranked, {"large language model"}) == ["empirical result", "multilingual language model"]
    assert name_options(ranked) == ["large language model", "empirical result", "multilingual language model"]


def features_of(abstracts: list[str]):
    """The features of papers with these abstracts (titled 'Paper 0', 'Paper 1', ...)."""
    papers = [Paper(id=f"p{i}", source=f"content/papers/p{i}.yml", title=f"Paper {i}", abstract=text)
              for i, text in enumerate(abstracts)]
    return vectorize(read_texts(papers, []), False)


def small_features():
    return features_of(["Bayesian inference of protein structure.", "Bayesian optimization of protein folding.",
                        "Fast bayesian networks for protein design.", "Structure of a protein, and its inference."])


def test_words_that_mostly_qualify_the_next_word_are_found_from_the_texts():
    features = small_features()
    stems = features.texts.phrases.stems
    found = {stems[s] for s in np.flatnonzero(qualifying_stems(features))}
    assert "bayesian" in found
    assert not {"protein", "inference", "structur", "structure", "fast"} & found  # 'fast' is used once only


def test_a_phrase_ending_in_a_qualifying_word_gives_way_to_the_phrase_going_on_from_it():
    features = small_features()
    key = {features.key_text(k): k for k in range(features.phrases.shape[1])}
    ranked = np.array([key[t] for t in ("bayesian", "protein", "fast bayesian", "bayesian inference",
                                        "fast bayesian network", "fast")])
    kept = without_dangling_words(features, ranked, dangling_marks(features))
    assert [features.key_text(k) for k in kept] == ["bayesian inference", "protein", "fast bayesian network", "fast"]


def test_a_dangling_word_gives_way_to_a_longer_phrase_that_does_not_dangle_itself():
    """'deep' and 'linear' both qualify the next word: 'deep' gives way past 'deep linear' to 'deep linear networks'."""
    abstracts = ["Deep linear networks train slowly.", "Deep linear networks and deep linear models.",
                 "Deep linear maps."]
    features = features_of(abstracts)
    key = {features.key_text(k): k for k in range(features.phrases.shape[1])}
    ranked = np.array([key[" ".join(map(stem, t.split()))] for t in ("deep", "deep linear", "deep linear networks")])
    kept = without_dangling_words(features, ranked, dangling_marks(features))
    assert features.display(kept) == ["deep linear networks"]


def test_adverbs_participles_and_adjectives_are_told_from_nouns_ending_alike():
    """'semantic' and 'public' are adjectives because the list also writes 'semantically' and 'publicly';
    'publicly' and 'timely' are modifiers because the list writes 'public' and 'time' (no ending of ADVERB_ENDINGS
    tells them). 'time' is too short to judge, and 'monopoly' is no word of the list plus -ly. 'logically' is the
    adverb of 'logical', not of 'logic', and 'compositionally' that of 'compositional'."""
    words = ["continually", "jointly", "efficiently", "shared", "summarized", "labeled", "semantic", "semantically",
             "public", "publicly", "anomaly", "family", "assembly", "homophily", "monopoly", "speed", "testbed",
             "early", "learning", "model", "topic", "time", "timely", "logic", "logical", "logically",
             "composition", "compositional", "compositionally"]
    assert [w for w, flag in zip(words, modifier_words(words)) if flag] == \
        ["continually", "jointly", "efficiently", "shared", "summarized", "labeled", "semantic", "semantically",
         "public", "publicly", "timely", "logical", "logically", "compositional", "compositionally"]


def test_a_lone_word_mostly_written_as_a_participle_gives_way_to_the_phrase_it_qualifies():
    """'shared' is written as a participle; 'sharing' (same stem) once: the lone word gives way to 'shared
    representations'. 'anomaly' ends in -ly and is a noun."""
    abstracts = ["Shared representations of anomaly detection.", "Shared representations for anomaly scores.",
                 "Anomaly data shared with sharing rules.", "Shared across anomaly detectors."]
    features = features_of(abstracts)
    key = {features.key_text(k): k for k in range(features.phrases.shape[1])}
    flagged = np.flatnonzero(lone_modifiers(features, modifier_words(features.texts.tokens.words)))
    assert features.display(flagged) == ["shared"]
    ranked = np.array([key[" ".join(map(stem, t.split()))]
                       for t in ("shared", "anomaly", "shared representations", "anomaly detection")])
    kept = without_dangling_words(features, ranked, Dangling(np.zeros(len(features.texts.phrases.stems), bool),
                                  lone_modifiers(features, modifier_words(features.texts.tokens.words))))
    assert features.display(kept) == ["shared representations", "anomaly", "anomaly detection"]


def test_an_ing_form_mostly_followed_by_a_determiner_is_a_verb_and_no_term_alone():
    """'incorporating' takes an object ('incorporating the ...') and gives way; 'learning' and 'parsing' are nouns
    ('learning of', 'in-context learning'), even beside a 'learning the' now and then."""
    abstracts = ["Incorporating the parser helps dependency parsing.",
                 "Incorporating a lexicon into in-context learning.",
                 "Incorporating their labels improves parsing of learning curves.",
                 "Learning the task by parsing; learning of rules and learning rates.",
                 "Learning in-context, parsing fast."]
    features = features_of(abstracts)
    words = features.texts.tokens.words
    assert [w for w, flag in zip(words, verbs_taking_objects(features)) if flag] == ["incorporating"]
    flagged = lone_modifiers(features, modifier_words(words) | verbs_taking_objects(features))
    assert "incorporating" in features.display(np.flatnonzero(flagged))
    assert not {"learning", "parsing"} & set(features.display(np.flatnonzero(flagged)))


def test_a_word_mostly_followed_by_a_determiner_is_a_verb_and_no_term_alone():
    """'unlock' is written 'unlock the', 'unlock their': a verb, which gave way only in -s and -ing forms before
    ("LLM pretraining and unlock" named a theme); 'memory' and 'distillation' are nouns, though once followed by
    'the' at a clause's end; a single 'gather a' tells nothing."""
    abstracts = ["Fine-tuning can unlock the memory of models; distillation the student learns.",
                 "We unlock their reasoning with distillation and memory.",
                 "Memory the model keeps: distillation of memory.",
                 "We gather a corpus for distillation.", "Memory and distillation, unlocked."]
    features = features_of(abstracts)
    words = features.texts.tokens.words
    assert [w for w, flag in zip(words, verbs_taking_objects(features)) if flag] == ["unlock"]
    flagged = features.display(np.flatnonzero(lone_modifiers(features, modifier_words(words)
                                                             | verbs_taking_objects(features))))
    assert "unlock" in flagged and not {"memory", "distillation", "gather"} & set(flagged)


def test_a_word_written_after_a_copula_or_very_is_an_adjective_and_no_term_alone():
    """'robust' is written 'is robust', 'very robust': an adjective; 'robustness' and 'sequences' (a plural after
    'are') stay nouns."""
    abstracts = ["Models are robust to noise; robust training.", "Very robust parsers for robust inference.",
                 "Robustness of inputs that are sequences.", "Robustness matters; sequences are sequences of words.",
                 "Robustness and robust decoding of sequences."]
    features = features_of(abstracts)
    words = features.texts.tokens.words
    assert [w for w, flag in zip(words, predicative_words(features)) if flag] == ["robust"]
    flagged = features.display(np.flatnonzero(lone_modifiers(features, predicative_words(features))))
    assert "robust" in flagged and not {"robustness", "sequences"} & set(flagged)


def test_a_lone_word_mostly_written_after_one_stop_word_is_an_idioms_tail_and_no_term():
    """'scratch' is written 'from scratch', 'believe' 'we believe': no terms alone. 'memory' follows 'the', 'of' and
    'a' (any noun does) and 'grammar' several words: terms."""
    abstracts = ["We train from scratch; we believe the memory of a model helps.",
                 "Trained from scratch, the memory of grammar grows; we believe it.",
                 "Models built from scratch and a memory; we believe grammar matters.",
                 "Grammar induction with memory, for grammar of memory."]
    features = features_of(abstracts)
    flagged = set(features.display(np.flatnonzero(idiom_tails(features))))
    assert flagged == {"scratch", "believe"}
    assert {"scratch", "believe"} <= set(features.display(np.flatnonzero(dangling_marks(features).giving_way)))


def test_a_word_with_an_adjective_ending_and_no_plural_is_an_adjective():
    """'interpretable' and 'axiomatic' end as adjectives do and take no -s; 'objective' and 'topic' end alike but the
    list writes 'objectives' and 'topics': nouns. 'retrieval' ends in -al, as many nouns without a plural do."""
    abstracts = ["Interpretable models with axiomatic attribution.", "An objective for interpretable topic models.",
                 "Objectives and topics of retrieval.", "Axiomatic retrieval."]
    features = features_of(abstracts)
    words = features.texts.tokens.words
    assert [w for w, flag in zip(words, adjectives_by_ending(features)) if flag] == ["axiomatic", "interpretable"]
    giving_way = set(features.display(np.flatnonzero(dangling_marks(features).giving_way)))
    assert "interpretable" in giving_way and not {"objective", "topic", "retrieval"} & giving_way


def test_a_phrase_ending_in_an_adverb_participle_or_adjective_is_no_noun_phrase():
    """'lexical semantic' mostly ends in an adjective (the list writes 'semantically'), 'data collected' in a
    participle; 'semantic change' ends in a noun."""
    abstracts = ["Lexical semantic change is semantically subtle.", "Lexical semantic shifts, data collected.",
                 "Lexical semantic drift of data collected online.", "Semantic change and lexical semantics."]
    features = features_of(abstracts)
    modifier = modifier_words(features.texts.tokens.words)
    flagged = set(features.display(np.flatnonzero(ending_in_modifiers(features, modifier))))
    assert {"lexical semantic", "data collected"} <= flagged
    assert not {"semantic change", "lexical semantic change", "semantic", "data"} & flagged


def test_a_pair_of_words_mostly_opening_one_longer_phrase_is_a_truncation():
    """'critical learning' is always 'critical learning periods'; 'sentence embedding' goes on with various words."""
    abstracts = ["Critical learning periods in networks.", "Critical learning periods shape sentence embedding models.",
                 "On critical learning periods and sentence embedding methods.", "A sentence embedding benchmark."]
    features = features_of(abstracts)
    assert features.display(np.flatnonzero(truncated_pairs(features))) == ["critical learning"]


def theme_beside_graph_colouring(papers: list[Paper]):
    """The theme of `papers` when grouped into two themes with eight papers on graph colouring (it holds them all)."""
    graphs = [Paper(id=f"b{i}", source=f"content/papers/b{i}.yml", title=f"Graph colouring heuristics, part {i}",
                    abstract=f"Graph colouring heuristics for instance {i} use greedy search and local moves.")
              for i in range(8)]
    grouping = group_papers(papers + graphs, ThemesSection(count=2))
    theme = grouping.theme(grouping.placements[papers[0].id].theme)
    assert set(theme.papers) == {p.id for p in papers}
    return theme


def test_a_lone_adverb_never_names_a_theme_nor_is_a_key_term():
    """'continually' is in every paper of one theme, each time beside other words: it gives way to the theme's
    noun phrases."""
    things = ["robots", "games", "dialogue", "vision", "control", "markets", "music", "proteins"]
    verbs = ["adapt", "change", "improve", "update", "grow", "evolve", "train", "refine"]
    continual = [Paper(id=f"a{i}", source=f"content/papers/a{i}.yml",
                       title=f"Continually {verb} agents: replay buffers",
                       abstract=f"Agents {verb} continually on {thing}; replay buffers store old {thing} episodes.")
                 for i, (thing, verb) in enumerate(zip(things, verbs))]
    theme = theme_beside_graph_colouring(continual)
    assert all("continually" not in text.lower() for text in (theme.name, *theme.terms)), (theme.name, theme.terms)
    assert "replay buffers" in theme.terms, theme.terms


def test_a_term_the_name_repeats_keeps_no_other_term_out():
    """'memory' ranks first and, as a part of 'memory networks', kept it out of the theme's terms; the name's
    'associative memory' then repeats 'memory', which leaves, and 'memory networks' takes its place."""
    from generator.themes.naming import NAME_LIFT, Ranking, key_terms, named_terms

    features = features_of(["Associative memory and memory networks recall.", "Memory networks and recall.",
                             "Associative memory recall in memory."])
    key = {features.key_text(k): k for k in range(features.phrases.shape[1])}
    order = [key[" ".join(map(stem, text.split()))] for text in
             ("memory", "associative memory", "memory networks", "recall")]
    ranking = Ranking(np.array(order), dict(zip(order, [4.0, 3.0, 2.0, 1.0])), dict.fromkeys(order, NAME_LIFT), True)
    assert features.display(key_terms(features, ranking)) == ["memory", "recall"]
    chosen = named_terms(features, [order[1]], key_terms(features, ranking), ranking)
    assert features.display(chosen) == ["associative memory", "memory networks", "recall"]


def test_distinct_phrases_drop_parts_and_acronyms():
    assert distinct(["language model", "language", "lm", "protein folding"], 3) == ["language model", "protein folding"]


def test_distinct_phrases_drop_a_plural_whose_stem_lost_its_e():
    """The stems of 'sequence' and 'sequences' are 'sequence' and 'sequenc', of 'search space(s)' likewise."""
    assert stem("sequences") == "sequenc" and stem("sequence") == "sequence"
    assert distinct(["sequenc", "sequence", "search spac", "search space", "base"], 5) == ["sequenc", "search spac",
                                                                                          "base"]


def test_a_lock_keeps_every_existing_paper_in_its_theme_when_entries_arrive(fixture_project: Path):
    papers = papers_of(fixture_project)
    newcomer = "protein-language-models-learn-structure"
    before = group_papers([p for p in papers if p.id != newcomer], SETTINGS)
    lock = locked_themes(before)
    after = group_papers(papers, SETTINGS, lock=lock)
    for theme in before.themes:
        for pid in theme.papers:
            assert after.placements[pid].theme == theme.slug
            assert after.theme(theme.slug).name == theme.name
    assert after.placements[newcomer].theme in {t.slug for t in before.themes}
    assert not any(p.pinned for p in after.placements.values())


def test_update_matches_new_themes_to_the_locked_ones_by_their_papers():
    old = (LockedTheme("graphs", "Graphs of old", ("a", "b", "c")), LockedTheme("rl", "RL of old", ("d", "e")))
    from generator.themes import Grouping, Placement, Theme
    fresh = Grouping(
        themes=(Theme("new-rl", "New RL", ("x", "y", "z"), ("d", "e", "f")),
                Theme("new-graphs", "New graphs", ("x", "y", "z"), ("a", "b")),
                Theme("proteins", "Proteins", ("x", "y", "z"), ("c", "g"))),
        placements={pid: Placement(slug, False, ((slug, 1.0),)) for slug, pids in
                    (("new-rl", "def"), ("new-graphs", "ab"), ("proteins", "cg")) for pid in pids},
        related={}, coords={})
    aligned = align_with_lock(fresh, old)
    assert [(t.slug, t.name) for t in aligned.themes] == [("rl", "RL of old"), ("graphs", "Graphs of old"),
                                                         ("proteins", "Proteins")]
    assert aligned.placements["f"].theme == "rl" and aligned.placements["g"].theme == "proteins"


def test_themes_update_writes_a_lock_that_builds_read_and_never_write(fixture_project: Path):
    project = Project(fixture_project)
    result = CliRunner().invoke(cli, ["themes", "--update", "--project", str(fixture_project)])
    assert result.exit_code == 0, result.output
    assert "Wrote content/themes.lock.yml" in result.output
    text = lock_file(project).read_text(encoding="utf-8")
    lock = read_lock(project)
    assert sorted(pid for t in lock for pid in t.papers) == sorted(p.id for p in papers_of(fixture_project))
    shown = CliRunner().invoke(cli, ["themes", "--json", "--project", str(fixture_project)])
    assert shown.exit_code == 0, shown.output
    assert [t["slug"] for t in yaml.safe_load(shown.output)["themes"]] == [t.slug for t in lock]
    assert lock_file(project).read_text(encoding="utf-8") == text
    again = CliRunner().invoke(cli, ["themes", "--update", "--project", str(fixture_project)])
    assert again.exit_code == 0 and lock_file(project).read_text(encoding="utf-8") == text


def test_a_malformed_lock_is_a_content_error_naming_the_file(fixture_project: Path):
    lock_file(Project(fixture_project)).write_text("themes: nope\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["themes", "--project", str(fixture_project)])
    assert result.exit_code == 1
    assert "content/themes.lock.yml: themes: expected 'themes:' followed by mappings" in result.output


def test_freeze_writes_a_themes_file_that_loads_back_with_exemplar_pins(fixture_project: Path):
    result = CliRunner().invoke(cli, ["themes", "--freeze", "--project", str(fixture_project)])
    assert result.exit_code == 0, result.output
    themes_file = fixture_project / "content" / "themes.yml"
    declared, problems = curated_from_yaml(themes_file.read_text(encoding="utf-8"), "content/themes.yml")
    assert problems == [] and declared and all(t.description for t in declared)
    catalog = load_catalog(Project(fixture_project))
    pinned = [p for p in catalog.papers if p.theme]
    assert pinned and {p.theme for p in pinned} == {t.slug for t in declared}
    assert "theme:" in result.output
    refused = CliRunner().invoke(cli, ["themes", "--freeze", "--project", str(fixture_project)])
    assert refused.exit_code != 0 and "already exists" in refused.output


def lock_alternate_halves(project: Path) -> dict[str, list[str]]:
    """A lock of two themes no clustering would find (the papers dealt alternately by id); returns their papers."""
    ids = sorted(p.id for p in load_catalog(Project(project)).papers)
    halves = {"alpha-theme": ids[::2], "beta-theme": ids[1::2]}
    lock_file(Project(project)).write_text("themes:\n" + "".join(
        f"- slug: {slug}\n  name: {slug.replace('-', ' ').capitalize()}\n  papers:\n"
        + "".join(f"  - {pid}\n" for pid in papers) for slug, papers in halves.items()), encoding="utf-8")
    return halves


def test_freeze_writes_the_themes_the_site_shows_those_of_the_lock(fixture_project: Path):
    """With a lock, the curator freezes the themes the site shows: the lock's, names and papers, not a fresh
    clustering under their names; it is told how many papers the declared themes will move."""
    halves = lock_alternate_halves(fixture_project)
    result = CliRunner().invoke(cli, ["themes", "--freeze", "--project", str(fixture_project)])
    assert result.exit_code == 0, result.output
    declared, problems = curated_from_yaml((fixture_project / "content" / "themes.yml").read_text(encoding="utf-8"),
                                           "content/themes.yml")
    assert problems == [] and [(t.slug, t.name) for t in declared] == [("alpha-theme", "Alpha theme"),
                                                                       ("beta-theme", "Beta theme")]
    pinned = [p for p in load_catalog(Project(fixture_project)).papers if p.theme]
    assert pinned and all(p.id in halves[p.theme] for p in pinned)
    assert "of them will change theme at the next build" in result.output and "--keep-places" in result.output
    assert "content/themes.lock.yml is not read while content/themes.yml declares the themes" in result.output


def test_freeze_keeping_places_pins_every_paper_that_would_move(fixture_project: Path):
    """The declared themes place unpinned papers by closeness, which graph communities do not follow; with
    --keep-places the papers that would move are pinned where they are, so the next build moves none."""
    def placements() -> dict[str, str]:
        grouped = json.loads(CliRunner().invoke(cli, ["themes", "--json", "--project", str(fixture_project)]).output)
        return {pid: place["theme"] for pid, place in grouped["papers"].items()}

    lock_alternate_halves(fixture_project)   # with exemplars alone, most papers would move
    before = placements()
    result = CliRunner().invoke(cli, ["themes", "--freeze", "--keep-places", "--project", str(fixture_project)])
    assert result.exit_code == 0, result.output
    assert "so no paper changes theme" in result.output
    assert placements() == before
    pinned = {p.id: p.theme for p in load_catalog(Project(fixture_project)).papers if p.theme}
    assert len(pinned) > 4 and all(before[pid] == slug for pid, slug in pinned.items())   # more than the exemplars
    refused = CliRunner().invoke(cli, ["themes", "--keep-places", "--project", str(fixture_project)])
    assert refused.exit_code == 2 and "--keep-places goes with --freeze" in refused.output


def test_a_fixed_count_the_lock_overrides_is_a_warning(fixture_project: Path):
    """Builds keep the lock's themes; a count the lock does not hold would do nothing, so check says so."""
    lock_alternate_halves(fixture_project)   # two themes
    config = fixture_project / "site_config.yml"
    original = config.read_text(encoding="utf-8")
    assert "count: auto" in original
    for count, warned in ((3, True), (2, False)):
        config.write_text(original.replace("count: auto", f"count: {count}"), encoding="utf-8")
        result = CliRunner().invoke(cli, ["check", "--project", str(fixture_project)])
        assert result.exit_code == 0, result.output
        assert ("site_config.yml: warning: themes.count: asks for 3 themes, but content/themes.lock.yml holds 2, and "
                "builds keep the locked themes; run `readinglist themes --update` to re-cluster into 3"
                in result.output) == warned


def test_themes_explains_each_paper(fixture_project: Path):
    result = CliRunner().invoke(cli, ["themes", "--project", str(fixture_project)])
    assert result.exit_code == 0, result.output
    assert "key terms:" in result.output and "score " in result.output and "next: " in result.output
    assert "terms: " in result.output


def test_a_paper_its_theme_fits_less_than_three_others_says_so():
    """A locked or pinned paper may sit in a theme outside its three best: its line says so, naming the three (it
    named two)."""
    from generator.themes import Placement
    from generator.themes.explain import paper_line

    place = Placement("memory", True, (("retrieval", 2.5), ("grokking", 1.0), ("icl", 0.5)), ("recall",))
    names = {"memory": "Memory", "retrieval": "Retrieval", "grokking": "Grokking", "icl": "In-context learning"}
    line = paper_line(SimpleNamespace(placements={"p": place}), "p", names)
    assert line == "  - p (pinned)  fits 3 other themes better: Retrieval [retrieval] 2.50; " \
                   "Grokking [grokking] 1.00; In-context learning [icl] 0.50; terms: recall"


def test_related_papers_share_key_terms(fixture_project: Path):
    grouping = group_papers(papers_of(fixture_project), SETTINGS)
    related = grouping.related["protein-design-by-diffusion"]
    assert 1 <= len(related) <= SETTINGS.related
    assert "protein" in related[0].id and "protein" in related[0].terms
    assert [r.score for r in related] == sorted((r.score for r in related), reverse=True)


def test_key_terms_past_the_first_three_must_carry_weight_and_be_the_themes_own():
    import numpy as np

    from generator.themes.naming import MIN_TERMS, NAME_LIFT, TERM_SHARE, Ranking, weighty

    floor = 5.0 * TERM_SHARE   # a share of the best score, 5
    scores = {1: 5.0, 2: 2.0, 3: 0.3, 4: 1.2 * floor, 5: 0.9 * floor, 6: floor, 7: 2.0}
    lifts = dict.fromkeys(scores, NAME_LIFT) | {3: 1.0, 7: 0.9 * NAME_LIFT}   # 7: the whole list uses it
    ranking = Ranking(np.array(list(scores)), scores, lifts, True)
    # the first three stay whatever they score; past them, 5 scores too little and 7 is not the theme's own
    assert weighty([1, 2, 3, 4, 5, 6, 7], ranking) == [1, 2, 3, 4, 6]
    assert weighty([3, 2, 1], ranking) == [3, 2, 1]
    assert weighty([], ranking) == []
    assert MIN_TERMS == 3


def terms_shared(first: tuple[str, str], second: tuple[str, str], other_abstracts: list[str]) -> set[str]:
    """The terms the first two papers (title, abstract) are shown to share, in a list with other papers."""
    from generator.themes.related import shared_phrases

    papers = [Paper(id=f"p{i}", source=f"content/papers/p{i}.yml", title=title, abstract=abstract)
              for i, (title, abstract) in enumerate([first, second, *((f"Topic {i} benchmarks", a)
                                                                      for i, a in enumerate(other_abstracts))])]
    features = vectorize(read_texts(papers))
    return set(features.display(shared_phrases(features, np.array([[0, 1]]), dangling_marks(features))[0]))


def test_related_papers_share_only_telling_phrases():
    shown = terms_shared(
        ("Functorial semantics of learners",
         "We obtain a calculus. String diagrams describe learning. Consequently the account composes."),
        ("Gradient descent for learners",
         "We obtain a method. String diagrams draw its learning rules. Consequently they compose."),
        [f"Learning from data about subject{i}." for i in range(18)])
    # several words from the abstracts, a single word both titles name; not a single word only the
    # abstracts share ('obtain', 'consequently'), nor one the whole list uses ('learning')
    assert shown == {"string diagrams", "learners"}


def test_related_papers_share_a_title_word_only_when_abstracts_use_it_again():
    """'memory' recurs in the abstracts that use it; 'explored' is said once, by many."""
    shown = terms_shared(
        ("Memory traces explored", "Memory is stored in weights. We read memory back out."),
        ("Memory circuits explored", "Memory lives in circuits, and memory fades."),
        [f"Learning from data about subject{i}" + (", explored once." if i < 6 else ".") for i in range(18)])
    assert shown == {"memory"}


def test_related_papers_never_share_a_clause():
    """'transformers learn' stands together in both papers, but the list writes 'to learn': a clause, no term."""
    shown = terms_shared(
        ("How transformers learn syntax", "Transformers learn syntax with self-attention. We ask what they learn."),
        ("What transformers learn from data", "Transformers learn from self-attention patterns over data."),
        [f"Models able to learn about subject{i}." for i in range(18)])
    assert shown == {"self-attention", "transformers"}


def test_related_papers_share_no_phrase_cut_short():
    """'offering new' stops before its noun ('new' qualifies the next word wherever the list writes it), and
    'linguistic' is an adjective alone (the list also writes 'linguistically'): neither is shared, as neither
    names a theme."""
    shown = terms_shared(
        ("Linguistic probes of syntax trees",
         "Linguistic probes read syntax trees, offering new insight. Linguistic probes fail on syntax trees."),
        ("Linguistic signals in syntax trees",
         "Syntax trees carry linguistic signals, offering new evidence. Linguistic signals help syntax trees."),
        [f"New methods for subject{i}, linguistically motivated." for i in range(6)]
        + [f"Learning from new data about subject{i}." for i in range(12)])
    assert "syntax trees" in shown and not shown & {"offering new", "linguistic"}, shown


def test_related_papers_share_a_phrase_ending_in_a_noun_that_qualifies_others():
    """'language' mostly qualifies the next word ('language models'), yet the list also writes 'languages': a
    noun, so 'natural language' is a term both papers share, where 'offering new' was cut short."""
    shown = terms_shared(
        ("Parsing natural language queries", "Natural language queries become natural language trees."),
        ("Natural language interfaces", "Interfaces read natural language commands and natural language input."),
        [f"Language models in subject{i}." for i in range(12)] + ["Language models of many languages."]
        + [f"Learning from data about subject{i}." for i in range(6)])
    assert "natural language" in shown, shown


def test_a_clause_never_names_a_theme_nor_is_a_key_term():
    """'networks learn' opens every title of one theme, but the list writes 'to learn': its name and terms
    come from its noun phrases instead."""
    learn = [Paper(id=f"a{i}", source=f"content/papers/a{i}.yml", title=f"How networks learn sparse codes, part {i}",
                   abstract=f"Networks learn sparse codes of images {i}. We ask what they need to learn, and "
                            f"how fast they can learn to store visual memory.") for i in range(8)]
    theme = theme_beside_graph_colouring(learn)
    assert "sparse codes" in theme.name.lower()
    assert all("networks learn" not in text.lower() for text in (theme.name, *theme.terms)), (theme.name, theme.terms)


@pytest.mark.parametrize("title, abstract", [("AI {i}", "AI and ML."), ("We learn {i}", "To learn, to learn.")])
def test_a_list_without_a_phrase_to_share_still_gets_themes_and_related_papers(title, abstract):
    """Words under three letters or verbs only: no phrase can be shown, and related papers share none."""
    papers = [Paper(id=f"p{i}", source=f"content/papers/p{i}.yml", title=title.format(i=i), abstract=abstract)
              for i in range(4)]
    grouping = group_papers(papers, SETTINGS)
    assert sorted(pid for theme in grouping.themes for pid in theme.papers) == [p.id for p in papers]
    assert all(len(grouping.related[p.id]) == 3 and all(not r.terms for r in grouping.related[p.id]) for p in papers)


def calibration_case(descriptions: list[str], pins_per_theme: int):
    """Two themes of six papers each ('protein folding', 'graph colouring'), the first papers of each pinned."""
    topics = [("protein folding", ["energy", "residues", "chains", "solvents", "helices", "kinetics"]),
              ("graph colouring", ["greedy", "planar", "vertices", "heuristics", "cliques", "bounds"])]
    papers, pinned = [], []
    for theme, (topic, words) in enumerate(topics):
        for i, word in enumerate(words):
            papers.append(Paper(id=f"t{theme}p{i}", source=f"content/papers/t{theme}p{i}.yml",
                                title=f"{topic.capitalize()} with {word}", abstract=f"We study {topic} and {word}."))
            pinned.append(theme if i < pins_per_theme else -1)
    texts = read_texts(papers, descriptions)
    return declared_views(texts, descriptions), np.array(pinned)


def test_with_enough_pins_a_misleading_description_weighs_least():
    """Each theme's description speaks of the other theme: the pins show it, and the lowest prior is chosen."""
    views, pinned = calibration_case(["Graph colouring heuristics and cliques.", "Protein folding energy."], 5)
    assert curation.calibration(views, pinned, 2, True).prior == min(curation.PRIOR_CHOICES)
    views, pinned = calibration_case(["Protein folding energy.", "Graph colouring heuristics and cliques."], 5)
    assert curation.calibration(views, pinned, 2, True).prior >= curation.DESCRIPTION_PRIOR


def test_with_few_pins_the_description_keeps_its_default_weight():
    views, pinned = calibration_case(["Graph colouring heuristics and cliques.", "Protein folding energy."],
                                     curation.CALIBRATE_FROM - 1)
    assert curation.calibration(views, pinned, 2, True).prior == curation.DESCRIPTION_PRIOR


def test_with_few_pins_the_words_of_the_theme_texts_weigh_less_in_the_papers():
    """With few pins a paper that merely uses a description's words was drawn to that theme, and the prototypes,
    made of such papers, said those words louder each round: their weight in the papers' rows drops to
    FEW_PINS_THEME_WORD_WEIGHT until there are CALIBRATE_FROM pins per theme."""
    descriptions = ["Protein folding energy.", "Graph colouring heuristics and cliques."]
    views, pinned = calibration_case(descriptions, curation.CALIBRATE_FROM - 1)
    described = [np.flatnonzero((view.descriptions != 0).any(axis=0)) for view in views]
    for view, weighted, terms in zip(views, curation.views_for_pins(views, pinned, 2), described):
        before, after = view.papers.toarray(), weighted.papers.toarray()
        assert np.allclose(np.linalg.norm(after, axis=1), 1.0) and len(terms) > 0
        other = np.setdiff1d(np.arange(before.shape[1]), terms)
        # each row's described terms shrink against its other terms by the weight, and no term comes or goes
        row = next(i for i in range(len(before)) if before[i, terms].any() and before[i, other].any())
        used = terms[before[row, terms] > 0]
        ratio = (after[row, used] / after[row, other].max()) / (before[row, used] / before[row, other].max())
        assert np.allclose(ratio, curation.FEW_PINS_THEME_WORD_WEIGHT)
        assert np.array_equal(after != 0, before != 0) and np.array_equal(weighted.descriptions, view.descriptions)
    views, pinned = calibration_case(descriptions, curation.CALIBRATE_FROM)
    assert curation.views_for_pins(views, pinned, 2) is views
    assert curation.FEW_PINS_THEME_WORD_WEIGHT < 1


def test_the_theme_step_reads_the_declared_themes_through_the_few_pins_weighting(monkeypatch):
    topics = [("protein folding", ["energy", "residues", "chains"]), ("graph colouring", ["greedy", "planar", "cliques"]),
              ("speech recognition", ["phonemes", "accents", "noise"])]
    papers = [Paper(id=f"t{t}p{i}", source=f"content/papers/t{t}p{i}.yml", title=f"{topic.capitalize()} with {word}",
                    abstract=f"We study {topic} and {word}; energy and cliques.", theme="abc"[t] if i == 0 else None)
              for t, (topic, words) in enumerate(topics) for i, word in enumerate(words)]
    curated = [CuratedTheme("a", "Proteins", "Protein folding energy."), CuratedTheme("b", "Graphs", "Graph cliques."),
               CuratedTheme("c", "Speech", "Speech recognition and phonemes.")]
    scores = []
    for weight in (curation.FEW_PINS_THEME_WORD_WEIGHT, 1.0):
        monkeypatch.setattr(curation, "FEW_PINS_THEME_WORD_WEIGHT", weight)
        grouping = group_papers(papers, SETTINGS, curated)
        scores.append([score for p in papers for _, score in grouping.placements[p.id].suggestions])
    assert scores[0] != scores[1]


def test_theme_offsets_lift_a_broad_theme_whose_pins_score_low_on_it():
    """A broad theme's own papers sit far from its prototype: its pins often score the tight theme beside it
    higher. The offsets read from the pins move those scores back, and they sum to zero."""
    rng = np.random.RandomState(0)
    themes = np.repeat([0, 1], 30)
    scores = np.where(themes[:, None] == np.arange(2), 1.0, 0.0) + rng.normal(0, 0.6, (60, 2))
    scores[:, 0] -= 0.8                                  # the broad theme's scores run low
    offsets = curation.theme_offsets(scores, themes, 2)
    assert offsets[0] > 0.3 and offsets[1] < -0.3 and abs(offsets.sum()) < 1e-4
    right = lambda s: int((s.argmax(axis=1) == themes).sum())
    assert right(scores + offsets) > right(scores)
    # themes that score alike get (nearly) no offset
    even = np.where(themes[:, None] == np.arange(2), 1.0, 0.0) + rng.normal(0, 0.6, (60, 2))
    assert np.abs(curation.theme_offsets(even, themes, 2)).max() < 0.15


def test_a_theme_without_pins_keeps_a_zero_offset_and_stays_within_reach():
    """A theme the curator has just declared has no pins: the pins of the others must not push it away."""
    rng = np.random.RandomState(1)
    themes = np.repeat([0, 1], 30)
    scores = np.c_[np.where(themes[:, None] == np.arange(2), 1.0, 0.0) + rng.normal(0, 0.6, (60, 2)),
                   rng.normal(0, 0.6, 60)]                     # a third theme, declared, nothing pinned to it
    offsets = curation.theme_offsets(scores, themes, 3)
    assert offsets[2] == 0.0
    assert abs(offsets[0]) < 0.3 and abs(offsets[1]) < 0.3


def test_offsets_shift_the_scores_only_when_the_pins_are_enough_and_a_lock_keeps_the_default_prior():
    views, pinned = calibration_case(["Protein folding energy.", "Graph colouring heuristics and cliques."], 5)
    assert np.abs(curation.calibration(views, pinned, 2, True).offsets).max() > 0
    few = np.where(np.arange(len(pinned)) % 6 < curation.CALIBRATE_FROM - 1, pinned, -1)
    assert not curation.calibration(views, few, 2, True).offsets.any()
    for choose_prior in (True, False):
        calibrated = curation.calibration(views, pinned, 2, choose_prior)
        labels, weights, scores = curation.assign(views, pinned, 2, choose_prior)
        assert np.allclose(scores, curation.suggestion_scores(views, labels, weights, 2, pinned, calibrated.prior)
                           + calibrated.offsets)
    # a lock's themes have no description to weigh: the default prior, whatever the pins say
    misleading, pinned = calibration_case(["Graph colouring heuristics and cliques.", "Protein folding energy."], 5)
    assert curation.calibration(misleading, pinned, 2, True).prior == min(curation.PRIOR_CHOICES)
    assert curation.calibration(misleading, pinned, 2, False).prior == curation.DESCRIPTION_PRIOR


def test_the_calibration_reads_at_most_calibration_pins_pins_spread_over_the_list(monkeypatch):
    views, pinned = calibration_case(["Protein folding energy.", "Graph colouring heuristics and cliques."], 5)
    read = []
    scores = curation.suggestion_scores
    monkeypatch.setattr(curation, "suggestion_scores", lambda *a: read.append(a[-1]) or scores(*a))
    monkeypatch.setattr(curation, "CALIBRATION_PINS", 8)
    calibrated = curation.calibration(views, pinned, 2, False)
    assert [rows.tolist() for rows in read] == [[0, 1, 3, 4, 6, 7, 9, 10]]   # of the pins 0-4 and 6-10
    assert np.abs(calibrated.offsets).max() > 0
