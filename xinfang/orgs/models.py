from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models

from xinfang.core.models import TimeStampedModel
from xinfang.orgs.roles import Role


class OrgKind(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县/区"
    TOWNSHIP = "township", "乡镇/街道"
    VILLAGE = "village", "村/社区"
    DEPARTMENT = "department", "职能部门"
    PETITION_BUREAU = "petition_bureau", "信访局/信访办"
    DISCIPLINE = "discipline", "纪检监察"
    COURT = "court", "法院/检察院/政法"


# Territorial levels, parents before children: a region code belongs to one of these.
TERRITORIAL_KINDS = (OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY, OrgKind.TOWNSHIP, OrgKind.VILLAGE)

region_code_validator = RegexValidator(r"^\d{6}$", "行政区划代码应为6位数字。")


class Organisation(TimeStampedModel):
    """A node of the organisation tree.

    `path` is the materialised chain of ids ("/1/4/17/"), so a subtree is one
    indexed prefix query. Region codes follow GB/T 2260; townships and
    villages carry their county's 6-digit code plus an optional longer
    statistical code in `area_code`.
    """

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    region_code = models.CharField("行政区划代码", max_length=6, validators=[region_code_validator])
    area_code = models.CharField("统计用区划代码", max_length=12, blank=True)
    path = models.CharField(max_length=255, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    case_number_prefix = models.CharField("信访件编号前缀", max_length=32, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="org_unique_name_under_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def full_name(self) -> str:
        """A unit's name as people say it: a department or bureau with its territory
        (西湖区信访局), a territorial unit by its own name (北山街道)."""
        if self.parent and self.kind not in TERRITORIAL_KINDS:
            return f"{self.parent.name}{self.name}"
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        """Keep `path`, `depth` and the case-number prefix true; a move re-roots the subtree."""
        old_path = self.path
        if self.pk is None:
            super().save(*args, **kwargs)  # type: ignore[arg-type]
            kwargs = {}
        parent_path = self.parent.path if self.parent_id and self.parent else "/"
        self.path = f"{parent_path}{self.pk}/"
        self.depth = self.path.count("/") - 2
        if not self.case_number_prefix:
            # A bureau numbers as XF-<region>; any other receiving unit adds its id to stay unique.
            self.case_number_prefix = (
                f"XF-{self.region_code}"
                if self.kind == OrgKind.PETITION_BUREAU
                else f"XF-{self.region_code}-{self.pk}"
            )
            if (
                Organisation.objects.filter(case_number_prefix=self.case_number_prefix)
                .exclude(pk=self.pk)
                .exists()
            ):
                self.case_number_prefix = f"XF-{self.region_code}-{self.pk}"
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        if old_path and old_path != self.path:
            for child in Organisation.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                child.path = self.path + child.path[len(old_path) :]
                child.depth = child.path.count("/") - 2
                Organisation.objects.filter(pk=child.pk).update(path=child.path, depth=child.depth)

    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to and including this organisation."""
        return [int(part) for part in self.path.strip("/").split("/") if part]


class User(AbstractUser):
    organisation = models.ForeignKey(
        Organisation, verbose_name="所属单位", null=True, on_delete=models.PROTECT, related_name="members"
    )
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.REGISTRAR)
    full_name = models.CharField("姓名", max_length=50, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def role_label(self) -> str:
        return Role(self.role).label


class LoginFailure(models.Model):
    """One failed login; recent rows per user name or address throttle further attempts."""

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
