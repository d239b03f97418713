import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

import access

from . import calendar
from .models import CalendarFeed, Notification


@login_required
def notification_list(request):
    """What was sent to the user and when, newest first; opening the list marks nothing read by itself."""
    page = Paginator(access.notifications_of(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "meetings/notifications.html", {"page": page})


@login_required
def notification_open(request, pk):
    notification = get_object_or_404(access.notifications_of(request.user), pk=pk)
    if notification.read_at is None:
        Notification.objects.filter(pk=pk).update(read_at=timezone.now())
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.url)
    return redirect("notifications:notifications")


@login_required
@require_POST
def notifications_read(request):
    access.notifications_of(request.user).filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("notifications:notifications")


@login_required
def calendar_settings(request):
    feed = CalendarFeed.objects.filter(user=request.user).first()
    return render(request, "meetings/calendar.html", {"feed": feed})


@login_required
@require_POST
def calendar_renew(request):
    """Creates the private address, or replaces it: the old address stops working at once."""
    CalendarFeed.objects.update_or_create(user=request.user, defaults={"token": secrets.token_urlsafe(32)})
    messages.success(request, _("Your calendar address is ready; any earlier address no longer works."))
    return redirect("notifications:calendar")


@login_required
@require_POST
def calendar_revoke(request):
    CalendarFeed.objects.filter(user=request.user).delete()
    messages.success(request, _("Your calendar address was revoked."))
    return redirect("notifications:calendar")


def calendar_feed(request, token):
    """The private iCalendar feed; the unguessable token in the address is the only key."""
    meetings = access.calendar_meetings_of(access.calendar_feed_owner(token))
    return HttpResponse(calendar.feed_for(meetings), content_type="text/calendar; charset=utf-8")
