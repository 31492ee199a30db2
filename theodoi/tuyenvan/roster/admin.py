from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from theodoi.core.admin import WithinReach

from .models import (
    Board,
    BoardMember,
    ConferenceDate,
    OfficialProfile,
    RosterEntry,
    RosterRound,
    RulesDocument,
    Team,
    TeamMember,
    Unavailability,
)


class BoardMemberInline(WithinReach, admin.TabularInline):
    model = BoardMember
    extra = 0


class RulesInline(WithinReach, admin.TabularInline):
    model = RulesDocument
    extra = 0


@admin.register(Board)
class BoardAdmin(WithinReach, SimpleHistoryAdmin):
    list_display = ["name", "unit"]
    search_fields = ["name", "unit__name"]
    inlines = [BoardMemberInline, RulesInline]
    raw_id_fields = ["unit"]


class TeamMemberInline(WithinReach, admin.TabularInline):
    model = TeamMember
    extra = 0


@admin.register(Team)
class TeamAdmin(WithinReach, SimpleHistoryAdmin):
    list_display = ["village_name", "commune"]
    search_fields = ["village_name", "commune__name"]
    inlines = [TeamMemberInline]
    raw_id_fields = ["commune", "village"]


@admin.register(RosterRound)
class RosterRoundAdmin(WithinReach, SimpleHistoryAdmin):
    list_display = ["__str__", "province", "status"]


@admin.register(RosterEntry)
class RosterEntryAdmin(WithinReach, SimpleHistoryAdmin):
    list_display = ["day", "commune", "official", "kind", "round"]
    list_filter = ["round", "kind"]
    raw_id_fields = ["commune", "official", "edited_by"]


@admin.register(OfficialProfile)
class OfficialProfileAdmin(WithinReach, SimpleHistoryAdmin):
    list_display = ["user", "follows_district"]
    raw_id_fields = ["user", "follows_district"]


@admin.register(Unavailability)
class UnavailabilityAdmin(WithinReach, SimpleHistoryAdmin):
    list_display = ["user", "start", "end", "reason"]
    raw_id_fields = ["user"]


@admin.register(ConferenceDate)
class ConferenceDateAdmin(WithinReach, SimpleHistoryAdmin):
    list_display = ["commune", "month", "day", "is_default"]
    raw_id_fields = ["commune"]
