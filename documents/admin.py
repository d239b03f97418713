from django.contrib import admin

from core.admin import RecordAdmin

from .models import Minutes


@admin.register(Minutes)
class MinutesAdmin(RecordAdmin):
    list_display = ["__str__", "updated_at"]
    list_select_related = ["meeting__cell"]
