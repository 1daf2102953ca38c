"""Hot spots and their early warnings (热点预警), computed daily per territory from its cases."""

from django.db import models


class HotspotEntry(models.Model):
    """One hot spot of a territory's last 30 days, as the daily run found it. Rows of a run are
    replaced by the next run of the same day; earlier days stay, so a warning's history is kept."""

    territory = models.ForeignKey("orgs.Organisation", verbose_name="辖区", on_delete=models.PROTECT)
    computed_on = models.DateField("计算日期")
    window_start = models.DateField("统计起")
    window_end = models.DateField("统计止")
    rank = models.PositiveSmallIntegerField("排名")
    place = models.CharField("地点", max_length=100, blank=True)
    period = models.CharField("时段", max_length=40)
    heat = models.FloatField("热度")
    count = models.PositiveIntegerField("件数")
    persons = models.PositiveIntegerField("人数")
    growth = models.FloatField("增长", null=True)
    early_warning = models.BooleanField("预警", default=False)
    warning_reason = models.CharField("预警理由", max_length=300, blank=True)
    summary = models.TextField("说明")
    terms = models.JSONField("关键词", default=list)
    case_ids = models.JSONField("信访件", default=list)

    class Meta:
        verbose_name = "热点"
        verbose_name_plural = "热点"
        ordering = ["-computed_on", "rank"]
        indexes = [models.Index(fields=["territory", "-computed_on"], name="hotspot_territory_day")]
