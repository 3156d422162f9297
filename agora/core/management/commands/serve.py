"""`agora serve`: Agora behind granian's WSGI server (plain pages and the API are several
times faster under WSGI than ASGI on these machines)."""

import os
import shutil
import sys

from django.core.management.base import BaseCommand

from agora.people.demo import DEMO_ACCOUNTS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Serve Agora with a production-grade WSGI server (granian)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("AGORA_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("AGORA_PORT", 8000)))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", 2)))
        parser.add_argument("--quiet", action="store_true", help="don't print the demo logins")

    def handle(self, *args, host, port, workers, quiet, **options):
        from django.contrib.auth import get_user_model

        url = f"http://{host}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"\nAgora is starting at {url}"))
        if not quiet:
            emails = set(
                get_user_model()
                .objects.filter(email__in=[e for _role, e, _kind in DEMO_ACCOUNTS])
                .values_list("email", flat=True)
            )
            if emails:
                self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
                for role, email, _kind in DEMO_ACCOUNTS:
                    if email in emails:
                        self.stdout.write(f"  {role:<18} {email}")
        self.stdout.write(f"API docs: {url}api/v1/docs   ·   Ctrl-C to stop\n")
        self.stdout.flush()
        granian = shutil.which("granian") or os.path.join(
            os.path.dirname(sys.executable), "granian"
        )
        argv = [
            granian,
            "--interface",
            "wsgi",
            "--host",
            host,
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--blocking-threads",
            "4",
            "--no-ws",
            "--log-level",
            "warning",
            "agora.wsgi:application",
        ]
        os.execv(granian, argv)
