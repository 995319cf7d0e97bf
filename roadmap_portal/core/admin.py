from django.contrib import admin

from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["subject", "to_email", "topic", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "topic"]
    search_fields = ["to_email", "subject", "message_id"]
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]
