from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

import access
from core.views import form_page

from ..forms import MemberForm, RecognitionForm, StatusPeriodForm, TransferForm
from ..models import Invitation, Member, StatusPeriod
from ..services import create_member, transfer_member


@login_required
def member_detail(request, pk):
    member, may = access.member_for(request.user, pk)
    context = {
        "member": member,
        "can_manage": may.manage,
        "periods": member.status_periods.all(),
        "memberships": member.memberships.select_related("cell"),
        "roles": member.roles.select_related("organization"),
    }
    return render(request, "members/member_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request, pk):
    cell, _may = access.organization_for(request.user, pk, need="manage")
    if not cell.is_cell:
        messages.error(request, _("Members are added to a party cell, not to a committee."))
        return redirect(cell)
    form = MemberForm(request.POST or None, instance=Member(cell=cell))

    def done(form):
        member = create_member(member=form.save(commit=False), cell=cell, by=request.user)
        return member, _("%(name)s was added to the cell.") % {"name": member.full_name}

    return form_page(request, form, "members/member_form.html", {"cell": cell}, done=done)


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, pk):
    member, _may = access.member_for(request.user, pk, need="manage")
    form = MemberForm(request.POST or None, instance=member)

    def done(form):
        return form.save(), _("The changes were saved.")

    context = {"member": member, "cell": member.cell}
    return form_page(request, form, "members/member_form.html", context, done=done)


@login_required
@require_http_methods(["GET", "POST"])
def member_transfer(request, pk):
    member, _may = access.member_for(request.user, pk, need="manage")
    form = TransferForm(request.POST or None, member=member)

    def done(form):
        old_cell = member.cell
        transfer_member(member=member, by=request.user, **form.cleaned_data)
        to_cell, on = form.cleaned_data["to_cell"], form.cleaned_data["on"]
        if member.cell_id == to_cell.pk:
            return old_cell, _("%(name)s was moved to %(cell)s.") % {
                "name": member.full_name,
                "cell": to_cell,
            }
        return old_cell, _(
            "%(name)s will move to %(cell)s on %(date)s; until then they belong to this cell."
        ) % {"name": member.full_name, "cell": to_cell, "date": on.strftime("%d/%m/%Y")}

    return form_page(request, form, "members/member_transfer.html", {"member": member}, done=done)


@login_required
@require_http_methods(["GET", "POST"])
def status_create(request, pk):
    member, _may = access.member_for(request.user, pk, need="manage")
    form = StatusPeriodForm(request.POST or None, instance=StatusPeriod(member=member))

    def done(form):
        form.instance.recorded_by = request.user
        form.save()
        return member, _("The status was recorded.")

    return form_page(request, form, "members/status_form.html", {"member": member}, done=done)


@login_required
@require_http_methods(["GET", "POST"])
def status_edit(request, pk):
    period, _may = access.status_period_for(request.user, pk, need="manage")
    member = period.member
    form = StatusPeriodForm(request.POST or None, instance=period)

    def done(form):
        form.save()
        return member, _("The status was updated.")

    return form_page(
        request, form, "members/status_form.html", {"member": member, "period": period}, done=done
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_recognise(request, pk):
    member, _may = access.member_for(request.user, pk, need="manage")
    if member.status != Member.Status.PROBATIONARY:
        messages.error(request, _("Only a probationary member can be recognised as official."))
        return redirect(member)
    form = RecognitionForm(request.POST or None, member=member)

    def done(form):
        member.recognise_official(on=form.cleaned_data["official_date"])
        return member, _("%(name)s is now an official member.") % {"name": member.full_name}

    return form_page(request, form, "members/member_recognise.html", {"member": member}, done=done)


@login_required
@require_POST
def member_invite(request, pk):
    member, _may = access.member_for(request.user, pk, need="manage")
    if member.user_id:
        messages.error(request, _("This member already has a login."))
        return redirect(member)
    invitation, code = Invitation.issue(member=member, created_by=request.user)
    return render(
        request, "members/member_invitation.html", {"member": member, "invitation": invitation, "code": code}
    )
