import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """An account. Its kind decides how much of Agora the person may see."""

    class Kind(models.TextChoices):
        EMPLOYEE = "employee", _("Employee")
        GUEST = "guest", _("External guest")
        ADMIN = "admin", _("Administrator")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.EMPLOYEE)
    language = models.CharField(_("language"), max_length=8, blank=True, default="")
    # Guests see the person who invited them (and, later, the spaces they were invited to).
    invited_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="invited_guests"
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def is_guest(self) -> bool:
        return self.kind == self.Kind.GUEST

    @property
    def is_employee(self) -> bool:
        """Employees and administrators belong to the company; guests do not."""
        return self.kind in (self.Kind.EMPLOYEE, self.Kind.ADMIN)

    @property
    def is_administrator(self) -> bool:
        return self.kind == self.Kind.ADMIN or self.is_superuser


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 digest is stored; the secret is shown once."""

    PREFIX = "agora_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    digest = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12, help_text="first characters, to recognise a token")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @staticmethod
    def digest_of(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @classmethod
    def new_secret(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)
