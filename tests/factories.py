import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from agora.people.models import Department, Follow, Interest, Skill
from agora.people.text import fold

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    kind = "employee"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )

    @factory.post_generation
    def display_name(self, create, extracted, **kwargs):
        if create and extracted:
            self.profile.display_name = extracted
            self.profile.save()


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Department {n}")
    slug = factory.Sequence(lambda n: f"department-{n}")


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill

    name = factory.Sequence(lambda n: f"Skill {n}")


class InterestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interest

    name = factory.Sequence(lambda n: f"Interest {n}")


class FollowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Follow

    follower = factory.SubFactory(UserFactory)
    followee = factory.SubFactory(UserFactory)


def set_profile(user, **fields):
    """Write profile fields straight to the row (fast, bypasses the service's validation)."""
    from agora.people.models import Profile

    Profile.objects.filter(user=user).update(**fields)
    if hasattr(user, "_state") and "profile" in user._state.fields_cache:
        del user._state.fields_cache["profile"]
    return Profile.objects.get(user=user)


def add_skill(user, name, level=2):
    from agora.people.models import ProfileSkill

    skill = Skill.objects.filter(key=fold(name)).first() or Skill.objects.create(name=name)
    return ProfileSkill.objects.create(profile_id=user.pk, skill=skill, level=level)


def add_interest(user, name, kind="pro"):
    from agora.people.models import ProfileInterest

    interest = Interest.objects.filter(key=fold(name)).first() or Interest.objects.create(name=name)
    return ProfileInterest.objects.create(profile_id=user.pk, interest=interest, kind=kind)
