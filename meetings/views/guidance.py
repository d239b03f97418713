from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

import access
from core.months import next_month
from core.views import confirmation_page, form_page

from .. import services
from ..forms import DocumentForm, GuidanceForm
from ..models import Guidance


@login_required
@require_http_methods(["GET", "POST"])
def guidance_list(request, pk):
    """A committee's monthly guidance, and the form for the next one."""
    organization, _may = access.organization_for(request.user, pk, need="guide")
    form = GuidanceForm(request.POST or None, initial={"month": next_month(timezone.localdate())})

    def done(form):
        form.instance.organization = organization
        form.instance.created_by = request.user
        return form.save(), _("The guidance was saved as a draft; attach documents, then publish it.")

    context = {"organization": organization, "guidances": Guidance.objects.filter(organization=organization)}
    return form_page(request, form, "meetings/guidance_list.html", context, done=done)


@login_required
def guidance_detail(request, pk):
    guidance, may = access.guidance_for(request.user, pk)
    guides = may.manage
    context = {
        "guidance": guidance,
        "can_manage": guides,
        "uptake": services.guidance_uptake(guidance) if guides else None,
        "document_form": DocumentForm() if guides else None,
    }
    return render(request, "meetings/guidance_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def guidance_publish(request, pk):
    guidance, _may = access.guidance_for(request.user, pk, need="manage")
    if request.method == "GET":
        back = guidance.get_absolute_url()
        return confirmation_page(request, guidance, "meetings/_confirm_guidance.html", back=back)
    if guidance.published_at:
        messages.info(request, _("This guidance was already published."))
    else:
        n = services.publish_guidance(guidance=guidance, by=request.user)
        messages.success(request, _("Published; it was added to %(n)d draft agendas.") % {"n": n})
    return redirect(guidance)
