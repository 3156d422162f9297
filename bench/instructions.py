"""CPU per request of the read endpoints, in one process, through Django's WSGI handler (no
server, no test client): instructions counted by valgrind (repeatable on a loaded machine)
or CPU time, and on PostgreSQL the CPU of the database backend serving the process.

    # instructions per request (callgrind), every endpoint:
    .venv/bin/python bench/instructions.py --database-url URL --manifest M
    # CPU ms per request, web process and PostgreSQL backend (interleaved rounds):
    .venv/bin/python bench/instructions.py --database-url URL --manifest M --cpu
    # the same for another checkout (e.g. `git archive <commit> agora | tar -x -C /tmp/old`):
    .venv/bin/python bench/instructions.py ... --root /tmp/old

Instructions: each endpoint runs in two valgrind processes after 20 warm-up requests, with
instrumentation switched on only around N1 and N2 requests (callgrind_control); the count
per request is the difference divided by N2 - N1, so start-up and the switching cancel out.
It counts the Python process only (with SQLite's engine inside it), not the kernel, nor the
PostgreSQL backend: `--cpu` reads that one's CPU from /proc/<pid>/schedstat.
The requests carry the first sample user's bearer token, as bench/run.py's do.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent


def endpoints(m: dict) -> dict[str, str]:
    post = m["post_with_50_comments"]
    return {
        "healthz": "/healthz",
        "home": "/api/v1/feed/home",
        "home_deep": "",  # filled in: page 6 of the home feed
        "community": f"/api/v1/communities/{m['community']['slug']}/feed",
        "post": f"/api/v1/posts/{post}",
        "comments": f"/api/v1/posts/{post}/comments?limit=50",
        "profile_api": f"/api/v1/users/{m['celebrity']['username']}",
        # web pages, signed in with a session cookie instead of the token
        "profile_web": f"session:/people/{m['celebrity']['username']}/",
        "home_web": "session:/",
    }


def setup(args):
    m = json.loads(Path(args.manifest).read_text())
    os.environ.update(
        DATABASE_URL=args.database_url,
        AGORA_DATA_DIR=m.get("data_dir") or str(Path(args.manifest).resolve().parent),
        DJANGO_SETTINGS_MODULE="agora.settings",
        ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    sys.path.insert(0, str(Path(args.root).resolve()))
    from django.db import connection

    from agora.wsgi import application

    connection.settings_dict["CONN_MAX_AGE"] = None  # one backend for the whole run
    token = m["sample_users"][0]["token"]
    session_cookie = _session_cookie(m["sample_users"][0]["id"])

    def call(path: str) -> tuple[str, bytes]:
        session = path.startswith("session:")
        path, _, query = path.removeprefix("session:").partition("?")
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query,
            "SCRIPT_NAME": "", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "127.0.0.1:8000",
            "HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT": "*/*",
            "wsgi.input": io.BytesIO(b""), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
            "wsgi.multithread": True, "wsgi.multiprocess": True, "wsgi.run_once": False,
            "wsgi.version": (1, 0),
        }  # fmt: skip
        if session:
            del environ["HTTP_AUTHORIZATION"]
            environ["HTTP_COOKIE"] = session_cookie
        status = []
        body = application(environ, lambda s, headers, exc_info=None: status.append(s))
        content = b"".join(body)
        body.close()
        return status[0], content

    eps = endpoints(m)
    cursor = None
    for _ in range(5):
        _status, content = call("/api/v1/feed/home" + (f"?cursor={cursor}" if cursor else ""))
        cursor = quote(json.loads(content)["next_cursor"])
    eps["home_deep"] = f"/api/v1/feed/home?cursor={cursor}"
    return call, eps, connection


def _session_cookie(user_id: int) -> str:
    """A signed-in session for the sample user, as the browser would send it."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(pk=user_id))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def run_counted(args) -> None:
    """Inside valgrind: warm up, then N requests with instrumentation on."""
    call, eps, _connection = setup(args)
    path = eps[args.counted]
    for _ in range(20):
        status, content = call(path)
    assert status.startswith("200"), (status, content[:300])
    pid = str(os.getpid())
    subprocess.run(["callgrind_control", "-i", "on", pid], check=True, capture_output=True)
    for _ in range(args.n):
        call(path)
    subprocess.run(["callgrind_control", "-i", "off", pid], check=True, capture_output=True)


def instructions(args, key: str, n1: int = 10, n2: int = 50) -> float:
    counts = []
    for n in (n1, n2):
        with tempfile.TemporaryDirectory() as tmp:
            out = subprocess.run(
                [
                    "valgrind", "--tool=callgrind", "--instr-atstart=no",
                    f"--callgrind-out-file={tmp}/out", sys.executable, __file__,
                    "--database-url", args.database_url, "--manifest", args.manifest,
                    "--root", args.root, "--counted", key, "--n", str(n),
                ],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
        found = re.search(r"Collected : (\d+)", out.stderr)
        if not found:
            sys.exit(f"valgrind failed for {key}:\n{out.stderr[-2000:]}")
        counts.append(int(found.group(1)))
    return (counts[1] - counts[0]) / (n2 - n1)


def cpu(args) -> None:
    call, eps, connection = setup(args)
    backend = None
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("SELECT pg_backend_pid()")
            backend = Path(f"/proc/{c.fetchone()[0]}/schedstat")

    def backend_ns() -> int:
        return int(backend.read_text().split()[0]) if backend else 0

    keys = [k for k in eps if not args.only or k in args.only]
    for key in keys:
        for _ in range(10):
            call(eps[key])
    web, db = {k: [] for k in keys}, {k: [] for k in keys}
    for _ in range(args.rounds):
        for key in keys:
            c0, d0 = time.process_time(), backend_ns()
            for _ in range(args.n):
                call(eps[key])
            web[key].append((time.process_time() - c0) / args.n * 1000)
            db[key].append((backend_ns() - d0) / args.n / 1e6)
    print(f"{'endpoint':<12} {'web ms':>7} {'db ms':>7}   (medians of {args.rounds} × {args.n})")
    for key in keys:
        print(f"{key:<12} {statistics.median(web[key]):7.3f} {statistics.median(db[key]):7.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--manifest", required=True, help="the dataset's manifest.json")
    parser.add_argument("--root", default=str(ROOT), help="checkout whose agora/ is measured")
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--cpu", action="store_true", help="CPU time instead of instructions")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--counted", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.counted:
        run_counted(args)
    elif args.cpu:
        cpu(args)
    else:
        m = json.loads(Path(args.manifest).read_text())
        for key in endpoints(m):
            if not args.only or key in args.only:
                print(
                    f"{key:<12} {instructions(args, key):>12,.0f} instructions/request", flush=True
                )


if __name__ == "__main__":
    main()
