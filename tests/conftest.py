import os

import pytest
from django.core.cache import cache
from django.utils import translation

from tests.factories import UserFactory

# Browser tests run Django's live server in a thread while Playwright drives Chromium.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Each test gets its own media dir, a clean cache (SiteSettings are cached) and the
    language that was active before it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ALLOWED_HOSTS = ["*"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ACCOUNT_RATE_LIMITS = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    language = translation.get_language()
    yield
    cache.clear()
    # A request in French leaves French active in the thread (LocaleMiddleware does not undo
    # it): put back what was active, so the next test is not worded in French.
    if language is None:
        translation.deactivate_all()
    else:
        translation.activate(language)


@pytest.fixture
def employee(db):
    return UserFactory(kind="employee")


@pytest.fixture
def other_employee(db):
    return UserFactory(kind="employee")


@pytest.fixture
def guest(db):
    return UserFactory(kind="guest")


@pytest.fixture
def admin_user(db):
    return UserFactory(kind="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def client_for(db):
    """client_for(user) -> a Django test client signed in as `user` (None: anonymous)."""
    from django.test import Client

    def make(user=None, **kwargs):
        c = Client(**kwargs)
        if user is not None:
            c.force_login(user)
        return c

    return make
