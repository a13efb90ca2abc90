"""The numpy phrase counter gives exactly the tokens of the readable word-by-word definition below."""
from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import given, settings, strategies as st
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from generator.asciiforms import ascii_text
from generator.themes import phrases
from generator.themes.features import stem

WORD_RE = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
SIMPLE_WORD_RE = re.compile(r"[a-z][a-z0-9]*")
BREAK_RE = re.compile(r"[^a-z0-9\-\s]+")


def surface_phrases(text: str) -> list[str]:
    """Noun-phrase-like chunks: 1-3 word n-grams inside runs of words free of stop words and punctuation (in the
    text's ASCII form, see test_non_ascii_letters_are_read_as_authors_write_them_in_ascii)."""
    found: list[str] = []
    for part in BREAK_RE.split(ascii_text(text).lower()):
        run: list[str] = []
        for word in WORD_RE.findall(part) + [None]:
            if word is None or word in ENGLISH_STOP_WORDS or len(word) < 2:
                for size in range(1, 4):
                    found += [" ".join(run[i:i + size]) for i in range(len(run) - size + 1)]
                run = []
            else:
                run.append(word)
    return found


def phrase_keys(text: str) -> Counter:
    return Counter(" ".join(stem(w) for w in phrase.split()) for phrase in surface_phrases(text))


def word_keys(text: str) -> Counter:
    return Counter(stem(w) for w in SIMPLE_WORD_RE.findall(ascii_text(text).lower()) if w not in ENGLISH_STOP_WORDS and len(w) > 1)


def counted(texts: list[str]) -> tuple[list[Counter], list[Counter]]:
    tokens = phrases.tokenize(texts)
    table = phrases.phrase_counts(tokens, stem)
    words, stems = phrases.word_counts(tokens, stem)
    by_phrase = [Counter({table.text(k): int(v) for k, v in zip(row.indices, row.data)}) for row in table.counts]
    by_word = [Counter({stems[k]: int(v) for k, v in zip(row.indices, row.data) if v}) for row in words.tocsr()]
    return by_phrase, by_word


@pytest.mark.parametrize("text, ascii_form", [
    ("Naïve Bayes – “quoted” words’ end", "Naive Bayes # #quoted# words# end"),
    ("classiﬁcation and ﬂows, pre\u2010trained", "classification and flows, pre-trained"),
    ("α-synuclein, β-VAE, TGF-β, Σ, µP", "alpha-synuclein, beta-VAE, TGF-beta, Sigma, muP"),
    ("λ-calculus, Λ, Ο(n), φς", "lambda-calculus, Lambda, Omicron(n), phisigma"),
    ("Erdős–Rényi, Schrödinger, Søgaard, Łódź, Straße, İstanbul",
     "Erdos#Renyi, Schrodinger, Sogaard, Lodz, Strasse, Istanbul"),
    ("x² ™ 𝑥 Ｆｕｌｌ Кот", "x# # x Full ###"),
])
def test_non_ascii_letters_are_read_as_authors_write_them_in_ascii(text, ascii_form):
    assert ascii_text(text) == ascii_form


def test_words_written_with_non_ascii_letters_are_found_by_their_ascii_form():
    forms = phrases.written_forms(["Naïve Bayes. The naïve model, Naïve again.", "TGF-β and α-synuclein.", "plain"])
    assert forms["Naive"] == "Naïve" and forms["naive"] == "naïve"
    assert forms["TGF-beta"] == "TGF-β" and forms["alpha-synuclein"] == "α-synuclein"
    assert phrases.written_forms(["Schrödinger"])["schrodinger"] == "schrödinger"   # when written small once


def test_a_ligature_or_an_accent_does_not_split_a_word():
    by_phrase, _ = counted(["signiﬁcant classiﬁcation", "significant classification", "naïve Bayes",
                            "naive Bayes"])
    assert by_phrase[0] == by_phrase[1] and by_phrase[2] == by_phrase[3]


TRICKY = [
    "", "x", "Large Language Models (LLMs) learn in-context.", "3d-models and 12ab-cd, x-ray a1b gpt-4o",
    "a--b - c- -d state-of-the-art", "the and of", "Naïve Bayes – “quoted” words’ end", "İstanbul \u212aelvin",
    "tab\tand\u00a0nbsp\u2009thin\x1cfile separators", "supercalifragilisticexpialidocious-compound-word here",
    "modeling models modelled . language model", "ÀÉÎ énorme",
    "ﬁne\u2010tuning α-synuclein Søgaard x² Кот", "trailing hyphen- and -leading",
]


