"""Messages to petitioners about their case (SMS, email) and the state of each delivery.

One Delivery row per (case, event occurrence, channel, recipient), created when the message is
queued and updated by the job that sends it. Its `idempotency_key` is unique, so a signal that
fires twice or a job that runs again finds the row and sends nothing more; the key also goes to
the SMS gateway, which answers a repeated key without sending again (a job retried after the
gateway took the message but its answer was lost). Delivery status is kept here, apart from the
case status (STYLE 9).
"""

from django.conf import settings
from django.db import models

from xinfang.core.models import TimeStampedModel


class Event(models.TextChoices):
    """What the petitioner is told of. Lifecycle codes map onto these in receivers.py."""

    REGISTERED = "registered", "登记"
    ACCEPTED = "accepted", "受理"
    REJECTED = "rejected", "不予受理"
    GUIDED = "guided", "导入法定途径"
    TRANSFERRED = "transferred", "转送/交办"
    EXTENDED = "extended", "延期"
    REPLIED = "replied", "出具信访处理意见书"
    REVIEW_DECIDED = "review_decided", "出具复查意见书"
    RE_REVIEW_DECIDED = "re_review_decided", "出具复核意见书"
    WINDOW_CLOSING = "window_closing", "复查/复核申请期限将届满"


class ChannelName(models.TextChoices):
    SMS = "sms", "短信"
    EMAIL = "email", "电子邮件"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "待发送"  # queued, or waiting for its next attempt
    SENT = "sent", "已发送"  # the gateway or mail server took it
    FAILED = "failed", "发送失败"  # refused, or out of attempts: not retried


class Delivery(TimeStampedModel):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="notifications")
    event = models.CharField("通知事项", max_length=20, choices=Event.choices)
    # The occurrence: the history event of the step, or the petitioner's window (WINDOW_CLOSING).
    case_event = models.ForeignKey(
        "cases.CaseEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.ForeignKey(
        "deadlines.Deadline", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(  # whose step it was (None: the periodic job)
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField("渠道", max_length=10, choices=ChannelName.choices)
    petitioner = models.ForeignKey(
        "people.Petitioner", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The address encrypted like the petitioner's own record; only the delivery job decrypts it.
    recipient_cipher = models.TextField()
    recipient_digest = models.CharField(max_length=64)  # blind index: one message per number per event
    recipient_mask = models.CharField("接收人", max_length=60)
    subject = models.CharField("标题", max_length=100)
    text = models.TextField("内容")
    idempotency_key = models.CharField(max_length=64, unique=True)
    status = models.CharField(
        "状态", max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("发送次数", default=0)
    last_error = models.CharField("最近错误", max_length=300, blank=True)
    provider_message_id = models.CharField("服务商消息编号", max_length=200, blank=True)
    last_attempt_at = models.DateTimeField("最近发送时间", null=True, blank=True)
    next_attempt_at = models.DateTimeField("下次发送时间", null=True, blank=True)
    # A job sending it holds it until then; another job finding it held sends nothing.
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField("发送成功时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知记录"
        verbose_name_plural = "通知记录"
        ordering = ["case_id", "created_at", "id"]
        indexes = [
            # The stalled-delivery sweep reads pending rows by their due time.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="delivery_pending_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.event} {self.channel} {self.recipient_mask}"
