"""Shared pieces of REST API v1: authentication, the error shape, strict input schemas."""

import functools
import inspect
import logging

import orjson
from django.http import Http404
from django.urls import Resolver404, URLPattern, re_path
from django.urls.resolvers import RoutePattern, URLResolver
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import BaseRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.security import HttpBearer, SessionAuth
from pydantic import ConfigDict

from .errors import AgoraError

log = logging.getLogger(__name__)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer agora_…` with a personal token created in the user's settings."""

    def __call__(self, request):
        from .middleware import token_user

        user = token_user(request)  # already checked by ApiTokenRequests (same header)
        if user is not None:
            request.user = user
            return user
        return super().__call__(request)

    def authenticate(self, request, token):
        from agora.accounts.services import user_for_token

        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


# Every API answer is encoded by orjson: the standard library's encoder took ~1 M CPU
# instructions for a 15 KB feed page, a quarter of the whole request (bench/README.md), orjson
# a tenth of that. What orjson doesn't write the way Django does goes to ninja's encoder:
# dates and times (milliseconds and "Z", as DjangoJSONEncoder writes them), pydantic models,
# URLs, decimals, durations. The text differs from json.dumps' only in what JSON leaves free:
# no spaces after separators, non-ASCII characters as UTF-8 instead of \u escapes.
_ninja = NinjaJSONEncoder(check_circular=False)
_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME


def dump_json(data) -> bytes:
    """`data` as the API's JSON (UTF-8)."""
    try:
        return orjson.dumps(data, default=_ninja.default, option=_ORJSON_OPTIONS)
    except orjson.JSONEncodeError:
        # What orjson refuses and json accepts: integers past 64 bits, keys that are not
        # strings. (Anything neither can encode raises json's TypeError, as before.)
        return _ninja.encode(data).encode()


class JSONRenderer(BaseRenderer):
    media_type = "application/json"

    def render(self, request, data, *, response_status):
        return dump_json(data)


class StrictInput(Schema):
    """Input schemas reject unknown fields rather than silently ignoring them."""

    model_config = ConfigDict(extra="forbid")


class ErrorDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class ErrorOut(Schema):
    error: ErrorDetail


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _field_name(loc) -> str:
    # ninja locations look like ("body", "payload", "skills", 0, "name") or ("query", "limit"):
    # drop where it came from and, for a body, the view's parameter name, by position only,
    # so that a field itself called "body" or "query" keeps its name.
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "form", "header", "cookie"):
        source, parts = parts[0], parts[1:]
        if source in ("body", "form") and len(parts) > 1:
            parts = parts[1:]
    return ".".join(parts) or "__all__"


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(AgoraError)
    def agora_error(request, exc: AgoraError):
        return api.create_response(
            request, error_body(exc.code, exc.message, exc.fields), status=exc.status
        )

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        fields: dict[str, list[str]] = {}
        for err in exc.errors:
            fields.setdefault(_field_name(err.get("loc", ())), []).append(err.get("msg", ""))
        return api.create_response(
            request, error_body("invalid", _("Some fields are not valid."), fields), status=422
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return api.create_response(
            request,
            error_body("unauthenticated", _("Sign in or send a valid API token.")),
            status=401,
        )

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        code = {
            400: "bad_request",
            401: "unauthenticated",
            403: "forbidden",
            404: "not_found",
            405: "method_not_allowed",
            429: "throttled",
        }.get(exc.status_code, "error")
        return api.create_response(request, error_body(code, str(exc)), status=exc.status_code)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, error_body("not_found", _("Not found.")), status=404)

    @api.exception_handler(Exception)
    def server_error(request, exc):
        log.exception("API error on %s", request.path)
        return api.create_response(
            request,
            error_body("server_error", _("Something went wrong on our side.")),
            status=500,
        )


def _json_errors(api: NinjaAPI, view):
    """Wrap one of the API's URL views so the errors ninja answers outside its exception
    handlers (405 method not allowed, the 404 of the API root) are JSON too."""

    def convert(request, response):
        if response.status_code == 405 and "json" not in response.get("Content-Type", ""):
            converted = api.create_response(
                request,
                error_body("method_not_allowed", _("This method is not allowed here.")),
                status=405,
            )
            converted["Allow"] = response.get("Allow", "")
            return converted
        return response

    def not_found(request):
        return api.create_response(request, error_body("not_found", _("Not found.")), status=404)

    if inspect.iscoroutinefunction(view):

        @functools.wraps(view)
        async def async_wrapper(request, *args, **kwargs):
            try:
                return convert(request, await view(request, *args, **kwargs))
            except Http404:
                return not_found(request)

        return async_wrapper

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return convert(request, view(request, *args, **kwargs))
        except Http404:
            return not_found(request)

    return wrapper


def _route_key(pattern) -> tuple[str, int] | None:
    """(first path segment, number of "/") of every path this pattern can match, or None
    when it may match paths of other shapes too: a regex, a converter in the first segment,
    or a `path` converter (which matches "/")."""
    route = getattr(pattern.pattern, "_route", None)
    if not isinstance(pattern, URLPattern) or not isinstance(route, str):
        return None
    segment = route.split("/", 1)[0]
    if "<" in segment or "<path:" in route:
        return None
    return segment, route.count("/")


class _ByShape(URLResolver):
    """The API's URL patterns, resolved through the shape of the path.

    Django tries patterns one by one: with ~125 API routes, resolving `feed/home` or
    `communities/<slug>/feed` took 40-100 regular expression searches and ~230-320k CPU
    instructions (≈60-100 µs, as much as the SQL of a page). Here the path's first segment
    and its number of "/" pick the few patterns that can match at all — those of that
    shape, and those that may match anything (the catch-all), in their original order — so
    the answer is the one the full list gives. reverse() and the system checks see the full
    list (`url_patterns`), unchanged."""

    def __init__(self, patterns: list):
        super().__init__(RoutePattern(""), patterns)
        keys = {_route_key(p) for p in patterns} - {None}
        self._buckets = {key: [p for p in patterns if _route_key(p) in (key, None)] for key in keys}
        self._others = [p for p in patterns if _route_key(p) is None]

    def resolve(self, path):
        path = str(path)
        key = (path.split("/", 1)[0], path.count("/"))
        tried = []
        for pattern in self._buckets.get(key, self._others):
            try:
                match = pattern.resolve(path)
            except Resolver404 as e:
                self._extend_tried(tried, pattern, e.args[0].get("tried"))
            else:
                if match:
                    return match
                tried.append([pattern])
        raise Resolver404({"tried": tried, "path": path})


class AgoraAPI(NinjaAPI):
    """NinjaAPI whose every answer under its prefix is JSON, unknown routes included."""

    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = _json_errors(self, pattern.callback)

        @csrf_exempt
        def unknown_route(request, *args, **kwargs):
            return self.create_response(
                request, error_body("not_found", _("No such API endpoint.")), status=404
            )

        return [_ByShape([*patterns, re_path(r"", unknown_route)])], app_name, namespace


def build_api() -> NinjaAPI:
    api = AgoraAPI(
        title="Agora API",
        version="1",
        description="REST API of Agora, the enterprise social network.",
        auth=[TokenAuth(), SessionAuth()],
        renderer=JSONRenderer(),
        urls_namespace="api",
        docs_url="/docs",
        openapi_url="/openapi.json",
    )
    install_error_handlers(api)
    return api
