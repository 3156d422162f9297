"""Accounts for the people of a dump.

Each source user who wrote something imported becomes an inactive employee account: username
`se-<site>-<id>`, no e-mail address (so nothing is ever sent to anybody), an unusable
password; an administrator can later hand it to its owner (who sets an e-mail and a password).
Their questions and answers make them findable by the expert finder, which reads the
`ImportedRecord` of kind "user" (and reports its source id).

Posts of deleted users (no OwnerUserId) and of the site's "Community" bot (ids <= 0) are given
to one placeholder account per site, which is not an imported person (no `ImportedRecord`),
so it never shows as an expert; the name shown on the source stays in the attribution.

Users.xml is read twice: once up front for the small fields (name, place, date), and at the end
for the "about me" of the accounts just created, so memory does not grow with the biographies
of everybody on the site.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.utils import timezone
from django.utils.translation import gettext as _

from agora.people.models import Profile
from agora.people.text import fold

from .context import ImportContext, Kind
from .fields import BadField, optional_date, optional_int, required_int
from .inserts import insert, update
from .markdown import html_to_markdown
from .rows import Malformed, read_rows
from .sanitize import safe_html

USERS_FILE = "Users.xml"
MAX_NAME = 120
MAX_BIO = 10_000


@dataclass(slots=True)
class SourceUser:
    display_name: str
    location: str
    created: datetime | None
    reputation: int | None


class People:
    def __init__(self, ctx: ImportContext):
        self.ctx = ctx
        self.known: dict[int, SourceUser] = {}
        self.created_now: list[int] = []  # source ids of accounts this run created
        self.seen: set[int] = set()  # source ids referenced by this run's rows
        self._placeholder_id: int | None = None
        self.path = ctx.file(USERS_FILE)
        if self.path is not None:
            self._read_users()

    # --- reading Users.xml --------------------------------------------------------------------

    def _read_users(self) -> None:
        total = self.path.stat().st_size
        for row in read_rows(self.path, self.ctx.reporter(USERS_FILE, total)):
            if isinstance(row, Malformed):
                self.ctx.summary.bad_row(USERS_FILE, row.line, row.reason)
                continue
            try:
                source_id = required_int(row.attrs, "Id")
                created = optional_date(row.attrs, "CreationDate")
                reputation = optional_int(row.attrs, "Reputation")
            except BadField as error:
                self.ctx.summary.bad_row(USERS_FILE, row.line, str(error))
                continue
            self.known[source_id] = SourceUser(
                display_name=(row.attrs.get("DisplayName") or "").strip()[:MAX_NAME],
                location=(row.attrs.get("Location") or "").strip()[:MAX_NAME],
                created=created,
                reputation=reputation,
            )

    # --- names --------------------------------------------------------------------------------

    def display_name(self, source_id: int | None, shown_name: str = "") -> str:
        """The author's name as the source showed it (for the attribution)."""
        if source_id is not None:
            known = self.known.get(source_id)
            if known is not None and known.display_name:
                return known.display_name
        if shown_name:
            return shown_name[:200]
        if source_id is None:
            return "deleted user"
        return f"user{source_id}"

    def username(self, source_id: int) -> str:
        return f"se-{self.ctx.slug}-{source_id}"

    # --- accounts -----------------------------------------------------------------------------

    def account_of(self, source_id: int | None) -> int:
        """The Agora user id for a source user id (which `ensure` has created)."""
        if source_id is None or source_id <= 0:
            return self.placeholder()
        return self.ctx.mapping.ids[Kind.USER][source_id]

    def ensure(self, first_seen: dict[int | None, datetime]) -> None:
        """Create the accounts of the source users in `first_seen` (id -> date of their first
        row) that do not exist yet: a few bulk queries for the whole batch."""
        users = self.ctx.mapping.ids[Kind.USER]
        missing = sorted(i for i in first_seen if i is not None and i > 0 and i not in users)
        if any(i is None or i <= 0 for i in first_seen):
            self.placeholder()
        for source_id in first_seen:
            self.note(source_id)
        if not missing:
            return
        accounts = []
        for source_id in missing:
            known = self.known.get(source_id)
            name = (known.display_name if known else "") or f"user{source_id}"
            created = (known.created if known else None) or first_seen[source_id]
            accounts.append(
                (self.username(source_id), name, known.location if known else "", created)
            )
        ids = _insert_accounts(accounts)
        self.ctx.mapping.record(Kind.USER, [(s, ids[self.username(s)]) for s in missing])
        self.created_now.extend(missing)
        self.ctx.summary.imported["users"] += len(missing)

    def note(self, source_id: int | None) -> None:
        """A row of this run names this source user: count the account as already there
        (once) if an earlier run created it."""
        if source_id is not None and source_id > 0 and source_id not in self.seen:
            self.seen.add(source_id)
            if source_id in self.ctx.mapping.ids[Kind.USER]:
                self.ctx.summary.existing["users"] += 1

    def placeholder(self) -> int:
        if self._placeholder_id is None:
            username = f"se-{self.ctx.slug}-deleted"
            existing = get_user_model().objects.filter(username=username).first()
            if existing is not None:
                self._placeholder_id = existing.pk
            else:
                name = (_("Deleted user (%(site)s)") % {"site": self.ctx.site})[:MAX_NAME]
                ids = _insert_accounts([(username, name, "", timezone.now())])
                self._placeholder_id = ids[username]
        return self._placeholder_id

    # --- biographies --------------------------------------------------------------------------

    def fill_biographies(self) -> int:
        """The "about me" of the accounts created by this run, from a second pass on Users.xml."""
        if self.path is None or not self.created_now:
            return 0
        wanted = set(self.created_now)
        users = self.ctx.mapping.ids[Kind.USER]
        batch: list[tuple[int, str, str]] = []
        done = 0
        for row in read_rows(self.path):
            if isinstance(row, Malformed):
                continue  # reported on the first pass
            about = row.attrs.get("AboutMe") or ""
            try:
                source_id = required_int(row.attrs, "Id")
            except BadField:
                continue
            if source_id not in wanted or not about.strip():
                continue
            bio = html_to_markdown(about)[:MAX_BIO]
            batch.append((users[source_id], bio, safe_html(about)))
            if len(batch) >= self.ctx.batch_size:
                done += _save_bios(batch)
        done += _save_bios(batch)
        return done


