"""`agora send_digests`: send the notification e-mail digests that are due (cron-able).

With --schedule, don't send now: make sure the background worker has the periodic digest
task queued (every AGORA_DIGEST_INTERVAL seconds, default one hour).
"""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Send the notification e-mail digests that are due, one mail per person."

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="queue the periodic digest task for the worker instead of sending now",
        )

    def handle(self, *args, schedule=False, **options):
        if schedule:
            from agora.notifications.tasks import digest_interval, ensure_scheduled

            result = ensure_scheduled(delay=0)
            if result is None:
                self.stdout.write("The digest task is already scheduled (or tasks run inline).")
            else:
                self.stdout.write(
                    f"Digest task queued; it will repeat every {digest_interval()} seconds."
                )
            return
        from agora.notifications.digest import send_all

        sent = send_all()
        self.stdout.write(f"{sent} digest(s) sent.")
