from django.conf import settings
from django.db import models

from xinfang.cases import states
from xinfang.core.models import TimeStampedModel


class Channel(models.TextChoices):
    LETTER = "letter", "来信"
    VISIT = "visit", "来访"
    PHONE = "phone", "来电"
    WEB = "web", "网上信访"
    EMAIL = "email", "电子邮件"
    FAX = "fax", "传真"
    LEADER_RECEPTION = "leader_reception", "领导接待日"
    HANDED_DOWN = "handed_down", "上级交办/转送"


# Channels where people come in person, so head-count and collective-visit rules apply.
IN_PERSON_CHANNELS = frozenset({Channel.VISIT, Channel.LEADER_RECEPTION})
COLLECTIVE_HEAD_COUNT = 5  # 条例 Art.20: five or more with a common request
MAX_REPRESENTATIVES = 5


class Category(models.TextChoices):
    SUGGESTION = "suggestion", "建议意见类"
    ACCUSATION = "accusation", "检举控告类"
    APPEAL = "appeal", "申诉求决类"


class PartyRole(models.TextChoices):
    PRINCIPAL = "principal", "信访人"
    REPRESENTATIVE = "representative", "代表"
    COSIGNER = "cosigner", "联名人"


class Topic(models.Model):
    """内容分类: a three-level tree (一级 › 二级 › 三级)."""

    name = models.CharField(max_length=50)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    level = models.PositiveSmallIntegerField()
    full_name = models.CharField(max_length=160, unique=True)

    class Meta:
        verbose_name = "内容分类"
        verbose_name_plural = "内容分类"
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name


class CaseNumberCounter(models.Model):
    """The last case number issued per receiving office and year; locked while a case is registered."""

    organisation = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField()
    last_seq = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="one_counter_per_office_year")
        ]


