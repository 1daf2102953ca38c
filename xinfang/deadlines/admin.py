from django.contrib import admin

from xinfang.deadlines.models import HolidayDay, HolidayYear


class HolidayDayInline(admin.TabularInline):
    model = HolidayDay
    extra = 5
    fields = ["date", "kind", "name"]


@admin.register(HolidayYear)
class HolidayYearAdmin(admin.ModelAdmin):
    """A year's schedule is entered on one page: the notice it comes from and its changed days."""

    list_display = ["year", "source", "entered_at"]
    readonly_fields = ["entered_at"]
    inlines = [HolidayDayInline]


@admin.register(HolidayDay)
class HolidayDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name", "holiday_year"]
    list_filter = ["kind", "holiday_year"]
    date_hierarchy = "date"
    search_fields = ["name"]
