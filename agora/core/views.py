from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from agora.people import services as people


@login_required
def home(request):
    return render(
        request,
        "core/home.html",
        {
            "suggestions": people.suggestions(request.user, limit=6),
        },
    )


def healthz(request):
    """A trivial endpoint: liveness for load balancers and the ceiling in benchmarks."""
    return HttpResponse("ok", content_type="text/plain")


def not_found(request, exception=None):
    return render(request, "core/error.html", {"status": 404}, status=404)


def forbidden(request, exception=None):
    return render(request, "core/error.html", {"status": 403}, status=403)
