"""The citizens' portal's own records: query codes (only their keyed digests), the system account
that registers an office's web petitions, failed lookups (throttling), and the published weekly
figures."""

from django.conf import settings
from django.db import models


class QueryCode(models.Model):
    """The petitioner's key to follow a case online (查询码). Only an HMAC of the code is kept
    (crypto.keyed_digest), so nobody reading the database can follow anyone's case."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="query_code")
    digest = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField("发放时间")
    # None: given to the petitioner on the receipt page of an online submission.
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # When the receipt page showed the code; it is never shown again.
    receipt_shown_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "查询码"
        verbose_name_plural = "查询码"


class PortalAccount(models.Model):
    """The system account (网上信访) under which an office registers the petitions it receives
    online: a registrar of that office with an unusable password, so nobody can log in as it."""

    office = models.OneToOneField("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "网上信访系统账号"
        verbose_name_plural = "网上信访系统账号"


class LookupFailure(models.Model):
    """One failed lookup; recent rows per address and per case throttle further attempts. Kept in
    the database so every app server process counts the same attempts."""

    ip_address = models.GenericIPAddressField(null=True)
    # Set when the code was right but the phone digits were not.
    case = models.ForeignKey("cases.Case", null=True, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["ip_address", "at"], name="portal_failure_ip_at"),
            models.Index(fields=["case", "at"], name="portal_failure_case_at"),
        ]


class WeeklyFigures(models.Model):
    """The published figures of one week (Monday to Sunday) for all cases or one region: raw
    counts; the page suppresses small groups when it shows them."""

    week_start = models.DateField()
    scope = models.CharField(max_length=20)  # "all" or "org:<id>" of a region
    figures = models.JSONField()
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["week_start", "scope"], name="one_figures_per_week_scope")
        ]
