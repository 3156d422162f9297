"""Text analysis shared by indexing and querying, identical on every database.

Words are folded (case, accents), stop words dropped, and each remaining word is indexed under
both its French and its English Snowball stem, so a query in either language matches documents
in either language. The engines (FTS5, PostgreSQL 'simple') then only see pre-analysed terms,
which is why both databases return the same documents.
"""

import re
from functools import lru_cache

import snowballstemmer

from agora.people.text import fold

MAX_QUERY_CHARS = 200
MAX_QUERY_TERMS = 12
# Letters and digits only: "_" and every FTS/tsquery operator character are separators.
WORD_RE = re.compile(r"[^\W_]+")

STOP_WORDS_FR = frozenset(
    [
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "dans",
        "de",
        "des",
        "du",
        "elle",
        "en",
        "et",
        "eux",
        "il",
        "je",
        "la",
        "le",
        "les",
        "leur",
        "lui",
        "ma",
        "mais",
        "me",
        "même",
        "mes",
        "moi",
        "mon",
        "ne",
        "nos",
        "notre",
        "nous",
        "on",
        "ou",
        "par",
        "pas",
        "pour",
        "qu",
        "que",
        "qui",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "ta",
        "te",
        "tes",
        "toi",
        "ton",
        "tu",
        "un",
        "une",
        "vos",
        "votre",
        "vous",
        "c",
        "d",
        "j",
        "l",
        "à",
        "m",
        "n",
        "s",
        "t",
        "y",
        "été",
        "est",
        "sont",
        "être",
        "avoir",
        "ai",
        "as",
        "avons",
        "ont",
        "cette",
        "cet",
        "ça",
        "plus",
        "très",
        "pourquoi",
        "quand",
        "quel",
        "quelle",
        "quels",
        "quelles",
        "comme",
        "aussi",
        "donc",
        "alors",
        "dont",
        "où",
        "si",
        "ni",
        "cela",
        "ceci",
        "leurs",
    ]
)
STOP_WORDS_EN = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "he",
        "her",
        "his",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "she",
        "so",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "which",
        "who",
        "will",
        "with",
        "you",
        "your",
        "do",
        "does",
        "did",
        "can",
        "how",
        "why",
        "where",
        "would",
        "should",
        "could",
        "about",
        "than",
        "been",
        "being",
        "also",
        "any",
        "some",
        "such",
        "those",
        "had",
        "am",
        "us",
        "him",
        "here",
    ]
)
STOP_WORDS = frozenset(fold(w) for w in STOP_WORDS_FR | STOP_WORDS_EN)
_FR_MARKERS = frozenset(fold(w) for w in STOP_WORDS_FR) - frozenset(STOP_WORDS_EN)
_EN_MARKERS = frozenset(STOP_WORDS_EN) - frozenset(fold(w) for w in STOP_WORDS_FR)

_french = snowballstemmer.stemmer("french")
_english = snowballstemmer.stemmer("english")


def _fold(text: str) -> str:
    # Same result as people.text.fold for the words we extract; ASCII (most text) skips the
    # per-character Unicode decomposition, which dominated the cost of a reindex.
    return text.casefold() if text.isascii() else fold(text)


def words(text: str) -> list[str]:
    """Folded words of `text`, stop words included (for highlighting and phrases)."""
    return WORD_RE.findall(_fold(text or ""))


@lru_cache(maxsize=50_000)
def stems(word: str) -> tuple[str, ...]:
    """The distinct French and English stems of one folded word."""
    if len(word) < 3 or not word.isalpha():
        # Numbers, versions, identifiers ("x86", "utf8"): nothing a stemmer knows about, and
        # the (pure Python) stemmers are what a reindex of technical text spends its time on.
        return (word,)
    fr = fold(_french.stemWord(word))
    en = fold(_english.stemWord(word))
    return (fr,) if fr == en else (fr, en)


def analyse(text: str) -> list[str]:
    """Index terms of a text: every non-stop word under each of its stems."""
    out: list[str] = []
    for word in words(text):
        if word in STOP_WORDS:
            continue
        out.extend(stems(word))
    return out


# word -> its index terms joined ("" for a stop word): a reindex analyses millions of texts
# drawn from a vocabulary of a few hundred thousand words.
_TERMS: dict[str, str] = {}
_TERMS_MAX = 500_000


def _word_terms(word: str) -> str:
    terms = "" if word in STOP_WORDS else " ".join(stems(word))
    if len(_TERMS) >= _TERMS_MAX:
        _TERMS.clear()
    _TERMS[word] = terms
    return terms


def terms_text(text: str) -> str:
    """analyse(text) as one space-separated string (what the engines index)."""
    get = _TERMS.get
    out = []
    for word in WORD_RE.findall(_fold(text or "")):
        terms = get(word)
        if terms is None:
            terms = _word_terms(word)
        if terms:
            out.append(terms)
    return " ".join(out)


def detect_language(text: str, default: str = "") -> str:
    """A cheap guess, shown to people only: which language's stop words are more frequent."""
    ws = words(text[:4000])
    fr = sum(1 for w in ws if w in _FR_MARKERS)
    en = sum(1 for w in ws if w in _EN_MARKERS)
    if fr == en:
        return default
    return "fr" if fr > en else "en"


class ParsedQuery:
    """A user's query, made safe: only analysed alphanumeric terms survive.

    `groups` holds one tuple of alternative stems per query word (match any of them), every
    word being required. `phrases` are the folded quoted parts, used for a ranking boost.
    """

    def __init__(self, raw: str | None):
        raw = (raw or "").replace("\x00", " ")[:MAX_QUERY_CHARS]
        self.raw = raw.strip()
        self.phrases = [" ".join(words(p)) for p in re.findall(r'"([^"]+)"', raw) if words(p)]
        groups: list[tuple[str, ...]] = []
        for word in words(raw):
            if word in STOP_WORDS:
                continue
            group = stems(word)
            if group not in groups:
                groups.append(group)
        self.groups = groups[:MAX_QUERY_TERMS]

    def only(self, groups) -> "ParsedQuery":
        """The same query restricted to some of its words."""
        part = ParsedQuery(None)
        part.raw, part.phrases, part.groups = self.raw, self.phrases, list(groups)
        return part

    @property
    def empty(self) -> bool:
        return not self.groups

    @property
    def stem_set(self) -> set[str]:
        return {s for g in self.groups for s in g}

    def fts5(self, mode: str = "and") -> str:
        """FTS5 MATCH expression: every term double-quoted (terms are alphanumeric anyway)."""
        parts = ["(" + " OR ".join(f'"{s}"' for s in g) + ")" for g in self.groups]
        return (" AND " if mode == "and" else " OR ").join(parts)

    def tsquery(self, mode: str = "and", weight: str = "") -> str:
        """to_tsquery('simple', …) text built from analysed terms only; weight "A" restricts
        every term to titles."""
        weight = f":{weight}" if weight else ""
        parts = ["(" + " | ".join(f"'{s}'{weight}" for s in g) + ")" for g in self.groups]
        return (" & " if mode == "and" else " | ").join(parts)
