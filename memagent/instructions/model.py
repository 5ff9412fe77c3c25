"""The small trained parts of the instruction parser: a domain classifier, a slot-value tagger, a slot typer.

All three are linear models over sparse, readable features (words, word shapes, neighbours, lexicon hits).
They are trained with scikit-learn's logistic regression on tagged instructions (the NLSI/TAPS gold *train*
file) and shipped as one small JSON artefact (``data/nlsi_parser.json``), so parsing at run time needs
neither scikit-learn nor the data: a score is a dictionary lookup and a sum.

Retrain with ``python -m memagent.instructions.train --data DIR`` (see :mod:`memagent.instructions.train`).
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from memagent._lexical import STOPWORDS, stem
from memagent.errors import ConfigError, InvalidInputError, MissingDependencyError
from memagent.instructions.domains import DOMAIN_LEXICON, lexicon_scores
from memagent.instructions.values import DOMAIN_SLOTS, gazetteer_matches, slot_prior, value_cues

__all__ = ["DEFAULT_MODEL_PATH", "LinearModel", "ParserModel", "Token", "default_model", "tokenize"]

DEFAULT_MODEL_PATH = "nlsi_parser.json"
FORMAT_VERSION = 1
LEXICON_WEIGHT = 1.0  # log-odds per unit of lexicon weight, added to the classifier's log-probabilities

Features = Mapping[str, float]

_TOKEN = re.compile(r"[^\W_]+(?:['’.\-/&][^\W_]+)*|[^\w\s]", re.UNICODE)
_LEXICON_WORDS = frozenset(stem(w) for entries in DOMAIN_LEXICON.values() for w in entries if " " not in w)


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def shape(word: str) -> str:
    if any(c.isdigit() for c in word):
        return "d"
    if not any(c.isalpha() for c in word):
        return "p"
    if word.isupper() and len(word) > 1:
        return "X"
    if word[0].isupper():
        return "Xx"
    return "x"


@dataclass
class LinearModel:
    """Multinomial (or binary) logistic regression stored as sparse per-feature weights."""

    classes: list[str]
    weights: dict[str, list[float]]
    bias: list[float]

    def scores(self, feats: Features) -> list[float]:
        out = list(self.bias)
        for name, value in feats.items():
            w = self.weights.get(name)
            if w is not None:
                for k, wk in enumerate(w):
                    out[k] += wk * value
        return out

    def proba(self, feats: Features) -> dict[str, float]:
        s = self.scores(feats)
        if len(self.classes) == 2 and len(s) == 1:  # binary: one logit for classes[1]
            p = 1.0 / (1.0 + math.exp(-s[0]))
            return {self.classes[0]: 1.0 - p, self.classes[1]: p}
        top = max(s)
        exps = [math.exp(v - top) for v in s]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps, strict=True)}

    @classmethod
    def fit(cls, X: Sequence[Features], y: Sequence[str], *, c: float = 1.0, prune: float = 0.02) -> LinearModel:
        """Train with scikit-learn (needed for training only); weights below ``prune`` are stored as 0.

        Raises:
            MissingDependencyError: scikit-learn is not installed.
            InvalidInputError: fewer than two classes in ``y``.
        """
        try:
            from sklearn.feature_extraction import DictVectorizer
            from sklearn.linear_model import LogisticRegression
        except ImportError as exc:
            msg = "training the instruction parser needs scikit-learn: pip install scikit-learn"
            raise MissingDependencyError(msg, extra="train") from exc
        if len(set(y)) < 2:
            msg = f"need at least two classes to train, got {sorted(set(y))}"
            raise InvalidInputError(msg)
        vec = DictVectorizer()
        matrix = vec.fit_transform([dict(f) for f in X])
        clf = LogisticRegression(C=c, max_iter=2000)
        clf.fit(matrix, list(y))
        coef = clf.coef_  # (1, n) for binary, (k, n) otherwise
        weights: dict[str, list[float]] = {}
        for j, name in enumerate(vec.get_feature_names_out()):
            col = [round(float(coef[k, j]), 3) if abs(coef[k, j]) >= prune else 0 for k in range(coef.shape[0])]
            if any(col):
                weights[str(name)] = col
        return cls([str(c) for c in clf.classes_], weights, [round(float(b), 4) for b in clf.intercept_])

    def to_dict(self) -> dict[str, Any]:
        return {"classes": self.classes, "bias": self.bias, "weights": self.weights}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LinearModel:
        return cls(list(data["classes"]), {k: list(v) for k, v in data["weights"].items()}, list(data["bias"]))


# -- features ---------------------------------------------------------------------------------------------
def domain_features(text: str) -> dict[str, float]:
    feats: dict[str, float] = {f"lex:{d}": min(s, 6.0) / 3 for d, s in lexicon_scores(text).items()}
    for w in re.findall(r"[a-z0-9']+", text.lower()):
        if w not in STOPWORDS:
            feats[f"w:{stem(w)}"] = 1.0
    return feats


def token_gazetteer(text: str, tokens: Sequence[Token]) -> list[set[str]]:
    """For each token, the categorical slots whose known values cover it."""
    hits = gazetteer_matches(text)
    return [{slot for slot, a, b in hits if a < t.end and t.start < b} for t in tokens]


def token_features(tokens: Sequence[Token], i: int, gaz: Sequence[set[str]] | None = None) -> dict[str, float]:
    """Features of token ``i`` for the value tagger: itself, its shape, two neighbours each side, gazetteer hits."""
    tok = tokens[i]
    low = tok.lower

    def ctx(j: int) -> str:
        return tokens[j].lower if 0 <= j < len(tokens) else ("<s>" if j < 0 else "</s>")

    def ctx_shape(j: int) -> str:
        return shape(tokens[j].text) if 0 <= j < len(tokens) else "-"

    feats = {
        "bias": 1.0,
        f"w={low}": 1.0,
        f"st={stem(low)}": 1.0,
        f"sh={shape(tok.text)}": 1.0,
        f"p1={ctx(i - 1)}": 1.0,
        f"n1={ctx(i + 1)}": 1.0,
        f"p2={ctx(i - 2)}": 1.0,
        f"n2={ctx(i + 2)}": 1.0,
        f"p1sh={ctx_shape(i - 1)}": 1.0,
        f"n1sh={ctx_shape(i + 1)}": 1.0,
        f"sh|p1={shape(tok.text)}|{ctx(i - 1)}": 1.0,
        f"p1n1sh={ctx_shape(i - 1)}|{ctx_shape(i + 1)}": 1.0,
    }
    if i == 0:
        feats["first"] = 1.0
    if low in STOPWORDS:
        feats["stop"] = 1.0
    if stem(low) in _LEXICON_WORDS:
        feats["domain_word"] = 1.0
    if gaz is not None and gaz[i]:
        feats["gaz"] = 1.0
        for slot in gaz[i]:
            feats[f"gaz={slot}"] = 1.0
    return feats


def span_features(text: str, start: int, end: int, domain: str | None) -> dict[str, float]:
    """Features of a value span for the slot typer: the domain, its words, the words just before and after."""
    left = re.findall(r"[a-z0-9']+", text[:start].lower())[-4:]
    right = re.findall(r"[a-z0-9']+", text[end:].lower())[:3]
    value = text[start:end]
    vwords = re.findall(r"[a-z0-9']+", value.lower())
    feats: dict[str, float] = {"bias": 1.0, f"dom={domain}": 1.0, f"vsh={shape(value.split()[0]) if value.split() else '-'}": 1.0,
                               f"len={min(len(vwords), 4)}": 1.0}
    for w in vwords:
        feats[f"v={stem(w)}"] = 1.0
    for k, w in enumerate(reversed(left)):
        feats[f"l={w}"] = feats.get(f"l={w}", 0.0) + 1.0 / (k + 1)
        if k == 0:
            feats[f"l1={w}"] = 1.0
            feats[f"dom|l1={domain}|{w}"] = 1.0
    for k, w in enumerate(right):
        feats[f"r={w}"] = feats.get(f"r={w}", 0.0) + 1.0 / (k + 1)
        if k == 0:
            feats[f"r1={w}"] = 1.0
    if any(c.isdigit() for c in value):
        feats["digit"] = 1.0
    for cue in value_cues(value):
        feats[f"cue={cue}"] = 1.0
    for slot, a, b in gazetteer_matches(value):
        feats[f"gaz={slot}"] = 1.0 if (a, b) == (0, len(value)) else 0.5
    return feats


# -- the artefact ------------------------------------------------------------------------------------------
@dataclass
class ParserModel:
    """The three trained models plus where they came from."""

    domain: LinearModel
    tagger: LinearModel
    typer: LinearModel
    slot_domains: dict[str, list[str]] = field(default_factory=dict)  # slot -> domains it was seen with
    info: dict[str, Any] = field(default_factory=dict)

    def domain_proba(self, text: str) -> dict[str, float]:
        """P(domain | text): the classifier's log-probabilities plus the lexicon's weights, renormalised.

        The lexicon term is added outside the classifier on purpose: a service with one or two training
        rows (Weather, Banks) gets too small a learned weight to win on its own name.
        """
        probs = self.domain.proba(domain_features(text))
        lex = lexicon_scores(text)
        scores = {d: math.log(p + 1e-6) + LEXICON_WEIGHT * min(lex.get(d, 0.0), 6.0) for d, p in probs.items()}
        top = max(scores.values())
        exps = {d: math.exp(v - top) for d, v in scores.items()}
        total = sum(exps.values())
        return {d: e / total for d, e in exps.items()}

    def value_proba(self, text: str, tokens: Sequence[Token]) -> list[float]:
        """P(token is part of a slot value) for each token of ``text``."""
        positive = self.tagger.classes[-1]
        gaz = token_gazetteer(text, tokens)
        return [self.tagger.proba(token_features(tokens, i, gaz))[positive] for i in range(len(tokens))]

    def slot_proba(self, text: str, start: int, end: int, domain: str | None) -> dict[str, float]:
        """P(slot) for a value span: the typer's probabilities, restricted to the domain's slots and moved by
        the slot-name and value-form cues of :func:`~memagent.instructions.values.slot_prior`."""
        probs = self.typer.proba(span_features(text, start, end, domain))
        allowed = set(DOMAIN_SLOTS.get(domain or "", ())) | {s for s, ds in self.slot_domains.items() if domain in ds}
        if not allowed:
            return probs
        boosts = slot_prior(text, start, end, domain)
        scores = {s: (probs.get(s, 0.0) + 0.02) * math.exp(boosts.get(s, 0.0)) for s in allowed}
        total = sum(scores.values())
        return {s: v / total for s, v in scores.items()}

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT_VERSION, "info": self.info, "slot_domains": self.slot_domains,
                "domain": self.domain.to_dict(), "tagger": self.tagger.to_dict(), "typer": self.typer.to_dict()}

    def save(self, path: str | Path) -> Path:
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(json.dumps(self.to_dict(), separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")
        return p

    @classmethod
    def load(cls, path: str | Path) -> ParserModel:
        """Raises ConfigError: missing, unreadable or of another format version."""
        p = Path(path)
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            msg = f"cannot read the instruction parser model at {p}: {exc}"
            raise ConfigError(msg) from exc
        return cls.from_dict(data, source=str(p))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "<dict>") -> ParserModel:
        if data.get("format") != FORMAT_VERSION:
            msg = f"{source}: parser model format {data.get('format')!r}, expected {FORMAT_VERSION}; retrain it"
            raise ConfigError(msg)
        return cls(LinearModel.from_dict(data["domain"]), LinearModel.from_dict(data["tagger"]),
                   LinearModel.from_dict(data["typer"]), {k: list(v) for k, v in data.get("slot_domains", {}).items()},
                   dict(data.get("info", {})))


@functools.lru_cache(maxsize=1)
def default_model() -> ParserModel:
    """The shipped model (trained on the NLSI/TAPS gold train tags). Raises ConfigError when it is missing."""
    return ParserModel.load(Path(str(files("memagent.instructions") / "data" / DEFAULT_MODEL_PATH)))
