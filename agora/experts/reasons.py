"""Why someone is suggested as an expert, as data and as words.

`from_evidence` turns a person's evidence (ranking._evidence) into reasons that say nothing in
any language: small dicts, JSON as they are, stored with a routed question's requests
(qa.ExpertRequest.reasons). `word` says them in the active language, relative times computed
when they are shown, so the same stored reasons read "3 weeks ago" to an English reader and
"il y a 3 semaines" to a French one, and age as time passes.

A reason is one of:

- {"kind": "accepted_on_tag", "count": 12, "tag": "kubernetes", "last_at": ISO 8601}
- {"kind": "answers_on_tag", "count": 3, "tag": "kubernetes", "last_at": ISO 8601}
- {"kind": "similar_questions"}
- {"kind": "skill", "skill": "Terraform", "level": 3, "endorsements": 1}
- {"kind": "answers_total", "count": 5, "accepted": 2, "last_at": ISO 8601}

`last_at` is the most recent evidence behind the reason (the latest answer on the tag, the
latest answer at all). Kinds `word` does not know, or broken dicts, are left out.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

log = logging.getLogger(__name__)

# Evidence younger than this reads "just now" (timesince would say "0 minutes").
JUST_NOW = dt.timedelta(minutes=1)
# Tags given as reasons, the ones with the most accepted answers first.
MAX_TAGS = 2


def from_evidence(e: dict) -> list[dict]:
    """The reasons behind a person's evidence, as data (see the module's docstring)."""
    reasons: list[dict] = []
    tags = sorted(e["tags"].items(), key=lambda kv: (-kv[1]["accepted"], -kv[1]["answers"]))
    for tag, t in tags[:MAX_TAGS]:
        if t["accepted"]:
            reasons.append(
                {
                    "kind": "accepted_on_tag",
                    "count": t["accepted"],
                    "tag": tag,
                    "last_at": t["last_answer_at"],
                }
            )
        else:
            reasons.append(
                {
                    "kind": "answers_on_tag",
                    "count": t["answers"],
                    "tag": tag,
                    "last_at": t["last_answer_at"],
                }
            )
    if e["text_match"] >= 0.5:
        reasons.append({"kind": "similar_questions"})
    for skill in e["skills"]:
        reasons.append(
            {
                "kind": "skill",
                "skill": skill["name"],
                "level": skill["level"],
                "endorsements": skill["endorsements"],
            }
        )
    if e["answers"]:
        reasons.append(
            {
                "kind": "answers_total",
                "count": e["answers"],
                "accepted": e["accepted"],
                "last_at": e["last_answer_at"],
            }
        )
    return reasons


def word(reasons, now=None) -> list[str]:
    """`reasons` (data) in the active language; relative times as of `now` (default: now)."""
    now = now or timezone.now()
    out = []
    for reason in reasons or ():
        try:
            text = _word_one(reason, now)
        except (AttributeError, KeyError, TypeError, ValueError):
            log.warning("unreadable expert reason %r", reason)
            continue
        if text:
            out.append(text)
    return out


def word_one(reason, now=None) -> str:
    """One reason in the active language ("" when it cannot be read)."""
    worded = word([reason], now)
    return worded[0] if worded else ""


def _when(iso: str) -> dt.datetime:
    when = dt.datetime.fromisoformat(iso)
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _is_just_now(when: dt.datetime, now: dt.datetime) -> bool:
    # A clock a little ahead (evidence "in the future") is "just now" too.
    return now - when < JUST_NOW


def _recency(when: dt.datetime, now: dt.datetime) -> str:
    """How long ago the latest evidence is, as of `now`: "3 weeks ago", or "just now"."""
    if _is_just_now(when, now):
        return _("just now")
    return _("%(time)s ago") % {"time": timesince(when, now, depth=1)}


def _word_one(reason: dict, now: dt.datetime) -> str:
    kind = reason["kind"]
    if kind in ("accepted_on_tag", "answers_on_tag"):
        n, tag = int(reason["count"]), str(reason["tag"])
        when = _recency(_when(reason["last_at"]), now)
        if kind == "accepted_on_tag":
            return ngettext(
                "%(n)d accepted answer on %(tag)s, most recent %(when)s",
                "%(n)d accepted answers on %(tag)s, most recent %(when)s",
                n,
            ) % {"n": n, "tag": tag, "when": when}
        return ngettext(
            "%(n)d answer on %(tag)s, most recent %(when)s",
            "%(n)d answers on %(tag)s, most recent %(when)s",
            n,
        ) % {"n": n, "tag": tag, "when": when}
    if kind == "similar_questions":
        return _("Answered questions much like this one")
    if kind == "skill":
        from agora.people.models import ProfileSkill

        name, endorsements = str(reason["skill"]), int(reason.get("endorsements") or 0)
        level = str(ProfileSkill.Level(int(reason["level"])).label)
        if endorsements:
            return ngettext(
                "Skill: %(skill)s (%(level)s), endorsed by %(n)d colleague",
                "Skill: %(skill)s (%(level)s), endorsed by %(n)d colleagues",
                endorsements,
            ) % {"skill": name, "level": level, "n": endorsements}
        return _("Skill: %(skill)s (%(level)s)") % {"skill": name, "level": level}
    if kind == "answers_total":
        n, accepted = int(reason["count"]), int(reason.get("accepted") or 0)
        return ngettext(
            "%(n)d answer in all (%(acc)d accepted), the latest %(when)s",
            "%(n)d answers in all (%(acc)d accepted), the latest %(when)s",
            n,
        ) % {"n": n, "acc": accepted, "when": _recency(_when(reason["last_at"]), now)}
    return ""
