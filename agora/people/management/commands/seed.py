"""`agora seed`: fill an empty Agora with a believable demo company."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from agora.conversations import seeding as conversation_seeding
from agora.help import seeding as help_seeding
from agora.people import seeding
from agora.people.demo import DEMO_ACCOUNTS, DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "Create a demo company (people, departments, reporting lines, profiles, follows) "
        "from a real communication graph, with the demo logins, then its communities and "
        "conversations (posts, articles, comments, reactions, home feeds, notifications). "
        "Only on an empty database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--people", type=int, default=300, help="employees to create (default 300)"
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing, successfully, when people already exist (for `make demo`)",
        )
        parser.add_argument(
            "--random-seed",
            type=int,
            default=42,
            help="same seed, same company (default 42)",
        )
        parser.add_argument(
            "--no-archive",
            action="store_true",
            help="no imported Stack Exchange archive (its inactive accounts and pending claim)",
        )
        parser.add_argument(
            "--no-conversations",
            action="store_true",
            help="people only: no communities, posts, comments or reactions",
        )

    def handle(self, *args, people, if_empty, random_seed, no_conversations, no_archive, **options):
        if people < seeding.MIN_PEOPLE:
            raise CommandError(f"--people must be at least {seeding.MIN_PEOPLE}.")
        if seeding.company_exists() or conversation_seeding.conversations_exist():
            if if_empty:
                self.stdout.write("People or conversations already exist: nothing seeded.")
                return
            # Mixing demo people into real (or earlier demo) data would make a mess nobody can
            # undo cleanly, so refuse rather than merge.
            raise CommandError(
                "This database already has people or conversations; `agora seed` only fills "
                "an empty one. Use --if-empty to skip quietly, or `agora flush` to start over."
            )
        # One transaction: a failure half-way leaves the database empty, so it can be re-run.
        with transaction.atomic():
            summary = seeding.seed_company(
                people=people, random_seed=random_seed, log=self.stdout.write
            )
            self.stdout.write(self.style.SUCCESS(summary.line()))
            if not no_conversations:
                conversations = conversation_seeding.seed_conversations(
                    random_seed=random_seed, log=self.stdout.write
                )
                self.stdout.write(self.style.SUCCESS(conversations.line()))
                from agora.qa.seeding import seed_questions

                self.stdout.write(self.style.SUCCESS(seed_questions(random_seed).line()))
                if not no_archive:
                    from agora.qa.seeding import demo_employee
                    from agora.qa.seeding_imported import seed_imported

                    imported = seed_imported(employee=demo_employee())
                    self.stdout.write(self.style.SUCCESS(imported.line()))
                help_summary = help_seeding.seed_help(
                    random_seed=random_seed, log=lambda _line: None
                )
                self.stdout.write(self.style.SUCCESS(help_summary.line()))
        # Rows were bulk-written (no save signals), so build the search index in one pass.
        call_command("search_reindex", quiet=True)
        self.stdout.write("Search index built.")
        if options["verbosity"] >= 1:
            self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
            for role, email, _kind in DEMO_ACCOUNTS:
                self.stdout.write(f"  {role:<18} {email}")
