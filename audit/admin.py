from django.contrib import admin

from .models import RecordCheck


@admin.register(RecordCheck)
class RecordCheckAdmin(admin.ModelAdmin):
    """The nightly checks of the record, read only: what a run found is evidence, not something to edit."""

    list_display = ["ran_at", "total", "seconds"]
    readonly_fields = ["ran_at", "seconds", "counts", "problems"]
    date_hierarchy = "ran_at"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
