import json

from django.http import HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _


class RejectNulBytes:
    """PostgreSQL refuses NUL characters in text, so a NUL smuggled into a URL or a query
    parameter would surface as a server error deep in some query. Refuse it at the door,
    once for every page and API route."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()
        ):
            message = _("The request contains a NUL character.")
            if request.path.startswith("/api/"):
                body = {"error": {"code": "bad_request", "message": message, "fields": {}}}
                return HttpResponse(json.dumps(body), status=400, content_type="application/json")
            return HttpResponseBadRequest(message)
        return self.get_response(request)


class ServiceErrorsAsHttp:
    """Services raise NotFound and Forbidden; a web page answers them with the 404 and 403
    pages. Mapping them once here spares every view its own try/except pair. (The API maps
    them itself, to JSON, before any middleware sees them.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        from agora.core.errors import Forbidden, NotFound

        if isinstance(exception, NotFound):
            raise Http404(str(exception)) from exception
        if isinstance(exception, Forbidden):
            raise PermissionDenied(str(exception)) from exception
        return None