@pytest.mark.parametrize("text", TRICKY)
def test_phrases_and_words_match_the_definition(text):
    by_phrase, by_word = counted([text, "filler text", text])
    assert by_phrase[0] == phrase_keys(text) == by_phrase[2]
    assert by_word[0] == word_keys(text) == by_word[2]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(list("abcAZ09- .,(é–\u0130\u212a\u00a0\tﬁ\u2010αΣø²Ж")
                                         + ["the ", "ing", "models "]),
                         max_size=30).map("".join), max_size=6))
def test_any_texts_count_as_the_definition_does(texts):
    by_phrase, by_word = counted(texts)
    assert by_phrase == [phrase_keys(t) for t in texts]
    assert by_word == [word_keys(t) for t in texts]


def test_key_texts_are_distinct_and_ordered_like_strings():
    table = phrases.phrase_counts(phrases.tokenize(["alpha beta gamma", "alpha-beta gamma", "alphabet"]), stem)
    texts = [table.text(k) for k in range(len(table.key_stems))]
    assert len(set(texts)) == len(texts)
    import numpy as np
    keys = np.arange(len(texts))
    assert [texts[k] for k in keys[table.order(keys)]] == sorted(texts)


def test_factorize_numbers_codes_in_increasing_order():
    import numpy as np
    codes = np.array([50, 7, 50, 2**40, 7, 0])
    ids, representative = phrases.factorize(codes)
    assert ids.tolist() == [2, 1, 2, 3, 1, 0]
    assert codes[representative].tolist() == [0, 7, 50, 2**40]


def test_the_exact_factorizations_used_after_a_hash_collision():
    import numpy as np
    high, low = np.array([5, 1, 5, 1], dtype=np.uint64), np.array([2, 9, 2, 3], dtype=np.uint64)
    ids, representative = phrases.factorize_exact(high, low)
    assert ids.tolist() == [2, 1, 2, 0] and high[representative].tolist() == [1, 1, 5]
    ids, representative = phrases.factorize_rows(np.array([[3, 1], [0, 2], [3, 1]]))
    assert ids.tolist() == [1, 0, 1] and representative.tolist()[0] == 1


def test_acronym_plurals_share_the_feature_of_their_singular():
    table = phrases.phrase_counts(phrases.tokenize(["LLMs and RNNs", "an LLM with an RNN", "this bus", "myths"]), stem)
    texts = {table.text(k) for k in range(len(table.key_stems))}
    assert {"llm", "rnn", "bus", "myth"} <= texts and not {"llms", "rnns", "bu"} & texts
    # ordinary words keep the suffix rule: a short word with a vowel is no acronym
    assert (stem("gpts"), stem("apps"), stem("models")) == ("gpt", "apps", "model")


def casing_of(titles: list[str], abstracts: list[str]) -> dict[str, str]:
    """word_casing of papers with these titles and abstracts, by word."""
    from generator.schema import Paper
    from generator.themes.features import read_texts, word_casing

    texts = read_texts([Paper(id=f"p{i}", source=f"content/papers/p{i}.yml", title=t, abstract=a)
                        for i, (t, a) in enumerate(zip(titles, abstracts))])
    return {texts.tokens.words[w]: form for w, form in word_casing(texts).items()}


def test_display_forms_keep_the_capitals_authors_write_inside_sentences():
    abstracts = ["We study Bayesian inference with Transformers. Bayesian models help.",
                 "A Bayesian view of LLMs. Transformers scale; the transformer learns.",
                 "Transformer models with Hebbian rules: Bayesian, and a transformer again.",
                 "Deep networks learn. Deep learning is deep."]
    casing = casing_of([f"Deep Hebbian Networks {i}" for i in range(4)], abstracts)
    # mid-sentence capitals decide; sentence openings and title-case titles do not count
    assert casing["bayesian"] == "Bayesian" and casing["hebbian"] == "Hebbian"
    assert casing["llms"] == "LLMs"
    assert casing["transformers"] == "Transformers"   # its one use inside a sentence
    assert "transformer" not in casing                # two lower-case uses; the capital ones open sentences
    assert "deep" not in casing and "networks" not in casing


def test_title_case_compounds_and_titles_in_capitals_tell_no_casing():
    """'Fine-Tuning' and 'In-Context' are title case; 'PROSODY MODELS FOR SPEECH' is a title in capitals; 'LLMs'
    and 'BabyLM' keep their inner capitals, in titles too."""
    titles = ["Fine-Tuning In-Context Learners with LLMs", "PROSODY MODELS FOR SPEECH", "BabyLM and Prosody"]
    assert casing_of(titles, ["A study of speech."] * 3) == {"llms": "LLMs", "babylm": "BabyLM"}


