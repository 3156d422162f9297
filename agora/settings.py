"""Agora settings: everything comes from environment variables with safe defaults.

The embedded default is a single process on SQLite under AGORA_DATA_DIR; production points
DATABASE_URL at PostgreSQL and, when several processes run, REDIS_URL at Redis.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("AGORA_DATA_DIR", BASE_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

# Real data shipped beside the repository (../shared/data) shapes the demo company.
SHARED_DATA_DIR = Path(os.environ.get("AGORA_SHARED_DATA", BASE_DIR.parent / "shared" / "data"))


def _secret_key() -> str:
    """Use SECRET_KEY when given; otherwise generate one once and keep it in the data dir."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "agora.core",
    "agora.accounts",
    "agora.people",
    "agora.communities",
    "agora.conversations",
    "agora.notifications",
    "agora.moderation",
    "agora.search",
    "agora.qa",
    "agora.help",
    "agora.experts",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "ninja",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "agora.core.middleware.RejectNulBytes",
    # Token-authenticated API reads skip the session, CSRF, authentication, user language
    # and messages middleware below, and find their language more cheaply (Django's
    # middleware, subclassed in agora/core/middleware.py).
    "agora.core.middleware.ApiTokenRequests",
    "agora.core.middleware.SessionMiddleware",
    "agora.core.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "agora.core.middleware.CsrfViewMiddleware",
    "agora.core.middleware.AuthenticationMiddleware",
    "agora.accounts.middleware.UserLanguageMiddleware",
    "agora.core.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "agora.core.middleware.ServiceErrorsAsHttp",
]

