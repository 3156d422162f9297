"""What an import did, per kind of row: imported, already there, skipped (and why), malformed."""

from collections import Counter
from dataclasses import dataclass, field

# Kept in memory and printed; the count goes on beyond it.
MAX_MALFORMED_KEPT = 1000
KINDS = ("users", "questions", "answers", "comments", "links")


@dataclass
class MalformedRow:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass
class ImportSummary:
    site: str
    imported: Counter = field(default_factory=Counter)
    existing: Counter = field(default_factory=Counter)
    # (kind, reason) -> count
    skipped: Counter = field(default_factory=Counter)
    malformed: list[MalformedRow] = field(default_factory=list)
    malformed_count: int = 0
    missing_files: list[str] = field(default_factory=list)
    indexed: int | None = None
    seconds: float = 0.0
    posts_seconds: float = 0.0

    def bad_row(self, file: str, line: int, reason: str) -> None:
        self.malformed_count += 1
        if len(self.malformed) < MAX_MALFORMED_KEPT:
            self.malformed.append(MalformedRow(file, line, reason))

    def skip(self, kind: str, reason: str, count: int = 1) -> None:
        self.skipped[(kind, reason)] += count

    def skipped_of(self, kind: str) -> int:
        return sum(n for (k, _reason), n in self.skipped.items() if k == kind)

    @property
    def posts_imported(self) -> int:
        return self.imported["questions"] + self.imported["answers"]

    def lines(self, show_malformed: int = 20) -> list[str]:
        out = []
        for kind in KINDS:
            reasons = [(r, n) for (k, r), n in sorted(self.skipped.items()) if k == kind]
            detail = ", ".join(f"{n:,} {r}" for r, n in reasons)
            out.append(
                f"  {kind:<10} {self.imported[kind]:>8,} imported {self.existing[kind]:>8,} "
                f"already there {self.skipped_of(kind):>6,} skipped"
                + (f" ({detail})" if detail else "")
            )
        if self.imported["accepted answers"]:
            out.append(f"  accepted answers set: {self.imported['accepted answers']:,}")
        other = [(k, r, n) for (k, r), n in sorted(self.skipped.items()) if k not in KINDS]
        for kind, reason, n in other:
            out.append(f"  {kind:<10} {n:>8,} skipped ({reason})")
        if self.missing_files:
            out.append("  files not in the dump: " + ", ".join(self.missing_files))
        if self.malformed_count:
            out.append(f"  malformed rows skipped: {self.malformed_count:,}")
            out.extend(f"    {row}" for row in self.malformed[:show_malformed])
            if self.malformed_count > show_malformed:
                out.append(f"    … and {self.malformed_count - show_malformed:,} more")
        if self.indexed is not None:
            out.append(f"  search: {self.indexed:,} objects indexed")
        rate = self.posts_imported / self.posts_seconds if self.posts_seconds else 0
        out.append(
            f"  time: {self.seconds:.1f} s in all; posts {self.posts_seconds:.1f} s "
            f"({rate:,.0f} posts/s)"
        )
        return out
