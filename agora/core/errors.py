"""Errors raised by services. The API turns them into JSON, web views into pages or form errors."""

from django.utils.translation import gettext_lazy as _


class AgoraError(Exception):
    status = 400
    code = "bad_request"
    default_message = _("The request could not be processed.")

    def __init__(self, message=None, *, fields: dict[str, list[str]] | None = None, code=None):
        self.message = str(message or self.default_message)
        self.fields = fields or {}
        if code:
            self.code = code
        super().__init__(self.message)


class Invalid(AgoraError):
    status = 422
    code = "invalid"
    default_message = _("Some fields are not valid.")


class NotFound(AgoraError):
    """Also used for things that exist but the caller may not see: never confirm they exist."""

    status = 404
    code = "not_found"
    default_message = _("Not found.")


class Forbidden(AgoraError):
    status = 403
    code = "forbidden"
    default_message = _("You are not allowed to do that.")


class Conflict(AgoraError):
    status = 409
    code = "conflict"
    default_message = _("That conflicts with the current state.")
