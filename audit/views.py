from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.http import urlencode

import access

from .forms import HistoryFilter
from .history import label_of, page_of_changes, tracked_models, users_in


@login_required
def history(request):
    """Recent changes to members, meetings and their record: who, when, what, which fields. Staff only."""
    models = access.history_models_for(request.user, tracked_models())
    form = HistoryFilter(request.GET or None, models=models, users=users_in(models))
    context = {"form": form, "changes": [], "page": 1}
    if form.is_bound and not form.is_valid():
        return render(request, "audit/history.html", context, status=422)
    filters = form.cleaned_data if form.is_bound else {}
    chosen = [m for m in models if label_of(m) == filters.get("model")] or models
    page = filters.get("page") or 1
    changes, more = page_of_changes(chosen, user_id=filters.get("user"), page=page)
    kept = {k: filters[k] for k in ("model", "user") if filters.get(k)}
    context.update(
        changes=changes,
        page=page,
        previous_url=f"?{urlencode(kept | {'page': page - 1})}" if page > 1 else "",
        next_url=f"?{urlencode(kept | {'page': page + 1})}" if more else "",
        model_filter=kept.get("model", ""),
    )
    return render(request, "audit/history.html", context)
