import time

from django.core.management.base import BaseCommand

from agora.experts import index


class Command(BaseCommand):
    help = (
        "Bring the expert finder's evidence index up to date: index the authors of answers "
        "created since the last run (imports create answers without signals), or --rebuild "
        "everything."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="Rebuild from scratch.")

    def handle(self, *args, rebuild=False, **options):
        started = time.monotonic()
        people = index.rebuild() if rebuild else index.catch_up()
        self.stdout.write(f"{people} people indexed in {time.monotonic() - started:.1f} s")
