"""What was suggested and accepted. Suggestions change nothing by themselves: a row here is
written only when a person accepts one, with the version of the model that made it."""

from django.conf import settings
from django.db import models


class Capability(models.TextChoices):
    TOPIC = "topic", "内容分类"
    KIND = "kind", "问题性质"
    UNIT = "unit", "责任单位"
    SAME_PERSON = "same_person", "同一信访人"
    SAME_MATTER = "same_matter", "同一事项"
    REPLY_DRAFT = "reply_draft", "意见书草稿"


class AcceptedSuggestion(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="accepted_suggestions")
    capability = models.CharField("建议类型", max_length=20, choices=Capability.choices)
    value = models.CharField("采用的值", max_length=200)
    label = models.CharField("建议内容", max_length=200)
    confidence = models.FloatField("置信度")
    version = models.CharField("模型版本", max_length=80)
    reason = models.CharField("依据", max_length=300, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField("采用时间", auto_now_add=True)

    class Meta:
        verbose_name = "采用的智能建议"
        verbose_name_plural = "采用的智能建议"
        ordering = ["case_id", "id"]
