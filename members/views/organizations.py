from collections import Counter

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

import access
from core.views import form_page

from ..forms import CellSettingsForm
from ..models import Member, Organization, Role, StatusPeriod


@login_required
def home(request):
    user_access = access.access_for(request.user)
    if user_access.is_reviewer:
        return redirect("members:tree")
    if user_access.own_cell_id:
        return redirect("meetings:cell", user_access.own_cell_id)
    return render(request, "members/no_access.html")


def tree_rows(organizations: list[Organization]) -> list[dict]:
    """Rows of an indented tree with members and cells counted up every branch (one more query)."""
    counts = dict(
        Member.objects.current()
        .filter(cell__in=[o for o in organizations if o.is_cell])
        .values_list("cell")
        .annotate(n=Count("pk"))
    )
    members, cells = Counter(), Counter()
    for org in organizations:
        for depth in range(1, org.depth + 1):
            prefix = org.path[: depth * org.steplen]
            members[prefix] += counts.get(org.pk, 0)
            cells[prefix] += org.is_cell
    top = min((o.depth for o in organizations), default=1)
    return [
        {"org": o, "members": members[o.path], "cells": cells[o.path], "indent": o.depth - top}
        for o in organizations
    ]


@login_required
def tree(request):
    rows = tree_rows(list(access.organizations_visible_to(request.user)))
    return render(request, "members/tree.html", {"rows": rows})


@login_required
def organization(request, pk):
    org, may = access.organization_for(request.user, pk)
    user_access = access.access_for(request.user)
    today = timezone.localdate()
    context = {
        "org": org,
        "ancestors": [(a, user_access.sees(a)) for a in Organization.objects.get_ancestors(org)],
        "roles": Role.objects.active_on(today).filter(organization=org).select_related("member"),
        "can_manage": may.manage,
        "can_read_members": may.read,
        "guides": may.guide,
    }
    if org.is_cell:
        context.update(_cell_roster(org, today, full=may.read))
    else:
        context["rows"] = tree_rows(list(Organization.objects.under(org)))
    return render(request, "members/organization.html", context)


def _cell_roster(cell, today, *, full: bool) -> dict:
    members = list(Member.objects.current().filter(cell=cell))
    periods = StatusPeriod.objects.active_on(today).filter(member__in=members)
    by_member: dict[int, list] = {}
    for p in periods:
        by_member.setdefault(p.member_id, []).append(p)
    for m in members:
        m.current_periods = by_member.get(m.pk, [])
    counts = Counter(m.status for m in members)
    return {
        "members": members if full else [],
        "n_members": len(members),
        "n_official": counts[Member.Status.OFFICIAL],
        "n_probationary": counts[Member.Status.PROBATIONARY],
        "n_exempt": sum(1 for p in periods if p.kind == StatusPeriod.Kind.EXEMPT),
    }


@login_required
@require_http_methods(["GET", "POST"])
def cell_settings(request, pk):
    org, _may = access.organization_for(request.user, pk, need="manage")
    form = CellSettingsForm(request.POST or None, instance=org)

    def done(form):
        return form.save(), _("The cell's settings were saved.")

    return form_page(request, form, "members/cell_settings.html", {"org": org}, done=done)
