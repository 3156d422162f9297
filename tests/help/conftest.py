import pytest

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Matching notifications are a background task: run it in-process, as `agora serve`'s
    worker would shortly after."""
    settings.TASKS = IMMEDIATE
