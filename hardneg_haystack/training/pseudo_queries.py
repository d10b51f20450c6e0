"""Pseudo-queries cut from the corpus itself, for a warm start without labels (pure Python, no models).

Three kinds, each a query a user could plausibly type for the passage it came from:

- ``title``: the passage's title (its first line, when the line is short and the passage has a body);
- ``sentence``: one sentence cut out of the passage (inverse cloze task): the passage the model is then shown
  LACKS that sentence, so matching it takes more than copying words;
- ``keywords``: a few of the passage's rarest words (by corpus document frequency), in random order.

Example:
    >>> from hardneg_haystack.training.pseudo_queries import make_pseudo_queries
    >>> texts = ["VPN tokens\\nReset your VPN token from the portal. Tokens expire after a year.",
    ...          "Parental leave\\nStaff get sixteen weeks of parental leave. Apply through HR."]
    >>> [q.kind for q in make_pseudo_queries(texts, n=4, seed=1)]  # doctest: +SKIP
    ['sentence', 'title', 'keywords', 'sentence']
"""

from __future__ import annotations

import math
import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

KINDS = ("title", "sentence", "keywords")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\"'])")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9\-]{2,}")
_STOP = frozenset(
    re.findall(
        r"\w+",
        "the and for are but not you all any can had her was one our out has his how its may new now see two "
        "who did get let say she too use this that with from have they will your what when been were which "
        "their there than then them these those into more also such only other some very over most both each "
        "after before while where would could should about between during under within without because "
        "through against among",
    )
)


@dataclass(frozen=True)
class PseudoQuery:
    """A query made from corpus entry ``source``; ``passage`` is what the model sees as its positive."""

    text: str
    source: int
    kind: str
    passage: str


def split_title(text: str, *, max_title_words: int = 25) -> tuple[str, str]:
    """``(title, body)`` when the first line is a short title followed by a body, else ``("", text)``."""
    head, sep, body = text.partition("\n")
    if sep and body.strip() and 0 < len(head.split()) <= max_title_words:
        return head.strip(), body.strip()
    return "", text.strip()


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


def document_frequencies(texts: Sequence[str]) -> Counter[str]:
    df: Counter[str] = Counter()
    for text in texts:
        df.update({w.lower() for w in _WORD.findall(text)})
    return df


def keyword_query(
    text: str, df: Counter[str], n_docs: int, rng: random.Random, *, k: tuple[int, int], top: int = 12
) -> str:
    """``k[0]..k[1]`` words drawn from the passage's ``top`` highest-idf content words that other passages use
    too (a word seen nowhere else is a spelling a searcher would not type), in random order; empty if too few."""
    words = [w for w in {w.lower() for w in _WORD.findall(text)} - _STOP if df.get(w, 0) >= 2]
    if len(words) < k[0]:
        return ""
    ranked = sorted(words, key=lambda w: (math.log((n_docs + 1) / (df[w] + 1)), w), reverse=True)[:top]
    chosen = rng.sample(ranked, rng.randint(k[0], min(k[1], len(ranked))))
    return " ".join(chosen)


def _options(
    text: str,
    i: int,
    kinds: Sequence[str],
    df: Counter[str],
    n_docs: int,
    rng: random.Random,
    sentence_words: tuple[int, int],
    keywords: tuple[int, int],
) -> list[PseudoQuery]:
    """The pseudo-queries entry ``i`` supports, at most one per kind."""
    title, body = split_title(text)
    options = []
    if "title" in kinds and title:
        options.append(PseudoQuery(title, i, "title", body))
    if "sentence" in kinds:
        sents = sentences(body)
        usable = [j for j, s in enumerate(sents) if sentence_words[0] <= len(s.split()) <= sentence_words[1]]
        if len(sents) >= 3 and usable:
            j = rng.choice(usable)
            rest = " ".join(sents[:j] + sents[j + 1 :])
            options.append(PseudoQuery(sents[j], i, "sentence", f"{title}\n{rest}" if title else rest))
    if "keywords" in kinds:
        query = keyword_query(text, df, n_docs, rng, k=keywords)
        if query:
            options.append(PseudoQuery(query, i, "keywords", text))
    return options


def make_pseudo_queries(
    contents: Sequence[str],
    *,
    n: int,
    seed: int = 42,
    kinds: Sequence[str] = KINDS,
    sentence_words: tuple[int, int] = (5, 40),
    keywords: tuple[int, int] = (3, 6),
    max_rounds: int = 5,
) -> list[PseudoQuery]:
    """Up to ``n`` distinct pseudo-queries, the kind drawn per visit among the ``kinds`` the entry supports
    (seeded: the same corpus and seed give the same queries).

    :param contents: The corpus entries' texts (a title, if any, on the first line).
    :param n: How many queries. Entries are visited in a seeded random order, one query each; a corpus
        smaller than ``n`` is visited again (up to ``max_rounds`` times) for other queries of its entries.
    :param kinds: Any of ``title``, ``sentence``, ``keywords``.
    :param sentence_words: Length bounds (words) of a sentence that may become a query.
    :param keywords: How many keywords a keyword query has (min, max).
    """
    unknown = [k for k in kinds if k not in KINDS]
    if unknown or not kinds:
        raise ValueError(f"pseudo-query kinds must be among {', '.join(KINDS)}, got {list(kinds)}")
    rng = random.Random(seed)
    df = document_frequencies(contents) if "keywords" in kinds else Counter()
    out: list[PseudoQuery] = []
    seen: set[tuple[int, str]] = set()
    for _ in range(max_rounds):  # a small corpus is visited again: another kind, another sentence
        order = list(range(len(contents)))
        rng.shuffle(order)
        before = len(out)
        for i in order:
            if len(out) >= n:
                return out
            options = _options(contents[i], i, kinds, df, len(contents), rng, sentence_words, keywords)
            options = [o for o in options if (i, o.text) not in seen]
            if options:
                choice = rng.choice(options)
                seen.add((i, choice.text))
                out.append(choice)
        if len(out) == before:
            break
    return out
