"""Shared pieces of REST API v1: authentication, the error shape, strict input schemas."""

import functools
import inspect
import logging

from django.http import Http404
from django.urls import URLPattern, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth
from pydantic import ConfigDict

from .errors import AgoraError

log = logging.getLogger(__name__)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer agora_…` with a personal token created in the user's settings."""

    def authenticate(self, request, token):
        from agora.accounts.services import user_for_token

        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


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
    # ninja locations look like ("body", "payload", "skills", 0, "name"): drop the wrappers.
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "payload")]
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

        return [*patterns, re_path(r"", unknown_route)], app_name, namespace


def build_api() -> NinjaAPI:
    api = AgoraAPI(
        title="Agora API",
        version="1",
        description="REST API of Agora, the enterprise social network.",
        auth=[TokenAuth(), SessionAuth()],
        urls_namespace="api",
        docs_url="/docs",
        openapi_url="/openapi.json",
    )
    install_error_handlers(api)
    return api
