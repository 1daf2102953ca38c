"""Issued documents, their number counters, and the templates an administrator uploads.

A document's .docx is kept in the database, not on disk, so the document and
the case change it belongs to commit or roll back together.
"""

from collections.abc import Collection

from django.conf import settings
from django.db import models

from xinfang.documents.kinds import DocumentKind

BUILT_IN = "built-in"


class DocumentTemplate(models.Model):
    """An uploaded .docx for one kind; the active one replaces the built-in template."""

    kind = models.CharField("文书种类", max_length=30, choices=DocumentKind.choices)
    content = models.BinaryField("模板文件", editable=False)
    original_name = models.CharField("文件名", max_length=255, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "文书模板"
        verbose_name_plural = "文书模板"
        ordering = ["kind", "-uploaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=models.Q(active=True), name="one_active_template_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.original_name}）"

    def validate_constraints(self, exclude: Collection[str] | None = None) -> None:
        # A new active upload retires the kind's previous one when saved (do_save_template),
        # so a form must not refuse it for the one-active-per-kind rule the database keeps.
        super().validate_constraints(exclude={*(exclude or ()), "kind"})


class DocumentNumberCounter(models.Model):
    """The last number issued per issuing body, kind and year; locked while a document is issued."""

    issuing_org = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField()
    last_seq = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["issuing_org", "kind", "year"], name="one_document_counter_per_org_kind_year"
            )
        ]


class CaseDocument(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField("文书种类", max_length=30, choices=DocumentKind.choices)
    number = models.CharField("文号", max_length=120)
    issuing_org = models.ForeignKey(
        "orgs.Organisation", verbose_name="出具单位", on_delete=models.PROTECT, related_name="+"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="出具人", on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField("出具时间")
    addressee = models.CharField("主送", max_length=200)
    fields = models.JSONField("填写内容", default=dict)
    content = models.BinaryField("文书文件")
    sha256 = models.CharField(max_length=64)
    # "built-in" or the id of the DocumentTemplate used, so a document can be traced to its template.
    template_source = models.CharField("模板来源", max_length=20)

    class Meta:
        verbose_name = "文书"
        verbose_name_plural = "文书"
        ordering = ["case_id", "issued_at", "id"]
        constraints = [
            # Per issuing body: two bodies may share a name (鼓楼区 is in several cities), and
            # their counters, hence their numbers, are independent.
            models.UniqueConstraint(fields=["issuing_org", "number"], name="document_number_unique_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"
