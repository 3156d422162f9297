from django.core.management.base import BaseCommand

from agora.people import follow_counts


class Command(BaseCommand):
    help = "Recount every profile's followers and following (a repair after bulk loads)."

    def handle(self, *args, **options):
        n = follow_counts.recount()
        self.stdout.write(f"{n} profiles recounted")