def _save_bios(batch: list[tuple[int, str, str]]) -> int:
    count = len(batch)
    update(Profile, ["bio", "bio_html"], batch)
    batch.clear()
    return count


def _insert_accounts(accounts: list[tuple[str, str, str, datetime]]) -> dict[str, int]:
    """(username, display name, location, joined) -> inactive accounts with their profiles,
    bypassing the post_save signal (which would create the profiles one by one)."""
    user_model = get_user_model()
    wanted = [a[0] for a in accounts]
    taken = set(user_model.objects.filter(username__in=wanted).values_list("username", flat=True))
    final_names = {}
    for username in wanted:
        final_names[username] = _free_name(username, taken) if username in taken else username
    created = insert(
        user_model,
        [
            {
                "username": final_names[username],
                "email": "",
                # what make_password(None) gives, without its slow random string per account
                "password": UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
                "is_active": False,
                "kind": user_model.Kind.EMPLOYEE,
                "date_joined": joined,
            }
            for username, _name, _location, joined in accounts
        ],
    )
    ids = dict(zip(wanted, created, strict=True))
    insert(
        Profile,
        [
            {
                "user_id": ids[username],
                "display_name": name,
                "name_key": fold(name)[:120],  # Profile.save() is not called
                "location": location,
                "created_at": joined,
            }
            for username, name, location, joined in accounts
        ],
        returning=False,
    )
    return ids


def _free_name(username: str, taken: set[str]) -> str:
    """Somebody already has this username (not an import of ours): add a number."""
    user_model = get_user_model()
    number = 2
    while True:
        candidate = f"{username}-{number}"
        if candidate not in taken and not user_model.objects.filter(username=candidate).exists():
            taken.add(candidate)
            return candidate
        number += 1