class Case(TimeStampedModel):
    number = models.CharField("编号", max_length=40, unique=True)
    receiving_org = models.ForeignKey(
        "orgs.Organisation", verbose_name="登记单位", on_delete=models.PROTECT, related_name="received_cases"
    )
    responsible_org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="责任单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsible_cases",
    )
    registrar = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人（首问责任人）",
        on_delete=models.PROTECT,
        related_name="+",
    )
    channel = models.CharField("信访形式", max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField("收到时间")
    category = models.CharField("问题性质", max_length=20, choices=Category.choices)
    topic = models.ForeignKey(Topic, verbose_name="内容分类", on_delete=models.PROTECT)
    place_region = models.ForeignKey(
        "orgs.Organisation", verbose_name="问题发生地", on_delete=models.PROTECT, related_name="+"
    )
    place_address = models.CharField("详细地点", max_length=200, blank=True)
    accused = models.CharField("被反映人/单位", max_length=200, blank=True)
    accused_org = models.ForeignKey(
        "orgs.Organisation",
        verbose_name="被反映单位（系统内）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField("标题", max_length=200)
    facts = models.TextField("事实与理由", blank=True)
    request = models.TextField("信访诉求")
    head_count = models.PositiveIntegerField("人数", default=1)
    is_collective = models.BooleanField("集体访", default=False)
    is_repeat = models.BooleanField("重复信访", default=False)
    # 越级访: a visit received two or more territorial levels above the competent one (set at registration).
    is_skip_level = models.BooleanField("越级访", default=False)
    status = models.CharField("状态", max_length=30, choices=states.CHOICES, default=states.Status.REGISTERED)
    # Channel-specific details (which apply depends on the channel).
    handed_down_from = models.CharField("交办/转送机关", max_length=100, blank=True)
    handed_down_doc_no = models.CharField("交办文号", max_length=60, blank=True)
    reception_leader = models.CharField("接待领导", max_length=50, blank=True)
    letter_sender_postmark = models.CharField("来信邮戳/寄出地", max_length=100, blank=True)
    source_reference = models.CharField("来源编号", max_length=100, blank=True)
    submission_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    imported = models.BooleanField("历史导入", default=False)
    # Set by the lifecycle (xinfang.cases.workflow and the actions), never by a form.
    merged_into = models.ForeignKey(
        "self",
        verbose_name="并入事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_cases",
    )
    final_case = models.ForeignKey(
        "self",
        verbose_name="已终结的同一事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refused_repeats",
        help_text="不再受理: the earlier case whose re-review decision was final",
    )
    archived_at = models.DateTimeField("归档时间", null=True, blank=True)
    # The newest link of the case's hash chain, kept by events.append_event, so removing the newest
    # events (which leaves a shorter chain that is valid in itself) is still detected. Empty where
    # the history was written before this was kept (such chains are checked link by link only).
    history_length = models.PositiveIntegerField(default=0, editable=False)
    history_head = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = "信访事项"
        verbose_name_plural = "信访事项"
        indexes = [
            models.Index(fields=["receiving_org", "-received_at"], name="case_recv_org_time"),
            models.Index(fields=["responsible_org", "-received_at"], name="case_resp_org_time"),
            models.Index(fields=["status", "-received_at"], name="case_status_time"),
            models.Index(fields=["-received_at"], name="case_time"),
            models.Index(fields=["place_region", "-received_at"], name="case_place_time"),
            # Statistics group a period's cases by these columns: on PostgreSQL they are read from
            # the index alone (an index-only scan), never from the wide rows with their texts.
            models.Index(
                fields=["received_at"],
                include=[
                    "channel",
                    "category",
                    "status",
                    "is_collective",
                    "is_repeat",
                    "is_skip_level",
                    "head_count",
                    "topic",
                    "place_region",
                    "responsible_org",
                    "receiving_org",
                    "accused_org",
                ],
                name="case_stats_cover",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def status_label(self) -> str:
        return states.LABELS[states.Status(self.status)]

    @property
    def is_open(self) -> bool:
        return states.Status(self.status) in states.OPEN


class CaseParty(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    petitioner = models.ForeignKey("people.Petitioner", on_delete=models.PROTECT, related_name="parties")
    role = models.CharField("身份", max_length=20, choices=PartyRole.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "petitioner"], name="petitioner_once_per_case")
        ]


class CaseEvent(models.Model):
    """Append-only history of a case. Each event stores the hash of the one before it,
    so an edited or deleted row breaks the chain."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["case_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="event_seq_unique_per_case")]
        # Statistics find a period's steps of one kind (办结 in a month).
        indexes = [models.Index(fields=["kind", "at"], name="event_kind_time")]


class Attachment(models.Model):
    """A file kept outside the web root; only served through an access check."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    original_name = models.CharField(max_length=255)
    storage_name = models.CharField(max_length=100, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]


class StagedUpload(models.Model):
    """A checked upload waiting for its form to become valid, so a form error loses no file."""

    token = models.CharField(max_length=64, unique=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    original_name = models.CharField(max_length=255)
    storage_name = models.CharField(max_length=100, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)


class AppealLevel(models.TextChoices):
    REVIEW = "review", "复查"
    RE_REVIEW = "re_review", "复核"


class Appeal(models.Model):
    """A request for review (复查) or re-review (复核) of a case, linked to it so the original
    case keeps its whole history. The body is the next higher one (review) or the one above
    that (re-review); being an ancestor, it already sees the case in its scope."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="appeals")
    level = models.CharField("类别", max_length=10, choices=AppealLevel.choices)
    body = models.ForeignKey("orgs.Organisation", verbose_name="复查/复核机关", on_delete=models.PROTECT)
    requested_on = models.DateField("申请日期")
    grounds = models.TextField("申请理由")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField("决定日期", null=True, blank=True)
    outcome = models.CharField("结论", max_length=20, blank=True)
    hearing_held = models.BooleanField("已听证", default=False)

    class Meta:
        verbose_name = "复查复核"
        verbose_name_plural = "复查复核"
        ordering = ["case_id", "requested_on", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "level"], name="one_appeal_per_level")]


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASICALLY_SATISFIED = "basically", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"


class RatingSource(models.TextChoices):
    STAFF_CALL = "staff", "工作人员回访录入"
    ONLINE = "online", "信访人网上评价"


class Rating(models.Model):
    """The petitioner's rating of the reply (满意度评价), one per case."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="rating")
    level = models.CharField("评价", max_length=20, choices=Satisfaction.choices)
    comment = models.TextField("意见", blank=True)
    source = models.CharField("来源", max_length=10, choices=RatingSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    rated_at = models.DateTimeField("评价时间")

    class Meta:
        verbose_name = "满意度评价"
        verbose_name_plural = "满意度评价"
        indexes = [models.Index(fields=["rated_at"], name="rating_time")]


class CaseArchive(models.Model):
    """The complete file of an archived case: one ZIP (documents, attachments, history, index)."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="archive")
    storage_name = models.CharField(max_length=100, unique=True)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    archived_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    archived_at = models.DateTimeField()
