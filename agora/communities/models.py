from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Community(models.Model):
    class Kind(models.TextChoices):
        OPEN = "open", _("Open: any employee can join and read")
        REQUEST = "request", _("On request: listed, members read, joining needs approval")
        SECRET = "secret", _("Secret: invisible to non-members, by invitation only")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("address"), max_length=140, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OPEN)
    description = models.TextField(_("description"), max_length=10_000, blank=True)
    description_html = models.TextField(blank=True, editable=False)
    rules = models.TextField(_("rules"), max_length=10_000, blank=True)
    rules_html = models.TextField(blank=True, editable=False)
    cover = models.ImageField(_("cover image"), upload_to="covers/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Kept in step by the membership services; shown only to people who may see the community.
    member_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MODERATOR = "moderator", _("Moderator")
        MEMBER = "member", _("Member")
        GUEST = "guest", _("Guest")

    class State(models.TextChoices):
        ACTIVE = "active", _("Member")
        PENDING = "pending", _("Asked to join")
        INVITED = "invited", _("Invited")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "user"], name="one_membership")]
        # "my communities" and "who is in this community" are both hot.
        indexes = [
            models.Index(fields=["user", "state", "community"], name="membership_by_user"),
            models.Index(fields=["community", "state", "role"], name="membership_by_community"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.community_id} ({self.role}, {self.state})"

    @property
    def can_moderate(self) -> bool:
        return self.state == self.State.ACTIVE and self.role in (
            self.Role.OWNER,
            self.Role.MODERATOR,
        )
