import json

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.contrib.auth import middleware as auth_middleware
from django.contrib.messages import middleware as messages_middleware
from django.contrib.sessions import middleware as sessions_middleware
from django.http import HttpResponse, HttpResponseBadRequest
from django.middleware import csrf as csrf_middleware
from django.middleware import locale as locale_middleware
from django.utils import translation
from django.utils.cache import patch_vary_headers
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


# --- Token-authenticated API reads skip the browser machinery ------------------------------------
# A GET to /api/ with a valid `Authorization: Bearer` token and no cookie has no session, CSRF
# cookie, flash message or signed-in user to load: ninja's TokenAuth authenticates it and nothing
# downstream reads them. Running the session, CSRF, authentication, user language and messages
# middleware anyway cost ~60-90 µs per request, a tenth of a feed page (bench/README.md).
# ApiTokenRequests recognises such requests before them, and the subclasses below let them
# through (LocaleMiddleware's still picks their language, more cheaply). Anything else takes
# the whole chain as before: a request with a cookie (so session-authenticated API calls keep
# their CSRF protection), another method, an unknown, expired or revoked token, or a page
# outside /api/.

TOKEN_USER = "agora_token_user"  # request attribute: the user of the request's valid token


def token_user(request):
    """The user of the request's bearer token, when ApiTokenRequests recognised one."""
    return getattr(request, TOKEN_USER, None)


class ApiTokenRequests:
    def __init__(self, get_response):
        from agora.accounts.services import user_for_token

        self.get_response = get_response
        self.user_for_token = user_for_token

    def __call__(self, request):
        meta = request.META
        if (
            request.method in ("GET", "HEAD")
            and not meta.get("HTTP_COOKIE")
            and request.path.startswith("/api/")
        ):
            # Split as ninja's HttpBearer does ("Bearer <token>", scheme in any case).
            scheme, _space, token = meta.get("HTTP_AUTHORIZATION", "").partition(" ")
            if token and scheme.lower() == "bearer":
                try:
                    user = self.user_for_token(token)
                except Exception:  # noqa: BLE001 (the whole chain runs and reports it as JSON)
                    user = None
                if user is not None:
                    setattr(request, TOKEN_USER, user)
        return self.get_response(request)


class _NotForTokenRequests:
    """Mixin for a Django middleware that token-authenticated API reads don't need."""

    # Sync only: Django adapts it should the chain ever run under ASGI.
    sync_capable, async_capable = True, False

    def __call__(self, request):
        if token_user(request) is not None:
            return self.get_response(request)
        return super().__call__(request)


class SessionMiddleware(sessions_middleware.SessionMiddleware):
    sync_capable, async_capable = True, False

    def __call__(self, request):
        if token_user(request) is None:
            return super().__call__(request)
        # The same headers as before: the whole chain looked at the (empty) session, which
        # says `Vary: Cookie`.
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        return response


class LocaleMiddleware(locale_middleware.LocaleMiddleware):
    """Django's. A token read has no cookie and Agora's URLs no language prefix, so its
    language depends on Accept-Language alone: it is worked out once per header value
    instead of on every request (two path checks, a cookie lookup and a LookupError raised
    and caught each time). The response gets the same Vary and Content-Language."""

    sync_capable, async_capable = True, False
    _languages: dict[str, str] = {}  # Accept-Language -> language, for token reads

    def __init__(self, get_response):
        super().__init__(get_response)
        # With language-prefixed URL patterns Django's logic also looks at the path.
        self.shortcut = not is_language_prefix_patterns_used(settings.ROOT_URLCONF)[0]

    def __call__(self, request):
        if not self.shortcut or token_user(request) is None:
            return super().__call__(request)
        accept = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
        language = self._languages.get(accept)
        if language is None:
            language = translation.get_language_from_request(request)
            if len(self._languages) < 200:
                self._languages[accept] = language
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class CsrfViewMiddleware(_NotForTokenRequests, csrf_middleware.CsrfViewMiddleware):
    """A bearer token is not sent by browsers on their own: no CSRF cookie to read or set.
    (Its process_view still runs for every view; API views are CSRF-exempt for Django, ninja
    checks CSRF itself for session authentication.)"""


class AuthenticationMiddleware(_NotForTokenRequests, auth_middleware.AuthenticationMiddleware):
    """TokenAuth sets request.user to the token's user."""


class MessageMiddleware(_NotForTokenRequests, messages_middleware.MessageMiddleware):
    """The API shows no flash messages."""
