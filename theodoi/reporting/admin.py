from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from theodoi.core.admin import WithinReach

from .models import (
    Inspection,
    ProgressEntry,
    ProgressReport,
    ReminderSettings,
    ReportingPeriod,
    ReportingSchedule,
)


@admin.register(ReportingSchedule)
class ReportingScheduleAdmin(WithinReach, SimpleHistoryAdmin):
    list_display = ["plan", "kind", "rule", "days", "shift_off_days"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(WithinReach, SimpleHistoryAdmin):
    list_display = ["plan", "code", "title", "start", "end", "due"]
    list_filter = ["plan", "kind"]


class EntryInline(WithinReach, admin.TabularInline):
    model = ProgressEntry
    extra = 0
    fields = ["work_item", "role", "status", "percent"]
    readonly_fields = fields
    can_delete = False


@admin.register(ProgressReport)
class ProgressReportAdmin(WithinReach, SimpleHistoryAdmin):
    list_display = ["period", "unit", "state", "first_submitted_at"]
    list_filter = ["state", "period"]
    # The workflow changes reports (with revisions); the admin only reads them.
    readonly_fields = [
        "period",
        "unit",
        "state",
        "version",
        "first_submitted_at",
        "submitted_at",
        "decided_at",
        "comment",
    ]
    inlines = [EntryInline]


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(WithinReach, SimpleHistoryAdmin):
    pass


@admin.register(Inspection)
class InspectionAdmin(WithinReach, SimpleHistoryAdmin):
    pass