def test_the_capitals_of_an_acronyms_definition_tell_no_casing_unless_the_word_is_seen_nowhere_else():
    """'Recurrent Neural Networks (RNNs)' is capitalised for the acronym; 'networks' is written small elsewhere.
    'Markov Chain Monte Carlo (MCMC)': 'Markov' is seen nowhere else and keeps its capital."""
    abstracts = ["We train Recurrent Neural Networks (RNNs) and Maximum Likelihood Estimation (MLE) models.",
                 "Deep networks and recurrent networks; parameter estimation of neural models.",
                 "Sampling by Markov Chain Monte Carlo (MCMC) and Treatment Effect Estimation (TEE).",
                 "No acronyms here, only networks."]
    casing = casing_of([f"Paper {i}" for i in range(4)], abstracts)
    assert not {"networks", "neural", "recurrent", "estimation"} & set(casing)
    assert casing["markov"] == "Markov" and casing["rnns"] == "RNNs"
    assert casing_of(["T"], ["Plain (text) only."]) == {}


def cohesion_of(abstracts: list[str]):
    """The texts of papers with these abstracts, a phrase's key by its words, and every key's cohesion."""
    from generator.schema import Paper
    from generator.themes.features import phrase_cohesion, read_texts

    texts = read_texts([Paper(id=f"p{i}", source=f"content/papers/p{i}.yml", title=f"Study {i}", abstract=a)
                        for i, a in enumerate(abstracts)])
    table = texts.phrases
    keys = {table.text(k): k for k in range(len(table.key_stems))}
    return (texts, lambda phrase: keys[" ".join(stem(word) for word in phrase.split())],
            phrase_cohesion(table, texts.rows(0) + texts.rows(1)))


def test_a_phrase_is_a_term_when_its_words_mostly_stand_together():
    """'catastrophic forgetting' and 'neural networks' are terms; 'networks learn' is words meeting in sentences."""
    from generator.themes.features import MIN_COHESION

    texts, key, cohesion = cohesion_of([
        f"Catastrophic forgetting hurts neural networks on task {i}. We learn and learn again; "
        f"models learn slowly, {'but neural networks learn' if i == 0 else 'as neural networks do'}." for i in range(25)])
    # 'neural networks learn' is one use of 'networks learn', against 50 of 'networks' and 75 of 'learn'
    assert cohesion[key("networks learn")] == pytest.approx(1 / 50)
    assert cohesion[key("catastrophic forgetting")] == cohesion[key("neural networks")] == 1.0
    # its rare part "networks learn" is all its own; "neural networks" (50 uses) beside "learn" (75) is not
    assert cohesion[key("neural networks learn")] == pytest.approx(1 / 50)
    assert cohesion[key("learn")] == 1.0
    assert [bool(texts.cohesive[key(p)]) for p in ("catastrophic forgetting", "neural networks", "learn",
                                                   "networks learn", "neural networks learn")] == \
        [True, True, True, False, False]
    assert MIN_COHESION > 1 / 50


def test_a_three_word_phrase_needs_cohesive_two_word_parts():
    """'neural networks learn' is 7% of the uses of 'neural networks', but 'networks learn' is no term."""
    texts, key, cohesion = cohesion_of([
        f"Neural networks help on task {i}. Graph networks and other networks. We learn and learn again"
        + (", and neural networks learn." if i < 3 else ".") for i in range(40)])
    # 3 uses of 'networks learn' against 83 of 'learn' and 123 of 'networks'
    assert cohesion[key("networks learn")] == pytest.approx(3 / 83)
    # both of its splits hold (3 of the 43 uses of 'neural networks'); its part 'networks learn' does not
    assert cohesion[key("neural networks learn")] == pytest.approx(3 / 83)
    assert not texts.cohesive[key("neural networks learn")] and texts.cohesive[key("neural networks")]


def test_a_phrase_ending_in_a_verb_is_a_clause_not_a_term():
    """'to learn', 'can generalize': the list writes them as verbs, so 'networks learn', 'models generalize',
    'models learned' and 'improves recall' are clauses, even where their words stand together, and 'improves'
    alone is no term; 'machine learning', 'associative memory', 'memory' and 'recall' stay terms."""
    from generator.themes.features import verb_words

    texts, key, _ = cohesion_of([
        f"Networks learn to generalize on task {i}; models generalize when they learn. Machine learning "
        f"helps associative memory, and we aim to learn more and to improve recall. Models learned it; "
        f"training improves recall." for i in range(10)])
    verbs = {word for word, verb in zip(texts.tokens.words, verb_words(texts.tokens)) if verb}
    # 'learn' follows 'to' in 10 of its 30 uses, 'generalize' in 10 of 20, 'improve' in all; nouns never do
    assert verbs == {"learn", "generalize", "improve"}
    clauses = ("networks learn", "models generalize", "models learned", "improves recall", "improves")
    terms = ("machine learning", "associative memory", "memory", "recall")
    assert [bool(texts.clauses[key(p)]) for p in clauses + terms] == [True] * 5 + [False] * 4
    assert texts.cohesive[key("networks learn")] and not texts.terms[key("networks learn")]
    assert all(texts.terms[key(p)] for p in terms)


