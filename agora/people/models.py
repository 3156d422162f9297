from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .text import fold


class Visibility(models.IntegerChoices):
    """Who may see one profile field. "Following" means people the profile's owner follows."""

    EVERYONE = 0, _("Everyone")
    EMPLOYEES = 1, _("Employees only")
    FOLLOWING = 2, _("People I follow")
    ONLY_ME = 3, _("Only me")


def visibility_field(default=Visibility.EVERYONE):
    return models.PositiveSmallIntegerField(choices=Visibility.choices, default=default)


class Department(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(max_length=140, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class Vocabulary(models.Model):
    """A shared term people pick from; `key` makes "Python", "python " and "pythön" one term."""

    name = models.CharField(_("name"), max_length=80)
    key = models.CharField(max_length=80, unique=True, editable=False)

    class Meta:
        abstract = True
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.key = fold(self.name)
        super().save(*args, **kwargs)


class Skill(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("skill")
        verbose_name_plural = _("skills")


class Interest(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("interest")
        verbose_name_plural = _("interests")


# Fields whose visibility the person chooses; the name and avatar frame are always shown.
PRIVATE_FIELDS = (
    "headline",
    "bio",
    "email",
    "department",
    "team",
    "manager",
    "location",
    "languages",
    "skills",
    "interests",
    "goals",
    "help_with",
)


COUNTER_FIELDS = ("follower_count", "following_count")


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="profile",
    )
    display_name = models.CharField(_("display name"), max_length=120)
    name_key = models.CharField(max_length=120, db_index=True, editable=False)
    headline = models.CharField(_("headline"), max_length=160, blank=True)
    bio = models.TextField(_("bio"), max_length=10_000, blank=True)
    bio_html = models.TextField(blank=True, editable=False)
    avatar = models.ImageField(_("avatar"), upload_to="avatars/", blank=True)
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="profiles",
        verbose_name=_("department"),
    )
    team = models.CharField(_("team"), max_length=120, blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="direct_reports",
        verbose_name=_("manager"),
    )
    location = models.CharField(_("location"), max_length=120, blank=True)
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    goals = models.TextField(_("goals"), max_length=4_000, blank=True)
    help_with = models.TextField(_("I can help with"), max_length=4_000, blank=True)
    suggestible = models.BooleanField(
        _("suggest me to others"),
        default=True,
        help_text=_("Appear in “people you may want to meet”."),
    )
    expert_suggestible = models.BooleanField(
        _("suggest me as an expert"),
        default=True,
        help_text=_(
            "Appear in “who can help?” results and be asked about questions you might know "
            "the answer to."
        ),
    )

    headline_visibility = visibility_field()
    bio_visibility = visibility_field()
    email_visibility = visibility_field(Visibility.EMPLOYEES)
    department_visibility = visibility_field()
    team_visibility = visibility_field()
    manager_visibility = visibility_field(Visibility.EMPLOYEES)
    location_visibility = visibility_field(Visibility.EMPLOYEES)
    languages_visibility = visibility_field()
    skills_visibility = visibility_field()
    interests_visibility = visibility_field()
    goals_visibility = visibility_field(Visibility.EMPLOYEES)
    help_with_visibility = visibility_field()

    # Active people on the other side of the person's follow links, kept by
    # services.follow/unfollow and recounted when someone is (de)activated or deleted: the
    # live COUNT over a celebrity's 7,000 followers was most of a profile page's time.
    follower_count = models.PositiveIntegerField(default=0, editable=False)
    following_count = models.PositiveIntegerField(default=0, editable=False)

    skills = models.ManyToManyField(Skill, through="ProfileSkill", related_name="profiles")
    interests = models.ManyToManyField(Interest, through="ProfileInterest", related_name="profiles")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name_key", "user_id"]
        indexes = [
            models.Index(fields=["name_key", "user"], name="profile_directory_order"),
            models.Index(Lower("location"), name="profile_location_ci"),
        ]
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        self.name_key = fold(self.display_name)[:120]
        if not self._state.adding and kwargs.get("update_fields") is None:
            # Saving a profile never writes the follow counts back: another request may have
            # changed them since this instance was read (they move with F() updates only).
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in COUNTER_FIELDS
            ]
        super().save(*args, **kwargs)


class ProfileSkill(models.Model):
    class Level(models.IntegerChoices):
        LEARNING = 1, _("Learning")
        PRACTITIONER = 2, _("Practitioner")
        ADVANCED = 3, _("Advanced")
        EXPERT = 4, _("Expert")

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="skill_links")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="profile_links")
    level = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.PRACTITIONER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "skill"], name="one_level_per_skill")
        ]
        ordering = ["-level", "skill__key"]

    def __str__(self) -> str:
        return f"{self.profile_id}: {self.skill_id} ({self.level})"


class ProfileInterest(models.Model):
    class Kind(models.TextChoices):
        PROFESSIONAL = "pro", _("Professional")
        PERSONAL = "personal", _("Personal")

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="interest_links")
    interest = models.ForeignKey(Interest, on_delete=models.CASCADE, related_name="profile_links")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PROFESSIONAL)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "interest"], name="one_kind_per_interest")
        ]
        ordering = ["kind", "interest__key"]

    def __str__(self) -> str:
        return f"{self.profile_id}: {self.interest_id} ({self.kind})"


class Follow(models.Model):
    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="following_links"
    )
    followee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follower_links"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="follow_once"),
            models.CheckConstraint(
                condition=~models.Q(follower=models.F("followee")), name="no_self_follow"
            ),
        ]
        # Both directions are listed newest first with a cursor on (created_at, id).
        indexes = [
            models.Index(fields=["followee", "-created_at", "-id"], name="followers_list"),
            models.Index(fields=["follower", "-created_at", "-id"], name="following_list"),
        ]

    def __str__(self) -> str:
        return f"{self.follower_id} -> {self.followee_id}"


class Endorsement(models.Model):
    """A colleague vouches for one of a person's declared skills."""

    skill_link = models.ForeignKey(
        ProfileSkill, on_delete=models.CASCADE, related_name="endorsements"
    )
    endorser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="endorsements_given"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["skill_link", "endorser"], name="endorse_once")
        ]

    def __str__(self) -> str:
        return f"{self.endorser_id} endorses {self.skill_link_id}"
