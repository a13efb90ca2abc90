"""The optional meaning view: sentence embeddings of the papers and themes from a local model.

`themes: embeddings:` in site_config.yml names a folder holding a sentence-transformers model of the
BERT family with mean pooling (all-MiniLM-L6-v2 and its kin; `make model` fetches that one). Two
papers that say the same thing in different words then look alike too, which the word views cannot
see: see benchmarks/README.md ("Sentence embeddings") for what it changes.

The model runs here, in numpy: its weights are read with safetensors and its text is split with
Hugging Face's tokenizers, both small wheels (the `embeddings` extra). sentence-transformers would run
the same model through PyTorch, a download of gigabytes from PyPI. Each text is encoded alone, so its
vector depends on nothing else, and vectors are cached by text under build/cache/: a build encodes
only the papers that are new or edited.
"""
from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
from scipy.special import erf
from threadpoolctl import threadpool_limits

from generator.errors import ReadingListError
from generator.parallel import parallel_map
from generator.progress import progress

MODEL_FILES = ("config.json", "model.safetensors", "tokenizer.json")
EXTRA_HINT = "pip install 'readinglist[embeddings]'"
# Encoding a text takes tens of milliseconds: from a few texts on, both cores share the work.
PARALLEL_FROM = 16
DEFAULT_MAX_TOKENS = 256
# A bar on a terminal from this many texts to encode (a few seconds of work).
SHOW_BAR_FROM = 50

Embed = Callable[[Sequence[str]], np.ndarray]


def paper_text(title: str, abstract: str | None) -> str:
    """The text a paper is embedded from (its title alone when it has no abstract)."""
    return f"{title}. {abstract}" if abstract else title


def theme_text(name: str, description: str) -> str:
    """The text a declared theme is embedded from."""
    return f"{name}. {description}" if description else name


def model_folder(root: Path, setting: str) -> Path:
    """The model folder a site_config.yml setting names: relative to the project, or absolute ('~' expanded)."""
    return root / Path(setting).expanduser()


def encoder_for(root: Path, setting: str | None, cache_dir: Path) -> "CachedEncoder | None":
    """The embedding function a site's settings ask for, or None (words only)."""
    return cached_encoder(model_folder(root, setting), cache_dir) if setting else None


@functools.lru_cache(maxsize=2)
def cached_encoder(folder: Path, cache_dir: Path) -> "CachedEncoder":
    """One encoder per model and cache for the life of the process (the live preview reuses it)."""
    return CachedEncoder(folder, cache_dir)


def model_problems(folder: Path, shown: str | None = None) -> list[str]:
    """What keeps `folder` (written `shown` in the config) from serving as the embedding model (empty when it
    can)."""
    shown = str(folder) if shown is None else shown
    if not folder.is_dir():
        return [f"expected a folder holding a sentence-transformers model ({', '.join(MODEL_FILES)}); "
                f"'{shown}' is not a folder (readinglist's `make model` fetches all-MiniLM-L6-v2 into "
                ".cache/models/)"]
    missing = [name for name in MODEL_FILES if not (folder / name).is_file()]
    if missing:
        return [f"expected {', '.join(MODEL_FILES)} in '{shown}'; missing: {', '.join(missing)}"]
    problems = []
    try:
        config = read_json(folder / "config.json")
        pooling = read_json(folder / "1_Pooling" / "config.json")
    except (OSError, ValueError) as error:
        return [f"a configuration file in '{shown}' is not readable JSON ({error})"]
    if config.get("model_type") != "bert":
        problems.append(f"expected a BERT-family model (config.json model_type 'bert'), "
                        f"found '{config.get('model_type')}'")
    if pooling and not pooling.get("pooling_mode_mean_tokens", False):
        problems.append("expected a model pooled by the mean of its tokens (1_Pooling/config.json)")
    if not all(importlib.util.find_spec(library) for library in ("safetensors", "tokenizers")):
        problems.append(f"the model needs the optional embedding libraries: {EXTRA_HINT}")
    return problems


def read_json(path: Path) -> dict:
    """A JSON file's mapping, or {} when the file is absent."""
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


