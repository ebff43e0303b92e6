from django.contrib import admin

from digests.models import Digest, DigestWeek, Subscription


@admin.register(DigestWeek)
class DigestWeekAdmin(admin.ModelAdmin):
    list_display = ["__str__", "week_start", "built_at"]
    readonly_fields = ["week_start", "built_at"]
    date_hierarchy = "week_start"

    def has_add_permission(self, request):
        # Weeks are built by the worker's job (send_weekly_digests), never typed in.
        return False


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = [
        "week",
        "kim",
        "district",
        "post_count",
        "fact_check_count",
        "training_count",
        "aspiration_count",
    ]
    list_select_related = ["week", "kim", "district"]
    list_filter = ["week"]
    search_fields = ["kim__name", "district__name"]
    raw_id_fields = ["week", "kim", "district"]
    readonly_fields = ["built_at"]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "kim", "district", "language", "created_at", "confirmed_at"]
    list_select_related = ["kim", "district"]
    list_filter = ["confirmed_at", "language"]
    search_fields = ["email", "kim__name", "district__name"]
    raw_id_fields = ["kim", "district"]
    readonly_fields = ["created_at", "confirmed_at", "last_sent_week"]
