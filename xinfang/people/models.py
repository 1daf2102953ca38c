"""Petitioners. ID number, phones, address and email are stored encrypted, with a
blind index for exact matching and a mask for lists; full values are only
returned by `people.selectors.reveal_petitioner`, which logs the view."""

from django.conf import settings
from django.db import models

from xinfang.core.models import TimeStampedModel


class Petitioner(TimeStampedModel):
    name = models.CharField("姓名", max_length=50, blank=True, db_index=True)
    is_anonymous = models.BooleanField("匿名", default=False)
    gender = models.CharField("性别", max_length=1, blank=True)
    # Only the year: the mask shows the ID number's region and last four, and with
    # the full birth date in clear the whole number could be rebuilt.
    birth_year = models.PositiveSmallIntegerField("出生年份", null=True, blank=True)
    id_number_cipher = models.TextField(blank=True)
    id_number_digest = models.CharField(max_length=64, blank=True, db_index=True)
    id_number_mask = models.CharField("身份证号", max_length=18, blank=True)
    address_cipher = models.TextField(blank=True)
    address_mask = models.CharField("住址", max_length=20, blank=True)
    # Optional, for notifications by email; the blind index (of the lower-cased address) keys a
    # delivery without decrypting the address when it is queued.
    email_cipher = models.TextField(blank=True)
    email_digest = models.CharField(max_length=64, blank=True)
    email_mask = models.CharField("电子邮箱", max_length=60, blank=True)
    region = models.ForeignKey(
        "orgs.Organisation", verbose_name="户籍/居住地", null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = "信访人"
        verbose_name_plural = "信访人"
        constraints = [
            # One record per person: the same ID number is the same petitioner.
            models.UniqueConstraint(
                fields=["id_number_digest"],
                condition=~models.Q(id_number_digest=""),
                name="one_petitioner_per_id",
            )
        ]

    def __str__(self) -> str:
        return "匿名" if self.is_anonymous else self.name

    @property
    def phone_masks(self) -> list[str]:
        return [phone.mask for phone in self.phones.all()]


class PetitionerPhone(models.Model):
    petitioner = models.ForeignKey(Petitioner, on_delete=models.CASCADE, related_name="phones")
    cipher = models.TextField()
    digest = models.CharField(max_length=64, db_index=True)
    mask = models.CharField(max_length=20)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["petitioner", "digest"], name="phone_once_per_petitioner")
        ]


class PersonalDataView(models.Model):
    """Who saw a petitioner's full personal data, when, in which case."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    petitioner = models.ForeignKey(Petitioner, on_delete=models.PROTECT)
    case = models.ForeignKey("cases.Case", null=True, on_delete=models.PROTECT)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True)
    purpose = models.CharField(max_length=50, default="case_detail")

    class Meta:
        verbose_name = "个人信息查看记录"
        verbose_name_plural = "个人信息查看记录"
        ordering = ["-at"]


class PetitionerMatchKey(models.Model):
    """Keys for finding the same person without an ID number or phone (people.matching): the
    name's pinyin (whole and with one syllable wildcarded) and the address's distinctive words,
    each stored as a keyed digest, so the table reveals no name or address."""

    petitioner = models.ForeignKey(Petitioner, on_delete=models.CASCADE, related_name="match_keys")
    digest = models.CharField(max_length=64, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["petitioner", "digest"], name="match_key_once_per_petitioner")
        ]
