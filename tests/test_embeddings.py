"""The optional meaning view: the numpy sentence encoder, its cache, the site setting and what it changes.

Tests marked with the real model read all-MiniLM-L6-v2 from .cache/models (`make model`, which
`make test` runs first).
"""
from __future__ import annotations

import dataclasses
import filecmp
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from generator.embeddings import CachedEncoder, Encoder, model_problems, paper_text, theme_text
from generator.project import Project
from generator.schema import CuratedTheme, Paper, ThemesSection
from generator.themes import group_papers, theme_step
from project_support import ENTRIES, make_project, run

REPO = Path(__file__).resolve().parent.parent
MODEL = REPO / ".cache" / "models" / "all-MiniLM-L6-v2"
REFERENCE = Path(__file__).parent / "fixtures" / "minilm-reference.json"
SETTINGS = ThemesSection()


@pytest.fixture(scope="module")
def model() -> Path:
    if not (MODEL / "model.safetensors").is_file():
        pytest.fail(f"{MODEL} is missing: run `make model` (make test does)")
    return MODEL


def test_the_encoder_gives_the_vectors_sentence_transformers_gives(model: Path):
    """The reference vectors were made by sentence-transformers (PyTorch) from the same model; the last text is
    762 tokens long, so truncation to the model's 256 is checked too."""
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    encoder = Encoder.load(model)
    ours = np.stack([encoder.encode(text) for text in reference["texts"]])
    assert np.abs(ours - np.array(reference["vectors"])).max() < 1e-4
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_cached_vectors_are_the_vectors_encoded(model: Path, tmp_path: Path):
    texts = ["Graph neural networks.", "Protein folding.", "Graph neural networks."]
    fresh = CachedEncoder(model, tmp_path)(texts)
    assert np.array_equal(fresh[0], fresh[2])
    again = CachedEncoder(model, tmp_path)
    assert np.array_equal(again(texts[::-1]), fresh[::-1])
    assert again.encoder is None  # every vector came from the cache
    assert [p.name for p in tmp_path.iterdir()] == [again.cache_file.name]


def test_a_cache_that_cannot_be_read_is_encoded_again(model: Path, tmp_path: Path):
    encoder = CachedEncoder(model, tmp_path)
    expected = encoder(["Attention is all you need."])
    encoder.cache_file.write_bytes(b"not an npz file")
    assert np.array_equal(CachedEncoder(model, tmp_path)(["Attention is all you need."]), expected)


def write_model(folder: Path, config: dict, pooling: dict | None = None) -> Path:
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps(config))
    (folder / "model.safetensors").write_bytes(b"")
    (folder / "tokenizer.json").write_text("{}")
    if pooling is not None:
        (folder / "1_Pooling").mkdir()
        (folder / "1_Pooling" / "config.json").write_text(json.dumps(pooling))
    return folder


def test_model_problems_say_what_the_folder_lacks(tmp_path: Path):
    assert "is not a folder" in model_problems(tmp_path / "nowhere")[0]
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "config.json").write_text("{}")
    assert model_problems(tmp_path / "half") == [
        f"expected config.json, model.safetensors, tokenizer.json in '{tmp_path / 'half'}'; "
        "missing: model.safetensors, tokenizer.json"]
    other = write_model(tmp_path / "gpt", {"model_type": "gpt2"}, {"pooling_mode_cls_token": True})
    assert model_problems(other) == [
        "expected a BERT-family model (config.json model_type 'bert'), found 'gpt2'",
        "expected a model pooled by the mean of its tokens (1_Pooling/config.json)"]
    garbled = write_model(tmp_path / "garbled", {"model_type": "bert"}, {})
    (garbled / "1_Pooling" / "config.json").write_text("{not json")
    assert model_problems(garbled, "models/garbled")[0].startswith(
        "a configuration file in 'models/garbled' is not readable JSON")
    assert model_problems(write_model(tmp_path / "bert", {"model_type": "bert"},
                                      {"pooling_mode_mean_tokens": True})) == []