def test_a_word_in_s_that_takes_an_object_is_a_verb_wherever_it_stands():
    """'plays' is followed by 'a' or 'the' in every use, though no one writes 'to play': 'memory plays' is a clause.
    'models' and 'tasks' end noun phrases ('models of', 'tasks and') and stay nouns."""
    from generator.themes.features import s_forms_taking_objects

    texts, key, _ = cohesion_of([
        f"Working memory plays a role in task {i}; attention plays the other. Language models of tasks and "
        f"models {i} for tasks." for i in range(10)])
    verbs = {word for word, verb in zip(texts.tokens.words, s_forms_taking_objects(texts.tokens)) if verb}
    assert verbs == {"plays"}
    assert texts.clauses[key("memory plays")] and texts.clauses[key("plays")]
    assert all(texts.terms[key(p)] for p in ("working memory", "memory", "language models"))


def test_a_phrase_of_research_prose_only_is_no_term():
    """'recent years', 'wide range', 'extensive experiments' say nothing of a subject (GENERIC_WORDS); a subject
    word keeps a phrase a term even beside them ('large language models', 'experimental physics'), unless a verb
    or adverb of research prose opens it ('using reinforcement learning', 'previously unseen'). 'currently' opens
    nothing: its stem is the physicist's 'current density'; nor is 'specific' on the list, whose stem is that of
    'specification'."""
    texts, key, _ = cohesion_of([
        f"In recent years a wide range of extensive experiments on large language models, and experimental physics "
        f"of plasma {i} with current density, shed light on the field. Using reinforcement learning on previously "
        f"unseen tasks, currently. A case study on multiple datasets; program specification." for i in range(10)])
    generic = ("recent years", "wide range", "extensive experiments", "shed light", "field",
               "using reinforcement learning", "previously unseen", "case study", "multiple datasets")
    subjects = ("large language models", "experimental physics", "plasma", "current density", "reinforcement learning",
                "program specification")
    assert [bool(texts.terms[key(p)]) for p in generic + subjects] == [False] * 9 + [True] * 6


def test_the_prose_of_a_survey_s_outlook_is_no_term():
    """Surveys close on 'future research directions', 'opportunities' and a 'comprehensive overview', and code is
    'publicly available': on the benchmark lists these named themes ("Future directions and language technologies",
    "Self-supervised learning and publicly available") and were key terms; the subjects beside them stay terms."""
    texts, key, _ = cohesion_of([
        f"A comprehensive overview of Indigenous languages {i} and language technologies, known as low-resource "
        f"languages; code is publicly available. We discuss opportunities and future research directions."
        for i in range(10)])
    prose = ("comprehensive overview", "publicly available", "opportunities", "future research directions",
             "future research", "known")
    subjects = ("indigenous languages", "language technologies", "low-resource languages")
    assert [bool(texts.terms[key(p)]) for p in prose + subjects] == [False] * 6 + [True] * 3


def test_what_a_paper_says_of_its_work_and_of_people_s_habits_is_no_term():
    """On the third benchmark list "Prior work and tend" named a theme, and 'facilitate future research' and
    'issue' were key terms: 'tend' is a verb no marker before it tells ('models tend to'), 'issue' the prose of
    'address this issue', and 'facilitate' opens no noun phrase. The subjects beside them stay terms."""
    texts, key, _ = cohesion_of([
        f"Pretrained language models {i} tend to ignore semantic role labeling; to address this issue we release "
        f"a corpus to facilitate future research on tweets." for i in range(10)])
    prose = ("tend", "issue", "facilitate future research")
    subjects = ("pretrained language models", "semantic role labeling", "corpus", "tweets")
    assert [bool(texts.terms[key(p)]) for p in prose + subjects] == [False] * 3 + [True] * 4


def test_a_phrase_ending_in_a_verb_or_adverb_of_research_prose_is_no_term():
    """'question decomposition based' (on ...) and 'representations using' (...) stop before their object; 'tool use'
    ends in a noun."""
    texts, key, _ = cohesion_of([
        f"Question decomposition based on tool use {i}; representations using tool use, learned representations."
        for i in range(10)])
    assert not texts.terms[key("question decomposition based")] and not texts.terms[key("representations using")]
    assert texts.terms[key("tool use")] and texts.terms[key("question decomposition")]


