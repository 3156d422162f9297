"""Text analysis shared by indexing and querying, identical on every database.

Words are folded (case, accents), stop words dropped, and each remaining word is indexed under
both its French and its English Snowball stem, so a query in either language matches documents
in either language. The engines (FTS5, PostgreSQL 'simple') then only see pre-analysed terms,
which is why both databases return the same documents.

Search-as-you-type (ParsedQuery's `prefix`, used by the header's suggestions only): the word
being typed is folded, not stemmed, and matches the index terms it starts (see _prefix_group).
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


# Search-as-you-type: the last word of a text that does not end with a space is still being
# typed, and matches as a prefix of the index terms (from this many characters on; shorter, it
# is an ordinary word). In a group a prefix term ends with PREFIX_MARK, which no analysed term
# holds (terms are letters and digits only).
MIN_PREFIX_CHARS = 3
PREFIX_MARK = "*"


def is_prefix(term: str) -> bool:
    return term.endswith(PREFIX_MARK)


def _prefix_group(word: str) -> tuple[str, ...]:
    """The terms of a word being typed: the word as a prefix of the index terms, and its stems
    as whole terms for the stems that do not start with it ("kubernetes" is indexed as
    "kubernet"). The prefix is folded but not stemmed: index terms are stems, which are mostly
    prefixes of their words, so the typed letters find them ("proj" finds "projet" and
    "project", "develop" finds "developp" and "developer"); a stemmed prefix would cut a
    partial word at random places. A stop word may be the start of a longer word ("les" of
    "lesson"): it keeps its prefix, stop words themselves are not indexed."""
    exact = () if word in STOP_WORDS else stems(word)
    return (*(s for s in exact if not s.startswith(word)), word + PREFIX_MARK)


class ParsedQuery:
    """A user's query, made safe: only analysed alphanumeric terms survive.

    `groups` holds one tuple of alternative stems per query word (match any of them), every
    word being required. `phrases` are the folded quoted parts, used for a ranking boost.
    `prefix` (search-as-you-type): when the text does not end with a space its last word, of
    MIN_PREFIX_CHARS or more, also matches as a prefix (see _prefix_group); its group is last.
    """

    def __init__(self, raw: str | None, prefix: bool = False):
        raw = (raw or "").replace("\x00", " ")[:MAX_QUERY_CHARS]
        self.raw = raw.strip()
        self.phrases = [" ".join(words(p)) for p in re.findall(r'"([^"]+)"', raw) if words(p)]
        found = words(raw)
        typing = None
        if prefix and found and not raw[-1].isspace() and len(found[-1]) >= MIN_PREFIX_CHARS:
            typing = found.pop()
        groups: list[tuple[str, ...]] = []
        for word in found:
            if word in STOP_WORDS:
                continue
            group = stems(word)
            if group not in groups:
                groups.append(group)
        if typing is None:
            self.groups = groups[:MAX_QUERY_TERMS]
        else:
            self.groups = [*groups[: MAX_QUERY_TERMS - 1], _prefix_group(typing)]

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
        """Every term of the query, prefixes included (is_prefix)."""
        return {s for g in self.groups for s in g}

    def fts5(self, mode: str = "and") -> str:
        """FTS5 MATCH expression: every term double-quoted (terms are alphanumeric anyway), a
        prefix followed by FTS5's "*"."""
        parts = ["(" + " OR ".join(fts5_term(s) for s in g) + ")" for g in self.groups]
        return (" AND " if mode == "and" else " OR ").join(parts)

    def tsquery(self, mode: str = "and", weight: str = "") -> str:
        """to_tsquery('simple', …) text built from analysed terms only, a prefix marked ":*";
        weight "A" restricts every term to titles."""
        parts = ["(" + " | ".join(tsquery_term(s, weight) for s in g) + ")" for g in self.groups]
        return (" & " if mode == "and" else " | ").join(parts)

    @property
    def has_prefix(self) -> bool:
        return any(is_prefix(t) for g in self.groups for t in g)


def fts5_term(term: str) -> str:
    """One query term (a stem or a prefix) in FTS5's syntax."""
    if is_prefix(term):
        return f'"{term[:-1]}"*'
    return f'"{term}"'


def tsquery_term(term: str, weight: str = "") -> str:
    """One query term (a stem or a prefix) in to_tsquery's syntax."""
    if is_prefix(term):
        return f"'{term[:-1]}':*{weight}"
    return f"'{term}':{weight}" if weight else f"'{term}'"