ROOT_URLCONF = "agora.urls"
WSGI_APPLICATION = "agora.wsgi.application"
ASGI_APPLICATION = "agora.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "agora" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "agora.core.context_processors.agora",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'agora.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run while one writer writes; IMMEDIATE transactions and a busy timeout
    # make concurrent writers queue instead of failing with "database is locked".
    # Connections are kept (per server thread): opening one and running the PRAGMAs below
    # cost more than a lean feed page's queries (bench/README.md).
    DATABASES["default"]["CONN_MAX_AGE"] = 60
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("AGORA_TEST_SQLITE") or None}
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
        "AGORA_PG_PREPARE", True
    ):
        # Server-side binding lets psycopg prepare the statements a connection repeats (the
        # feed queries): PostgreSQL then plans them once instead of on every request (~8 ms
        # -> ~3 ms of database CPU per home page, bench/README.md). Django leaves this off
        # for PgBouncer's transaction mode; set AGORA_PG_PREPARE=0 behind such a pooler.
        DATABASES["default"]["OPTIONS"].setdefault("server_side_binding", True)
        DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 2)
        # PostgreSQL re-plans a prepared statement on every execution while it estimates a
        # custom plan cheaper than the generic one: the feed's six-table join then cost ~3 ms
        # of planning per page for ~0.5 ms of execution. Agora's hot statements are key
        # lookups and index range scans whose best plan doesn't depend on the values.
        plan_cache_mode = os.environ.get("AGORA_PG_PLAN_CACHE_MODE", "force_generic_plan")
        DATABASES["default"]["OPTIONS"].setdefault(
            "options", f"-c plan_cache_mode={plan_cache_mode}"
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, channels ------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "agora.accounts.adapter.AgoraAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_USER_DISPLAY = "agora.accounts.adapter.display_name"
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "agora.accounts.forms.SignupExtraForm"
ACCOUNT_FORMS = {
    "login": "agora.accounts.entrance_forms.LoginForm",
    "signup": "agora.accounts.entrance_forms.SignupForm",
    "reset_password": "agora.accounts.entrance_forms.ResetPasswordForm",
    "add_email": "agora.accounts.entrance_forms.AddEmailForm",
    "change_password": "agora.accounts.entrance_forms.ChangePasswordForm",
    "set_password": "agora.accounts.entrance_forms.SetPasswordForm",
    "reset_password_from_key": "agora.accounts.entrance_forms.ResetPasswordKeyForm",
    "reauthenticate": "agora.accounts.entrance_forms.ReauthenticateForm",
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("AGORA_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Agora] "
if env_bool("AGORA_DISABLE_RATE_LIMITS"):
    ACCOUNT_RATE_LIMITS = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Agora"
MFA_FORMS = {"activate_totp": "agora.accounts.entrance_forms.ActivateTOTPForm"}
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_ADAPTER = "agora.accounts.adapter.AgoraSocialAccountAdapter"
SOCIALACCOUNT_FORMS = {"signup": "agora.accounts.entrance_forms.SocialSignupForm"}
SOCIALACCOUNT_PROVIDERS = {}
if os.environ.get("OIDC_SERVER_URL"):
    # One OpenID Connect identity provider (Keycloak, Entra ID, Okta, ...), configured by env.
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "APPS": [
            {
                "provider_id": os.environ.get("OIDC_PROVIDER_ID", "sso"),
                "name": os.environ.get("OIDC_NAME", "SSO"),
                "client_id": os.environ.get("OIDC_CLIENT_ID", ""),
                "secret": os.environ.get("OIDC_CLIENT_SECRET", ""),
                "settings": {"server_url": os.environ["OIDC_SERVER_URL"]},
            }
        ]
    }

# One SAML 2.0 identity provider (ADFS, Entra ID, Okta, Keycloak, ...), configured by env: from
# its metadata URL, or from its entity id, sign-in URL and signing certificate.
_SAML_IDP = {
    "metadata_url": os.environ.get("SAML_IDP_METADATA_URL", ""),
    "entity_id": os.environ.get("SAML_IDP_ENTITY_ID", ""),
    "sso_url": os.environ.get("SAML_IDP_SSO_URL", ""),
    "x509cert": os.environ.get("SAML_IDP_X509_CERT", ""),
    "slo_url": os.environ.get("SAML_IDP_SLO_URL", ""),
}
# Agora's own key pair as the SP (PEM text, BEGIN/END lines included), both or neither: with
# it, AuthnRequests are signed and the certificate is published in the SP's metadata.
_SAML_SP_CERT = os.environ.get("SAML_SP_X509_CERT", "").strip()
_SAML_SP_KEY = os.environ.get("SAML_SP_PRIVATE_KEY", "").strip()
if _SAML_IDP["metadata_url"] or all(_SAML_IDP[k] for k in ("entity_id", "sso_url", "x509cert")):
    from agora.accounts import saml_config

    _saml_trusted = env_list("SAML_TRUSTED_EMAIL_DOMAINS")
    SOCIALACCOUNT_PROVIDERS["saml"] = {
        "APPS": [
            {
                # The SocialAccount.provider of these accounts: keep it once people use it.
                "provider_id": os.environ.get("SAML_PROVIDER_ID", "saml"),
                "name": os.environ.get("SAML_NAME", "SSO"),
                # In the SP's URLs: /accounts/saml/<slug>/acs/, .../metadata/, ...
                "client_id": os.environ.get("SAML_ORGANIZATION_SLUG", "sso"),
                "settings": {
                    "idp": {k: v or None for k, v in _SAML_IDP.items()},
                    # Unset: the SP's metadata URL, https://<host>/accounts/saml/<slug>/metadata/
                    "sp": {"entity_id": os.environ.get("SAML_SP_ENTITY_ID") or None},
                    "attribute_mapping": {
                        # No uid attribute: the NameID (ask the IdP for a persistent one).
                        "uid": env_list(
                            "SAML_ATTR_UID",
                            "urn:oasis:names:tc:SAML:attribute:subject-id,"
                            "http://schemas.microsoft.com/identity/claims/objectidentifier",
                        ),
                        "email": env_list(
                            "SAML_ATTR_EMAIL",
                            "urn:oid:0.9.2342.19200300.100.1.3,"
                            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress,"
                            "email,mail",
                        ),
                        "email_verified": ["http://schemas.auth0.com/email_verified"],
                        "first_name": env_list(
                            "SAML_ATTR_FIRST_NAME",
                            "urn:oid:2.5.4.42,"
                            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname,"
                            "firstName,givenName",
                        ),
                        "last_name": env_list(
                            "SAML_ATTR_LAST_NAME",
                            "urn:oid:2.5.4.4,"
                            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname,"
                            "lastName,sn",
                        ),
                    },
                    # Addresses the IdP vouches for count as verified ("*": all of them), and a
                    # first SAML sign-in with one links to the account that has it.
                    "verified_email": True if _saml_trusted == ["*"] else _saml_trusted,
                    "email_authentication": True,
                    # Agora's own (agora/accounts/saml_logout.py): unsigned logout messages.
                    "unsigned_logout_allowed": env_bool("SAML_ALLOW_UNSIGNED_LOGOUT"),
                    "advanced": {
                        "strict": True,
                        # A response with no valid signature is always rejected; these say
                        # which of assertion and whole response must be signed.
                        "want_assertion_signed": env_bool("SAML_WANT_ASSERTION_SIGNED", True),
                        "want_message_signed": env_bool("SAML_WANT_MESSAGE_SIGNED", False),
                        "reject_idp_initiated_sso": not env_bool("SAML_ALLOW_IDP_INITIATED"),
                        # The NameID format asked for in AuthnRequests and the SP's metadata.
                        "name_id_format": saml_config.nameid_format(
                            os.environ.get("SAML_NAMEID_FORMAT", "")
                        ),
                        # With the SP's key pair: signed AuthnRequests, certificate published.
                        **saml_config.sp_signing(_SAML_SP_CERT, _SAML_SP_KEY),
                    },
                },
            }
        ]
    }
elif any(_SAML_IDP.values()):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "SAML needs SAML_IDP_METADATA_URL, or SAML_IDP_ENTITY_ID, SAML_IDP_SSO_URL and "
        "SAML_IDP_X509_CERT"
    )
# A verified address from a provider allowed to vouch for it (see "email_authentication")
# connects that provider's account to the existing account with that address.
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_URL = os.environ.get("EMAIL_URL", "console://")


def _email_settings(url: str) -> dict:
    from urllib.parse import parse_qs, unquote, urlparse

    parsed = urlparse(url)
    if parsed.scheme in {"console", ""}:
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parsed.scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if parsed.scheme == "dummy":
        return {"EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
    query = parse_qs(parsed.query)
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": parsed.port or (465 if parsed.scheme == "smtps" else 25),
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_SSL": parsed.scheme == "smtps",
        "EMAIL_USE_TLS": parsed.scheme == "smtp+tls" or "tls" in query,
    }


globals().update(_email_settings(EMAIL_URL))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Agora <agora@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "agora" / "locale"]
LANGUAGE_COOKIE_NAME = "agora_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "agora" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
AVATAR_MAX_BYTES = 5 * 1024 * 1024
AVATAR_SIZE = 256
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY") else None
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES")