def test_a_missing_model_is_a_config_problem_with_its_line(tmp_path: Path):
    root = make_project(tmp_path / "p")
    (root / "site_config.yml").write_text("site:\n  name: Test list\nthemes:\n  count: auto\n  embeddings: models/none\n")
    result = run(root, "check")
    assert result.exit_code == 1
    assert "site_config.yml:5: themes.embeddings: expected a folder holding a sentence-transformers model" in result.output
    assert "Traceback" not in result.output
    result = run(root, "build")
    assert result.exit_code == 1 and "themes.embeddings" in result.output
    assert not (root / "site").exists()


def test_a_model_that_cannot_be_read_stops_the_build_without_a_traceback(tmp_path: Path):
    folder = write_model(tmp_path / "broken", {"model_type": "bert", "num_hidden_layers": 6,
                                                "num_attention_heads": 12})
    (folder / "model.safetensors").write_bytes(b"\x10" * 64)
    root = make_project(tmp_path / "p", files={"site_config.yml": f"themes:\n  embeddings: {folder}\n"})
    (root / "site").mkdir()
    (root / "site" / "index.html").write_text("the previous site")
    result = run(root, "build")
    assert result.exit_code == 1
    assert f"themes.embeddings: the model in '{folder}' cannot be used: SafetensorError" in result.output
    assert "Traceback" not in result.output
    assert (root / "site" / "index.html").read_text() == "the previous site"


# A stand-in encoder: a text's vector says which topic word it holds; the strangers' made-up words ('lorem',
# 'quia') mean what the test says: a topic, or only each other.
TOPICS = ("graph", "protein", "strangers")


def stand_in(strangers_mean: str):
    def embed(texts):
        rows = []
        for text in texts:
            vector = np.full(len(TOPICS) + 1, 0.1)
            words = text.lower()
            for word, topic in (("graph", "graph"), ("protein", "protein"), ("lorem", strangers_mean),
                                ("quia", strangers_mean)):
                if word in words:
                    vector[TOPICS.index(topic)] += 1.0
            rows.append(vector / np.linalg.norm(vector))
        return np.array(rows)
    return embed


def paper(paper_id: str, title: str, abstract: str, theme: str | None = None) -> Paper:
    return Paper(id=paper_id, source=f"content/papers/{paper_id}.yml", title=title, abstract=abstract, theme=theme)


GRAPHS = [paper(f"graph-{k}", f"Graph networks {word}", f"Message passing on graph nodes with {word} layers.", "graphs")
          for k, word in enumerate(("deep", "sparse", "spectral", "attention"))]
PROTEINS = [paper(f"protein-{k}", f"Protein folding {word}", f"Protein structure prediction from {word} sequences.",
                  "proteins") for k, word in enumerate(("evolutionary", "coupled", "aligned", "masked"))]
STRANGER = paper("stranger", "Lorem ipsum dolor", "Sit amet consectetur adipiscing elit sed eiusmod tempor.")
DECLARED = (CuratedTheme("graphs", "Graph learning", "Networks on graphs."),
            CuratedTheme("proteins", "Protein science", "Structure of proteins."))


@pytest.mark.parametrize("meaning", ["graph", "protein"])
def test_the_meaning_view_places_a_paper_its_words_cannot(meaning: str):
    """The stranger shares no word with any theme: only its embedding can tell where it belongs."""
    grouping = group_papers(GRAPHS + PROTEINS + [STRANGER], SETTINGS, DECLARED, embed=stand_in(meaning))
    placement = grouping.placements["stranger"]
    expected = "graphs" if meaning == "graph" else "proteins"
    assert placement.theme == expected
    assert placement.suggestions[0][0] == expected


