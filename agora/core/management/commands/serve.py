"""`agora serve`: Agora behind granian's WSGI server (plain pages and the API are several
times faster under WSGI than ASGI on these machines), with the background-task worker
(`agora db_worker`, django-tasks' database backend) beside it so fan-out to large audiences,
notification digests and other tasks run.

Both run as child processes of this command: SIGINT and SIGTERM are forwarded to them, and
when either one exits the other is stopped and `serve` exits too (with the status of the one
that died first, or 0 after a requested shutdown). `--no-worker` serves without the worker
(when workers run elsewhere, e.g. `agora db_worker` on another machine).
"""

import os
import shutil
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand

from agora.people.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

STOP_TIMEOUT = 15  # seconds a child gets to finish its requests / its task before SIGKILL

# One thread per worker process by default. Measured on 2 cores with PostgreSQL beside
# (bench/README.md, fourth pass): 2 workers × 1 thread served the home feed at 1,900 req/s with
# a p99 of 24 ms at 32 connections, × 2 threads 1,713 req/s (p99 69 ms), × 4 threads
# 1,258-1,316 (p99 77-83 ms). Threads of one process share the GIL: each database round trip
# hands it to another request's thread, so requests interleave, each takes longer and the
# tail grows. More threads help when requests wait on something slow other than the CPU (a
# slow client with no reverse proxy buffering in front, a remote mail server): raise
# WEB_THREADS then; WEB_WORKERS is best left at the number of cores.
DEFAULT_WORKERS = 2
DEFAULT_THREADS = 1


class Command(BaseCommand):
    help = "Serve Agora with a production-grade WSGI server (granian) and the task worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("AGORA_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("AGORA_PORT", 8000)))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_WORKERS", DEFAULT_WORKERS))
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("WEB_THREADS", DEFAULT_THREADS)),
            help="threads per web worker (granian --blocking-threads)",
        )
        parser.add_argument("--quiet", action="store_true", help="don't print the demo logins")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="don't start the background-task worker (`agora db_worker`) beside the server",
        )
        parser.add_argument(
            "--worker-interval",
            type=float,
            default=float(os.environ.get("AGORA_WORKER_INTERVAL", 0.1)),
            help="seconds the idle worker waits before looking for new tasks again "
            "(default 0.1: a post to a large audience reaches every feed well within 2 s)",
        )

    def handle(
        self, *args, host, port, workers, threads, quiet, no_worker, worker_interval, **options
    ):
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
        if no_worker:
            self.stdout.write("No background worker (--no-worker): run `agora db_worker` yourself.")
        self.stdout.flush()

        env = os.environ.copy()
        env.setdefault("DJANGO_SETTINGS_MODULE", "agora.settings")
        commands = {"web server": self._granian_argv(host, port, workers, threads)}
        if not no_worker:
            from agora.notifications.tasks import ensure_scheduled

            ensure_scheduled()  # the hourly e-mail digest keeps itself going from here
            from agora.qa.tasks import ensure_scheduled as schedule_escalation

            schedule_escalation()  # unanswered questions: ask the next experts after a delay
            commands["task worker"] = self._worker_argv(worker_interval, options["verbosity"])
        sys.exit(self._supervise(commands, env))

    def _granian_argv(self, host, port, workers, threads) -> list[str]:
        granian = shutil.which("granian") or os.path.join(
            os.path.dirname(sys.executable), "granian"
        )
        return [
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
            str(threads),
            "--no-ws",
            "--log-level",
            "warning",
            "agora.wsgi:application",
        ]

    def _worker_argv(self, interval: float, verbosity: int) -> list[str]:
        return [
            sys.executable,
            "-m",
            "django",
            "db_worker",
            "--queue-name",
            "*",  # every queue: fan-out, notifications, digests
            "--interval",
            str(interval),
            "--no-reload",
            "--no-startup-delay",
            # the worker logs a line per task at -v1: quiet unless `serve -v2`
            "--verbosity",
            str(max(0, verbosity - 1)),
        ]

    def _supervise(self, commands: dict[str, list[str]], env: dict) -> int:
        """Start the children, forward SIGINT/SIGTERM, stop all when one exits."""
        children: dict[str, subprocess.Popen] = {}
        requested: list[int] = []

        def forward(signum, _frame):
            requested.append(signum)
            for child in children.values():
                if child.poll() is None:
                    child.send_signal(signum)

        previous = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            for name, argv in commands.items():
                # Their own process group: a Ctrl-C in the terminal reaches them once, through
                # us, rather than twice (the worker takes a second SIGINT as "kill the task").
                children[name] = subprocess.Popen(argv, env=env, process_group=0)  # noqa: S603
            while True:
                for name, child in children.items():
                    code = child.poll()
                    if code is not None:
                        return self._stop_all(children, name, code, requested)
                time.sleep(0.2)
        finally:
            for child in children.values():
                if child.poll() is None:
                    child.kill()
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _stop_all(self, children, first: str, code: int, requested: list[int]) -> int:
        if not requested:
            self.stderr.write(f"The {first} exited (status {code}): stopping Agora.")
        for child in children.values():
            if child.poll() is None:
                child.send_signal(requested[-1] if requested else signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        if requested:
            return 0
        return code if code else 1