# --- Background work ------------------------------------------------------------------------
# Tasks are rows in the database, run by `agora db_worker` (started beside the web server by
# `agora serve`). AGORA_TASKS_IMMEDIATE=1 runs them in-process (tests, one-off scripts).
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env_bool("AGORA_TASKS_IMMEDIATE")
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}

# --- Agora ----------------------------------------------------------------------------------
AGORA_PAGE_SIZE = 20
# Absolute links in e-mails (digests, password resets behind a proxy).
AGORA_SITE_URL = os.environ.get("AGORA_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
AGORA_DIGEST_INTERVAL = int(os.environ.get("AGORA_DIGEST_INTERVAL", 3600))
AGORA_MAX_PAGE_SIZE = 100
# Audiences up to this size get a post copied into their timelines inside the request
# (~5 ms for 150 readers); larger ones are copied by a background task (see feed.py).
AGORA_INLINE_FANOUT = int(os.environ.get("AGORA_INLINE_FANOUT", 200))
AGORA_MAX_ATTACHMENTS = 10
# Questions: how many experts are asked at once, how long (seconds) an unanswered question
# waits before the next ones are asked, how many rounds at most, and how often (seconds) the
# worker looks for questions to escalate (agora/qa/routing.py).
AGORA_EXPERT_ROUTING_COUNT = int(os.environ.get("AGORA_EXPERT_ROUTING_COUNT", 3))
AGORA_EXPERT_ESCALATION_DELAY = int(os.environ.get("AGORA_EXPERT_ESCALATION_DELAY", 4 * 3600))
AGORA_EXPERT_MAX_ROUNDS = int(os.environ.get("AGORA_EXPERT_MAX_ROUNDS", 3))
AGORA_EXPERT_ESCALATION_CHECK = int(os.environ.get("AGORA_EXPERT_ESCALATION_CHECK", 600))
AGORA_MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
