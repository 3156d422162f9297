import datetime as dt

from django.conf import settings
from ninja import Field, Router, Schema, Status

from agora.core.api import ErrorOut, StrictInput

from . import services

router = Router(tags=["account"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class MeOut(Schema):
    username: str
    email: str
    kind: str
    is_guest: bool
    display_name: str
    language: str


class MePatch(StrictInput):
    language: str = Field(..., description="one of the interface languages: en, fr")


class TokenOut(Schema):
    id: int
    name: str
    hint: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None


class TokenCreated(TokenOut):
    secret: str = Field(..., description="Shown once; only a digest is kept.")


class TokenIn(StrictInput):
    name: str = Field(..., max_length=80)


def _me(user) -> dict:
    return {
        "username": user.username,
        "email": user.email,
        "kind": user.kind,
        "is_guest": user.is_guest,
        "display_name": user.profile.display_name,
        "language": user.language or settings.LANGUAGE_CODE,
    }


@router.get("/me", response={200: MeOut, **ERRORS})
def me(request):
    return _me(request.auth)


@router.patch("/me", response={200: MeOut, **ERRORS})
def edit_me(request, payload: MePatch):
    services.set_language(request.auth, payload.language)
    return _me(request.auth)


@router.get("/me/tokens", response={200: list[TokenOut], **ERRORS})
def list_tokens(request):
    return list(request.auth.api_tokens.active())


@router.post("/me/tokens", response={201: TokenCreated, **ERRORS})
def create_token(request, payload: TokenIn):
    token, secret = services.create_api_token(request.auth, payload.name, request=request)
    return Status(201, {**TokenOut.model_validate(token).model_dump(), "secret": secret})


@router.delete("/me/tokens/{token_id}", response={204: None, **ERRORS})
def revoke_token(request, token_id: int):
    services.revoke_api_token(request.auth, token_id, request=request)
    return Status(204, None)
