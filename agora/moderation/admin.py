from django.contrib import admin

from .models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Read-only: decisions are taken in the moderation queue, which audits them."""

    list_display = ["created_at", "reason", "status", "reporter", "community", "resolved_by"]
    list_filter = ["status", "reason"]
    search_fields = ["reporter__username", "text", "resolution_note"]
    date_hierarchy = "created_at"
    list_select_related = ["reporter", "community", "resolved_by"]
    readonly_fields = [f.name for f in Report._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
