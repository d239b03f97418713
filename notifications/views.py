import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

import access
from core.views import form_page

from . import calendar, notify, webpush
from .forms import ChannelsForm
from .models import CalendarFeed, Channels, Notification


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


@login_required
def notification_settings(request):
    """Where the user's notifications go (the app's list always; email and push as they choose) and the
    devices where push is on: this one is turned on or off by static/js/push.js."""
    channels = Channels.objects.filter(user=request.user).first() or Channels(user=request.user)
    form = ChannelsForm(request.POST or None, instance=channels, push_available=webpush.configured())

    def done(form):
        notify.set_channels(request.user, email=form.cleaned_data["email"], push=form.cleaned_data["push"])
        return reverse("notifications:settings"), _("Your notification settings were saved.")

    context = {
        "devices": access.push_subscriptions_of(request.user),
        "vapid_public_key": settings.VAPID_PUBLIC_KEY if webpush.configured() else "",
        "email_address": notify.email_address(request.user),
    }
    return form_page(request, form, "notifications/settings.html", context, done=done)


@login_required
@require_POST
def push_subscribe(request):
    """This browser's push subscription (endpoint and keys, posted by static/js/push.js), the user's now."""
    if not webpush.configured():
        return JsonResponse({"error": _("Push notifications are not set up on this server.")}, status=400)
    try:
        webpush.subscribe(
            request.user,
            endpoint=request.POST.get("endpoint", "").strip(),
            p256dh=request.POST.get("p256dh", "").strip(),
            auth=request.POST.get("auth", "").strip(),
            user_agent=request.headers.get("User-Agent", ""),
        )
    except webpush.BadSubscription:
        return JsonResponse(
            {"error": _("This browser's push subscription cannot be used. Reload the page and try again.")},
            status=400,
        )
    return JsonResponse({"ok": True}, status=201)


@login_required
@require_POST
def push_unsubscribe(request):
    """This browser turned push off: its subscription is forgotten (only among the user's own)."""
    endpoint = request.POST.get("endpoint", "").strip()
    if not endpoint or len(endpoint) > 1000 or "\x00" in endpoint:  # no subscription has such an address
        return JsonResponse({"error": _("No device was named.")}, status=400)
    removed = webpush.unsubscribe(access.push_subscriptions_of(request.user), endpoint)
    return JsonResponse({"removed": removed})


@login_required
@require_POST
def push_remove(request, pk):
    """A device in the list (a lost phone, an old computer) gets no more push notifications."""
    device = get_object_or_404(access.push_subscriptions_of(request.user), pk=pk)
    webpush.unsubscribe(access.push_subscriptions_of(request.user).filter(pk=device.pk))
    messages.success(request, _("That device will get no more push notifications."))
    return redirect("notifications:settings")
