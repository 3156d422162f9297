from django.http import HttpResponse
from django.shortcuts import render


def home(request):
    """The home page is the home feed (composer, feed, "new posts", suggestions)."""
    from agora.conversations.views import home as home_feed

    return home_feed(request)


def healthz(request):
    """A trivial endpoint: liveness for load balancers and the ceiling in benchmarks."""
    return HttpResponse("ok", content_type="text/plain")


def not_found(request, exception=None):
    return render(request, "core/error.html", {"status": 404}, status=404)


def forbidden(request, exception=None):
    # A view may say why (PermissionDenied(_("..."))); Django's own checks (CSRF aside) don't.
    reason = str(exception) if exception is not None and exception.args else ""
    return render(request, "core/error.html", {"status": 403, "reason": reason}, status=403)
