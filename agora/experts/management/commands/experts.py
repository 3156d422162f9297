import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from agora.experts.services import MAX_LIMIT, find_experts


class Command(BaseCommand):
    help = (
        "Who can help with TEXT? People ranked by the evidence of what they answered, with "
        "why. Without --as, everything in Agora counts (the operator's view); with --as, only "
        "what that person may read."
    )

    def add_arguments(self, parser):
        parser.add_argument("text", nargs="?", default="", help="What you need help with.")
        parser.add_argument("--tags", default="", help="Comma-separated tags, e.g. python,pandas")
        parser.add_argument("--limit", type=int, default=10, help=f"At most {MAX_LIMIT}.")
        parser.add_argument("--json", action="store_true", help="Print JSON.")
        parser.add_argument("--as", dest="as_user", help="Rank as this username would see it.")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help="The language of the reasons (default: the active one, LANGUAGE_CODE).",
        )
        parser.add_argument(
            "--exclude",
            default="",
            help="Comma-separated usernames never to suggest (e.g. the person asking).",
        )

    def handle(self, *args, text, tags, limit, as_user, exclude, language=None, **options):
        as_json = options["json"]
        tag_list = [t.strip() for t in tags.split(",") if t.strip()]
        if not text.strip() and not tag_list:
            raise CommandError("Give a TEXT, --tags, or both.")
        if limit < 1:
            raise CommandError("--limit must be at least 1.")
        User = get_user_model()
        viewer = None
        if as_user:
            viewer = User.objects.filter(username=as_user).first()
            if viewer is None:
                raise CommandError(f"No user {as_user!r}.")
        names = [n.strip() for n in exclude.split(",") if n.strip()]
        excluded = list(User.objects.filter(username__in=names).values_list("pk", flat=True))
        with translation.override(language or translation.get_language()):
            results = find_experts(viewer, text, tag_list, limit=limit, exclude_user_ids=excluded)
        if as_json:
            self._json(results)
        else:
            self._table(results)

    def _json(self, results):
        rows = [
            {
                "rank": i,
                "username": r.user.username,
                "display_name": r.user.profile.display_name,
                "source_id": r.source_id,
                "score": r.score,
                "reasons": r.reasons,
                "reason_data": r.reason_data,
                "evidence": r.evidence,
            }
            for i, r in enumerate(results, 1)
        ]
        self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))

    def _table(self, results):
        if not results:
            self.stdout.write("Nobody found.")
            return
        for i, r in enumerate(results, 1):
            self.stdout.write(
                f"{i:>3}. {r.user.profile.display_name} (@{r.user.username})  {r.score:.2f}"
            )
            for reason in r.reasons:
                self.stdout.write(f"       - {reason}")
