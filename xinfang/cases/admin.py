from django.contrib import admin

from xinfang.cases.models import Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    """Cases themselves are not edited here: every change to a case is an action with history."""

    list_display = ["full_name", "level"]
    list_filter = ["level"]
    search_fields = ["name", "full_name"]
