import time

from django.core.management.base import BaseCommand

from agora.search.indexing import reindex_all


class Command(BaseCommand):
    help = (
        "Rebuild the search index from scratch, in batches, with a progress bar; then build "
        "the full-text index in one pass and refresh the planner statistics."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args, batch_size=2000, quiet=False, **options):
        started = time.monotonic()
        stream = self.stderr

        def progress(done, total, label):
            if quiet:
                return
            width = 30
            filled = int(width * done / total) if total else width
            bar = "#" * filled + "-" * (width - filled)
            stream.write(f"\r[{bar}] {done}/{total} {label:<10}", ending="")
            stream.flush()

        count = reindex_all(progress=progress, batch_size=max(1, batch_size))
        if not quiet:
            stream.write("")
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Indexed {count} objects in {elapsed:.1f}s ({count / max(elapsed, 1e-9):,.0f}/s)."
        )
