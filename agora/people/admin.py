from django.contrib import admin

from .models import Department, Follow, Interest, Profile, ProfileInterest, ProfileSkill, Skill


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class ProfileSkillInline(admin.TabularInline):
    model = ProfileSkill
    raw_id_fields = ["skill"]
    extra = 0


class ProfileInterestInline(admin.TabularInline):
    model = ProfileInterest
    raw_id_fields = ["interest"]
    extra = 0


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["display_name", "user", "department", "location"]
    list_select_related = ["user", "department"]
    list_filter = ["department"]
    search_fields = ["display_name", "user__username", "user__email"]
    raw_id_fields = ["user", "manager"]
    inlines = [ProfileSkillInline, ProfileInterestInline]


@admin.register(Skill, Interest)
class VocabularyAdmin(admin.ModelAdmin):
    list_display = ["name", "key"]
    search_fields = ["name", "key"]


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["follower", "followee", "created_at"]
    raw_id_fields = ["follower", "followee"]
    list_select_related = ["follower", "followee"]
