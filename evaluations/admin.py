from django.contrib import admin

from core.admin import RecordAdmin

from .models import Evaluation, Score


@admin.register(Evaluation)
class EvaluationAdmin(RecordAdmin):
    # The level's name, never its code (kha, kem); empty while criteria are unscored.
    list_display = ["__str__", "kind", "level_label", "adopted_at", "confirmed_by", "confirmed_at"]
    list_filter = ["kind", "level_label"]
    list_select_related = ["meeting__cell", "confirmed_by"]


@admin.register(Score)
class ScoreAdmin(RecordAdmin):
    list_display = ["criterion", "evaluation", "points", "prefilled"]
    list_select_related = ["criterion", "evaluation__meeting__cell"]
