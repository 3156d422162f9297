import sys
import time
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from agora.qa.importer import LICENSE, import_dump
from agora.qa.importer.fields import parse_datetime


def _moment(value: str) -> datetime:
    try:
        return parse_datetime(value)
    except ValueError:
        raise CommandError(
            f"--before: {value!r} is not an ISO date or date-time (2016-09-01 or "
            "2016-09-01T12:00:00, UTC unless an offset is given)"
        ) from None


class Progress:
    """One bar on stderr per file, redrawn in place a few times a second."""

    WIDTH = 30

    def __init__(self, stream):
        self.stream = stream
        self.label = None
        self.drawn_at = 0.0

    def __call__(self, label: str, done: int, total: int) -> None:
        now = time.monotonic()
        finished = total and done >= total
        if label == self.label and not finished and now - self.drawn_at < 0.2:
            return
        if self.label is not None and label != self.label:
            self.stream.write("\n")
        self.label, self.drawn_at = label, now
        filled = int(self.WIDTH * done / total) if total else self.WIDTH
        percent = 100 * done // total if total else 100
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\r{label:<14} [{bar}] {percent:>3}%")
        self.stream.flush()

    def close(self) -> None:
        if self.label is not None:
            self.stream.write("\n")
            self.stream.flush()


class Command(BaseCommand):
    help = (
        "Import a Stack Exchange data dump (Posts.xml, and Users.xml, Comments.xml, "
        "PostLinks.xml, Votes.xml when present) as questions, answers, comments and inactive "
        "accounts. Running it again imports only what is new. Stack Exchange content is "
        f"licensed {LICENSE}: the source and author of every question and answer are kept and "
        "shown."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="Directory holding the dump's XML files.")
        parser.add_argument(
            "--community",
            help="Put the questions in this community (created, open, if missing) instead of "
            "on their authors' profiles.",
        )
        parser.add_argument(
            "--site",
            help="The site's name for attribution and links (default: the directory's name, "
            "e.g. ai.stackexchange.com).",
        )
        parser.add_argument(
            "--before",
            type=_moment,
            help="Import only what was created before this date or date-time (UTC).",
        )
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--no-index", action="store_true", help="Do not index the imported content."
        )
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args, directory, community, site, before, batch_size, no_index, **options):
        verbosity = options.get("verbosity", 1)
        quiet = options.get("quiet") or verbosity == 0
        stderr = getattr(self.stderr, "_out", sys.stderr)
        progress = None if quiet else Progress(stderr)
        try:
            summary = import_dump(
                directory,
                site=site,
                community=community,
                before=before,
                index=not no_index,
                batch_size=batch_size,
                progress=progress,
            )
        except FileNotFoundError as error:
            raise CommandError(str(error)) from None
        finally:
            if progress is not None:
                progress.close()
        if verbosity == 0:
            return
        self.stdout.write(
            f"Imported {summary.site} ({LICENSE}: source and author kept on every question "
            "and answer)."
        )
        for line in summary.lines(show_malformed=1000 if verbosity >= 2 else 20):
            self.stdout.write(line)