def test_a_phrase_opening_or_closing_on_a_verb_of_research_prose_is_no_term():
    """Shared terms and key terms on the shipped site and its subsets read 'like human', 'improve LLMs', 'models
    exhibit', 'neural networks suffer' and 'findings offer': each opens or stops on a verb, before its object.
    The nouns around them stay terms."""
    texts, key, _ = cohesion_of([
        f"Like human learners {i}, deep networks suffer from forgetting; to improve LLMs, our findings offer hints, "
        f"and language models exhibit grokking, which is poorly understood." for i in range(10)])
    clauses = ("like human", "like human learners", "improve llms", "networks suffer", "deep networks suffer",
               "findings offer", "models exhibit", "language models exhibit", "poorly understood")
    subjects = ("human learners", "deep networks", "llms", "language models", "grokking", "forgetting")
    assert [bool(texts.terms[key(p)]) for p in clauses + subjects] == [False] * 9 + [True] * 6


def test_a_word_written_after_to_now_and_then_stays_a_noun():
    """'control' after 'to' in 2 of its 12 uses is the noun of 'optimal control', under MIN_VERB_SHARE."""
    from generator.themes.features import MIN_VERB_SHARE, verb_words

    texts, key, _ = cohesion_of([f"Optimal control of system {i} " + ("is hard to control." if i < 2 else "works.")
                                 for i in range(10)])
    verbs = {word for word, verb in zip(texts.tokens.words, verb_words(texts.tokens)) if verb}
    assert "control" not in verbs and 2 / 12 < MIN_VERB_SHARE
    assert texts.terms[key("optimal control")]


# Words that stress the theme step: under three letters, stop words, verbs and their forms, hyphenated,
# acronyms, digits, punctuation and non-ASCII.
STRESS_WORDS = ["AI", "ML", "go", "to", "can", "the", "and", "we", "learn", "learns", "learned", "improve",
                "improves", "deep", "networks", "graph", "memory", "model", "models", "state-of-the-art",
                "in-context", "learning", "LLMs", "LLM", "2024", "x", "é", "ß", "α", "—", ".", ",", "(", ")"]
WORDS_OF = st.lists(st.sampled_from(STRESS_WORDS), max_size=12).map(" ".join)


# Papers without a word of their own look alike: k-means must not be asked for more themes than distinct
# points, or it warns the reader in scikit-learn's words.
@pytest.mark.filterwarnings("error::sklearn.exceptions.ConvergenceWarning")
@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(WORDS_OF, WORDS_OF), min_size=1, max_size=9), st.sampled_from(["auto", 1, 2, 3, 5]))
def test_any_small_list_gets_themes_names_and_related_papers(texts, count):
    """Whatever a short list's words, the theme step places every paper and names every theme."""
    from generator.schema import Paper, ThemesSection
    from generator.themes import group_papers, locked_themes

    papers = [Paper(id=f"p{i}", source=f"content/papers/p{i}.yml", title=title or "x", abstract=abstract)
              for i, (title, abstract) in enumerate(texts)]
    grouping = group_papers(papers, ThemesSection(count=count))
    assert sorted(pid for theme in grouping.themes for pid in theme.papers) == sorted(p.id for p in papers)
    assert all(theme.name for theme in grouping.themes) and set(grouping.related) == {p.id for p in papers}
    again = group_papers(papers, ThemesSection(count=count), lock=locked_themes(grouping))
    assert [set(t.papers) for t in again.themes] == [set(t.papers) for t in grouping.themes]


def test_a_phrase_written_as_often_as_a_clause_as_not_is_a_clause():
    """'better understand' once and 'better understanding' once: its display form would be the clause."""
    texts, key, _ = cohesion_of(["We aim to better understand memory, and to understand it.",
                                 "A better understanding of memory helps us to understand recall.",
                                 "Memory and recall, studied again."])
    assert texts.clauses[key("better understand")] and not texts.clauses[key("memory")]


def test_ascii_spellings_are_what_readers_type_for_words_with_other_letters():
    from generator.asciiforms import ascii_spellings
    assert ascii_spellings(["A Naïve Look by Bernhard Schölkopf", "Schölkopf, Søgaard: α-synuclein “naïve” — 日本"]) == \
        ["Naive", "Scholkopf", "Sogaard", "alpha-synuclein"]
    assert ascii_spellings(["Plain ASCII text", "curly “quotes” only"]) == []
