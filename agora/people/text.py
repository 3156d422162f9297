import re
import unicodedata


def fold(text: str) -> str:
    """Case- and accent-insensitive key: "Développement  Web" -> "developpement web"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", stripped.casefold()).strip()


def initials(name: str) -> str:
    parts = [p for p in re.split(r"[\s\-_.]+", name or "") if p]
    letters = "".join(p[0] for p in parts[:2]) or "?"
    return letters.upper()
