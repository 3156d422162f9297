from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from agora.core import audit

from . import services
from .models import ApiToken, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "email", "kind", "is_active", "last_login", "date_joined"]
    list_filter = ["kind", "is_active", "groups"]
    search_fields = ["username", "email", "profile__display_name"]
    fieldsets = (
        (None, {"fields": ("username", "email", "password")}),
        (_("Kind and status"), {"fields": ("kind", "is_active", "invited_by", "language")}),
        (_("Groups and permissions"), {"fields": ("groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "kind", "password1", "password2"),
            },
        ),
    )
    raw_id_fields = ["invited_by"]
    readonly_fields = ["last_login", "date_joined"]

    def save_model(self, request, obj, form, change):
        """Kind and activation go through the account services so they are audited; the
        admin form only saves the rest."""
        if not change:
            obj.is_staff = obj.is_superuser = obj.kind == User.Kind.ADMIN
            super().save_model(request, obj, form, change)
            audit.record(
                "account.created", actor=request.user, target=obj, request=request, kind=obj.kind
            )
            return
        previous = User.objects.get(pk=obj.pk)
        new_kind, new_active = obj.kind, obj.is_active
        obj.kind, obj.is_active = previous.kind, previous.is_active
        super().save_model(request, obj, form, change)
        if new_kind != previous.kind:
            services.change_kind(request.user, obj, new_kind, request=request)
        if new_active != previous.is_active:
            services.set_active(request.user, obj, new_active, request=request)
        if "groups" in form.changed_data:
            audit.record(
                "account.groups_changed",
                actor=request.user,
                target=obj,
                request=request,
                groups=[g.name for g in form.cleaned_data.get("groups", [])],
            )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "hint", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["user"]
    readonly_fields = ["user", "name", "hint", "digest", "created_at", "last_used_at"]
    search_fields = ["name", "user__username"]

    def has_add_permission(self, request):
        return False