def test_related_papers_read_the_meaning_view():
    """Two papers without a shared word are related once their embeddings say they mean the same."""
    twin = paper("twin", "Quia voluptas nemo", "Neque porro quisquam est qui dolorem.")
    papers = GRAPHS + PROTEINS + [STRANGER, twin]
    unplugged = [dataclasses.replace(p, theme=None) for p in papers]
    without = group_papers(unplugged, SETTINGS)
    with_meaning = group_papers(unplugged, SETTINGS, embed=stand_in("strangers"))
    assert "twin" not in [related.id for related in without.related["stranger"]]
    assert with_meaning.related["stranger"][0].id == "twin"


def test_long_lists_are_clustered_in_the_meaning_view_too():
    """On the scalable path (forced here) k-means reads the meaning view beside the latent one: papers that
    share no word at all still split by what their embeddings say."""
    words = iter(f"w{k:03d}x" for k in range(10_000))
    papers = [paper(f"p{k:02d}", f"{next(words)} {next(words)}", " ".join(next(words) for _ in range(8)) +
                    (f" odd{k}" if k % 2 else f" even{k}")) for k in range(40)]

    def embed(texts):  # every word is the paper's own: only this tells odd from even
        return np.array([[1.0, 0.1] if " odd" in text else [0.1, 1.0] for text in texts]) / np.hypot(1.0, 0.1)
    grouping = theme_step(papers, ThemesSection(count=2), scalable_from=0, embed=embed)
    sides = {frozenset(theme.papers) for theme in grouping.themes}
    assert sides == {frozenset(p.id for k, p in enumerate(papers) if k % 2),
                     frozenset(p.id for k, p in enumerate(papers) if not k % 2)}


def test_a_copyright_line_is_not_embedded():
    seen = []

    def embed(texts):
        seen.extend(texts)
        return np.ones((len(texts), 2)) / np.sqrt(2)
    marked = dataclasses.replace(GRAPHS[0], abstract=GRAPHS[0].abstract + " © 2021 Elsevier Ltd. All rights reserved.")
    group_papers([marked] + GRAPHS[1:] + PROTEINS, SETTINGS, embed=embed)
    assert "Graph networks deep. Message passing on graph nodes with deep layers." in seen
    assert not [text for text in seen if "Elsevier" in text]


def test_embedding_texts():
    assert paper_text("Title", "Abstract.") == "Title. Abstract."
    assert paper_text("Title", None) == "Title"
    assert theme_text("Graph learning", "") == "Graph learning"
    assert theme_text("Graph learning", "Networks on graphs.") == "Graph learning. Networks on graphs."


def test_a_site_with_a_model_builds_the_same_from_the_cache_and_afresh(model: Path, tmp_path: Path):
    root = make_project(tmp_path / "p", files={"site_config.yml": f"site:\n  name: Test list\nthemes:\n"
                                                                   f"  embeddings: {model}\n"})
    content_before = {p: p.read_bytes() for p in (root / "content").rglob("*") if p.is_file()}
    assert run(root, "build").exit_code == 0
    caches = list(Project(root).cache_dir.glob("embeddings-*.npz"))
    assert len(caches) == 1
    with np.load(caches[0]) as stored:
        assert len(stored["keys"]) == len(ENTRIES)
    shutil.copytree(root / "site", tmp_path / "first")
    assert run(root, "build").exit_code == 0  # from the cache
    assert same_tree(root / "site", tmp_path / "first")
    shutil.rmtree(Project(root).cache_dir)
    assert run(root, "build").exit_code == 0  # encoded afresh
    assert same_tree(root / "site", tmp_path / "first")
    assert {p: p.read_bytes() for p in (root / "content").rglob("*") if p.is_file()} == content_before


def same_tree(left: Path, right: Path) -> bool:
    comparison = filecmp.dircmp(left, right)
    files = [p.relative_to(left) for p in left.rglob("*") if p.is_file()]
    match, mismatch, errors = filecmp.cmpfiles(left, right, files, shallow=False)
    return not mismatch and not errors and not comparison.left_only and not comparison.right_only
