"""`agora seed`: fill an empty Agora with a believable demo company."""

from django.core.management.base import BaseCommand, CommandError

from agora.people import seeding
from agora.people.demo import DEMO_ACCOUNTS, DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "Create a demo company (people, departments, reporting lines, profiles, follows) "
        "from a real communication graph, with the demo logins. Only on an empty database."
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

    def handle(self, *args, people, if_empty, random_seed, **options):
        if people < seeding.MIN_PEOPLE:
            raise CommandError(f"--people must be at least {seeding.MIN_PEOPLE}.")
        if seeding.company_exists():
            if if_empty:
                self.stdout.write("People already exist: nothing seeded.")
                return
            # Mixing demo people into real (or earlier demo) data would make a mess nobody can
            # undo cleanly, so refuse rather than merge.
            raise CommandError(
                "This database already has people; `agora seed` only fills an empty one. "
                "Use --if-empty to skip quietly, or `agora flush` to start over."
            )
        summary = seeding.seed_company(
            people=people, random_seed=random_seed, log=self.stdout.write
        )
        self.stdout.write(self.style.SUCCESS(summary.line()))
        if options["verbosity"] >= 1:
            self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
            for role, email, _kind in DEMO_ACCOUNTS:
                self.stdout.write(f"  {role:<18} {email}")
