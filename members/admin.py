from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from .models import Member, Membership, Organization, Role, StatusPeriod, Supervision


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin, TreeAdmin):
    form = movenodeform_factory(Organization)
    list_display = ["name", "kind", "code", "meeting_day"]
    search_fields = ["name"]


class StatusPeriodInline(admin.TabularInline):
    model = StatusPeriod
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "cell", "status", "admission_date"]
    list_filter = ["status"]
    search_fields = ["full_name", "card_number"]
    autocomplete_fields = ["cell", "user"]
    inlines = [StatusPeriodInline, MembershipInline]


@admin.register(Role)
class RoleAdmin(SimpleHistoryAdmin):
    list_display = ["member", "kind", "organization", "term", "starts_on", "ends_on"]
    list_filter = ["kind"]
    autocomplete_fields = ["member", "organization"]


@admin.register(Supervision)
class SupervisionAdmin(SimpleHistoryAdmin):
    list_display = ["officer", "cell", "starts_on", "ends_on"]
    autocomplete_fields = ["officer", "cell"]


@admin.register(StatusPeriod)
class StatusPeriodAdmin(SimpleHistoryAdmin):
    list_display = ["member", "kind", "starts_on", "ends_on"]
    list_filter = ["kind"]
    list_select_related = ["member"]
    autocomplete_fields = ["member"]
    raw_id_fields = ["recorded_by"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["member", "cell", "started_on", "ended_on"]
    list_select_related = ["member", "cell"]
    autocomplete_fields = ["member", "cell"]
    raw_id_fields = ["recorded_by"]
