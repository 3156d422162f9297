from django.contrib import admin

from .models import HelpItem, Response, Thanks


class ResponseInline(admin.TabularInline):
    model = Response
    raw_id_fields = ["user"]
    extra = 0


class ThanksInline(admin.TabularInline):
    model = Thanks
    raw_id_fields = ["helper"]
    extra = 0


@admin.register(HelpItem)
class HelpItemAdmin(admin.ModelAdmin):
    """For support and moderation; people write items through the site and the API, where the
    rules (who may post where, status transitions) are enforced."""

    list_display = ["title", "kind", "status", "author", "community", "created_at", "hidden_at"]
    list_select_related = ["author", "community"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "author__username"]
    raw_id_fields = ["author", "community", "tags"]
    readonly_fields = ["created_at", "updated_at", "closed_at"]
    inlines = [ResponseInline, ThanksInline]
