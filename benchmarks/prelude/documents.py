"""PRELUDE's document sources, their latent preferences, and the per-seed sample of 200 rounds.

Offline, documents come from the set authored for this repository (``data/*.json``, CC0, fictional): 40
short documents per summarization source and 50 per email source, so a 200-round run never repeats one (the
Reddit-style posts serve both tasks, as SLF5K does in PRELUDE). The first 12 of each source were written first
and used while building the offline inference and interpretation rules (split ``dev``); the others were
written afterwards and only run (split ``heldout``), so the report can show both. Where Hugging Face is reachable, ``load_hf_documents`` rebuilds PRELUDE's
own sources with the loader parameters of the original code. The latent preference strings and dataset ids
below are copied from PRELUDE (https://github.com/gao-g/prelude, commit 85c3061, MIT licence, Copyright (c)
2024 G; the full notice is in ``LICENSE.prelude-MIT.txt`` beside this file).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from memagent.errors import ConfigError, InvalidInputError, MissingDependencyError

__all__ = [
    "LATENT_PREFERENCES",
    "TASKS",
    "Document",
    "load_authored_documents",
    "load_hf_documents",
    "sample_rounds",
]

DATA_DIR = Path(__file__).parent / "data"
DEV_PER_SOURCE = 12

TASKS = ("summarization", "email")

# PRELUDE doc_type -> authored data file (the SLF5K Reddit posts serve both tasks, as in PRELUDE).
_AUTHORED = {
    "summarization": {"cnn_dailymail": "news", "slf5k": "reddit", "wikipedia": "wiki",
                      "CShorten/ML-ArXiv-Papers": "abstracts", "imdb": "reviews"},
    "email": {"slf5k": "reddit", "ccby": "paper_summaries", "ampere": "paper_reviews", "paper_tweet": "paper_tweets"},
}

# Verbatim from PRELUDE src/task/summarization.py and src/task/email_writing.py (MIT).
LATENT_PREFERENCES: dict[str, dict[str, str]] = {
    "summarization": {
        "cnn_dailymail": "style targeted to young children, storytelling, short sentences, playful language, "
        "interactive, positive",
        "slf5k": "second person narrative, brief, show emotions, invoke personal reflection, immersive",
        "wikipedia": "bullet points, parallel structure, brief",
        "CShorten/ML-ArXiv-Papers": "tweet style, simple English, inquisitive, skillful foreshadowing, with emojis",
        "imdb": "question answering style",
    },
    "email": {
        "slf5k": "informal, conversational, no closing",
        "ccby": "structured, straight to the points, respectful, professional greeting and closing",
        "ampere": "casual tone, positive, clear, call to action",
        "paper_tweet": "engaging, personalized, professional tone, thankful closing",
    },
}


@dataclass(frozen=True)
class Document:
    """One user context: a document to summarize or notes to turn into an email."""

    id: str
    source: str  # PRELUDE doc_type, e.g. "wikipedia"
    title: str
    text: str
    split: str = "dev"  # "dev": used while building the offline rules; "heldout": written afterwards


def _check_task(task: str) -> None:
    if task not in TASKS:
        msg = f"unknown task {task!r}; expected one of {TASKS}"
        raise ConfigError(msg)


def load_authored_documents(task: str, data_dir: Path = DATA_DIR) -> dict[str, list[Document]]:
    """The authored documents of each source of ``task``.

    Raises:
        ConfigError: unknown task. InvalidInputError: a data file is missing or malformed.
    """
    _check_task(task)
    out: dict[str, list[Document]] = {}
    for source, name in _AUTHORED[task].items():
        path = data_dir / f"{name}.json"
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))["documents"]
            docs = [Document(f"{name}-{n:02d}", source, r["title"], r["text"], "dev" if n < DEV_PER_SOURCE else "heldout")
                    for n, r in enumerate(rows)]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            msg = f"cannot read documents from {path}: {exc}"
            raise InvalidInputError(msg) from exc
        out[source] = docs
    return out


def sample_rounds(docs: dict[str, list[Document]], rounds: int, seed: int) -> list[Document]:
    """PRELUDE's sampling: per source, shuffle with ``default_rng(seed)`` and take ``rounds // n_sources``
    documents, then shuffle them all together. A source with fewer documents than that is cycled (the report
    counts first sightings, so repeats stay visible).

    Raises:
        ConfigError: fewer rounds than sources.
    """
    if rounds < len(docs):
        msg = f"need at least one round per source ({len(docs)}), got {rounds}"
        raise ConfigError(msg)
    rng = np.random.default_rng(seed)
    per_source = rounds // len(docs)
    picked: list[Document] = []
    for source in docs:
        pool = list(docs[source])
        rng.shuffle(pool)  # type: ignore[arg-type]
        picked += [pool[i % len(pool)] for i in range(per_source)]
    rng.shuffle(picked)  # type: ignore[arg-type]
    return picked


# -- the original sources (needs network and the `datasets` package) ------------------------------------
def _hf_rows(source: str) -> list[tuple[str, str]]:  # pragma: no cover - needs the Hugging Face hub
    """(title, text) rows of one PRELUDE source, built as PRELUDE's loaders build them."""
    try:
        from datasets import load_dataset
    except ImportError as exc:
        msg = "loading PRELUDE's original documents needs `pip install datasets` and access to huggingface.co"
        raise MissingDependencyError(msg, extra="datasets") from exc
    if source == "cnn_dailymail":
        ds = load_dataset("cnn_dailymail", "3.0.0", split="train")
        return [(r["id"], r["article"]) for r in ds]
    if source == "slf5k":
        ds = load_dataset("JeremyAlain/SLF5K", split="train")
        return [(r["id"], r["post"]) for r in ds]
    if source == "wikipedia":
        ds = load_dataset("wikipedia", "20220301.simple", split="train")
        return [(r["title"], r["text"]) for r in ds if 500 < len(r["text"].split()) < 700]
    if source == "CShorten/ML-ArXiv-Papers":
        ds = load_dataset("CShorten/ML-ArXiv-Papers", split="train")
        return [(r["title"], r["abstract"]) for r in ds]
    if source == "imdb":
        ds = load_dataset("imdb", split="train")
        return [(str(n), r["text"]) for n, r in enumerate(ds)]
    if source == "ccby":
        ds = load_dataset("orieg/elsevier-oa-cc-by", split="train")
        return [(r["title"], " My title: " + r["title"] + ". My abstract: " + r["abstract"] + " My highlights: "
                 + ". ".join(r["author_highlights"])) for r in ds if r["author_highlights"]]
    if source == "ampere":
        ds = load_dataset("launch/ampere", split="train")
        return [(r["doc_id"], " ".join(r["text"])) for r in ds]
    if source == "paper_tweet":
        ds = load_dataset("nitsanb/paper_tweet", split="train")
        rows = []
        for n, r in enumerate(ds):
            text = r["text"]
            if "[" in text:
                continue
            rows.append((str(n), text[text.index('"') + 1 : text.rfind('"') - 2]))
        return rows
    msg = f"unknown PRELUDE source {source!r}"
    raise ConfigError(msg)


def load_hf_documents(task: str, sources: Sequence[str] | None = None) -> dict[str, list[Document]]:  # pragma: no cover
    """PRELUDE's original documents per source (train splits, PRELUDE's filters). Needs network access.

    Raises:
        ConfigError: unknown task or source. MissingDependencyError: ``datasets`` is not installed.
    """
    _check_task(task)
    out = {}
    for source in sources or LATENT_PREFERENCES[task]:
        out[source] = [Document(f"{source}-{n}", source, title, text) for n, (title, text) in enumerate(_hf_rows(source))]
    return out
