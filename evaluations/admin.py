from django.contrib import admin

from audit.admin import RecordAdmin

from .models import Evaluation, Score


@admin.register(Evaluation)
class EvaluationAdmin(RecordAdmin):
    list_display = ["__str__", "kind", "level", "adopted_at", "confirmed_at"]
    list_filter = ["kind", "level"]
    list_select_related = ["meeting__cell"]


@admin.register(Score)
class ScoreAdmin(RecordAdmin):
    list_display = ["criterion", "evaluation", "points", "prefilled"]
    list_select_related = ["criterion", "evaluation__meeting__cell"]
