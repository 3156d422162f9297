"""`agora route_questions`: ask the next experts about questions still unanswered after
AGORA_EXPERT_ESCALATION_DELAY seconds (cron-able), or route one question now.

With --schedule, don't do it now: make sure the background worker has the periodic escalation
task queued (every AGORA_EXPERT_ESCALATION_CHECK seconds); `agora serve` does this itself.
"""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Ask the next experts about unanswered questions whose delay has passed."

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="queue the periodic escalation task for the worker instead of running now",
        )
        parser.add_argument(
            "--question",
            type=int,
            help="route this question now (first round, if it was never routed)",
        )

    def handle(self, *args, schedule=False, question=None, **options):
        from agora.qa import routing

        if schedule:
            from agora.qa.tasks import check_interval, ensure_scheduled

            if ensure_scheduled(delay=0) is None:
                self.stdout.write("The escalation task is already scheduled (or tasks run inline).")
            else:
                self.stdout.write(
                    f"Escalation task queued; it will repeat every {check_interval()} seconds."
                )
            return
        if question is not None:
            from agora.qa.models import Question

            found = Question.objects.filter(pk=question).first()
            if found is None:
                raise CommandError(f"No question {question}.")
            asked = routing.route_question(question, round=found.routing_round + 1)
            names = ", ".join(r.expert.username for r in asked) or "nobody"
            self.stdout.write(
                f"Question {question}, round {found.routing_round + 1}: asked {names}."
            )
            return
        asked = routing.escalate_unanswered()
        self.stdout.write(f"{asked} expert(s) asked about unanswered questions.")