@dataclass
class Encoder:
    """A BERT sentence encoder: token embeddings, transformer layers, mean pooling, unit length."""

    weights: dict[str, np.ndarray]
    tokenizer: object
    heads: int
    epsilon: float
    layers: int

    @classmethod
    def load(cls, folder: Path) -> "Encoder":
        """The model of a folder that passed model_problems; a file it cannot use stops the build with the reason."""
        try:
            return cls.read(folder)
        except Exception as error:  # safetensors and tokenizers raise their own kinds; all mean the same here
            raise ReadingListError(f"themes.embeddings: the model in '{folder}' cannot be used: "
                                   f"{type(error).__name__}: {error}") from None

    @classmethod
    def read(cls, folder: Path) -> "Encoder":
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        weights = {name.removeprefix("bert."): value.astype(np.float32)
                   for name, value in load_file(str(folder / "model.safetensors")).items()}
        layers = int(config["num_hidden_layers"])
        absent = [name for name in ("embeddings.word_embeddings.weight", f"encoder.layer.{layers - 1}.output.dense.weight")
                  if name not in weights]
        if absent:
            raise KeyError(f"no weight named {', '.join(absent)} (a BERT model's)")
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        tokenizer.no_padding()  # the file may ask for padding: padded tokens would join the mean
        longest = read_json(folder / "sentence_bert_config.json").get("max_seq_length", DEFAULT_MAX_TOKENS)
        tokenizer.enable_truncation(min(int(longest), int(config.get("max_position_embeddings", 512))))
        return cls(weights, tokenizer, int(config["num_attention_heads"]), float(config.get("layer_norm_eps", 1e-12)),
                   layers)

    def encode(self, text: str) -> np.ndarray:
        """The unit vector of one text."""
        ids = np.array(self.tokenizer.encode(text).ids)
        w = self.weights
        x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:len(ids)]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = self.normalised(x, "embeddings.LayerNorm")
        for layer in range(self.layers):
            x = self.transformer_layer(x, f"encoder.layer.{layer}.")
        pooled = x.mean(axis=0)
        return pooled / max(float(np.linalg.norm(pooled)), 1e-12)

    def transformer_layer(self, x: np.ndarray, prefix: str) -> np.ndarray:
        """Self-attention, then the feed-forward block, each with its residual and layer norm."""
        tokens, width = x.shape
        size = width // self.heads
        q, k, v = (self.linear(x, f"{prefix}attention.self.{part}").reshape(tokens, self.heads, size).transpose(1, 0, 2)
                   for part in ("query", "key", "value"))
        attention = q @ k.transpose(0, 2, 1) / np.float32(np.sqrt(size))
        attention = np.exp(attention - attention.max(axis=-1, keepdims=True))
        attention /= attention.sum(axis=-1, keepdims=True)
        context = (attention @ v).transpose(1, 0, 2).reshape(tokens, width)
        x = self.normalised(self.linear(context, f"{prefix}attention.output.dense") + x,
                            f"{prefix}attention.output.LayerNorm")
        hidden = self.linear(x, f"{prefix}intermediate.dense")
        hidden = 0.5 * hidden * (1.0 + erf(hidden / np.float32(np.sqrt(2.0))))  # exact GELU, as BERT
        return self.normalised(self.linear(hidden, f"{prefix}output.dense") + x, f"{prefix}output.LayerNorm")

    def linear(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.weights[f"{name}.weight"].T + self.weights[f"{name}.bias"]

    def normalised(self, x: np.ndarray, name: str) -> np.ndarray:
        mean = x.mean(axis=-1, keepdims=True)
        spread = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        return (x - mean) / np.sqrt(spread + self.epsilon) * self.weights[f"{name}.weight"] + self.weights[f"{name}.bias"]


def model_digest(folder: Path) -> str:
    """A digest of the model's files: the cache of one model never serves another."""
    digest = hashlib.sha256()
    for name in MODEL_FILES:
        with open(folder / name, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:16]


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class CachedEncoder:
    """Texts to unit vectors (rows of a float32 matrix), encoding only those the cache lacks."""

    def __init__(self, folder: Path, cache_dir: Path):
        self.folder = folder
        self.cache_file = cache_dir / f"embeddings-{model_digest(folder)}.npz"
        self.encoder: Encoder | None = None
        self.known: dict[str, np.ndarray] | None = None   # the cache's vectors, read once (papers, then themes)

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        keys = [text_key(text) for text in texts]
        if self.known is None:
            self.known = self.read_cache()
        known = self.known
        missing = sorted({key: text for key, text in zip(keys, texts) if key not in known}.items())
        if missing:
            known.update(zip([key for key, _ in missing], self.encode_all([text for _, text in missing])))
            self.write_cache(known)
        return np.stack([known[key] for key in keys]) if keys else np.zeros((0, 1), dtype=np.float32)

    def encode_all(self, texts: list[str]) -> list[np.ndarray]:
        """Encode texts, on every core when they are many (one BLAS thread each: the same sums every time)."""
        if self.encoder is None:
            self.encoder = Encoder.load(self.folder)
        encoder = self.encoder

        def encode(text: str) -> np.ndarray:
            with threadpool_limits(limits=1):
                return encoder.encode(text)
        batches = parallel_map(encode, texts, from_items=PARALLEL_FROM)
        return [vector for batch in progress(batches, len(texts), "Encoding papers", SHOW_BAR_FROM, " texts")
                for vector in batch]

    def read_cache(self) -> dict[str, np.ndarray]:
        try:
            with np.load(self.cache_file) as stored:
                return dict(zip(stored["keys"].tolist(), stored["vectors"]))
        except (OSError, ValueError, KeyError):
            return {}  # no cache yet, or one that cannot be read: encode again

    def write_cache(self, vectors: dict[str, np.ndarray]) -> None:
        self.cache_file.parent.mkdir(parents=True, exist_ok=True)
        keys = sorted(vectors)
        partial = self.cache_file.with_suffix(".partial.npz")
        np.savez(partial, keys=np.array(keys), vectors=np.stack([vectors[key] for key in keys]))
        os.replace(partial, self.cache_file)
