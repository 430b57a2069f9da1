"""Applicant organisations and the people who use the portal, with their roles."""
from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import OrganisationType, Role
from ..validators import validate_uscc
from .reference import County, Department


class Organisation(models.Model):
    """A building organisation (建设主体) or an entrusted consultancy (专业机构)."""

    name = models.CharField(_("名称"), max_length=120, unique=True)
    org_type = models.CharField(_("单位类型"), max_length=30, choices=OrganisationType.choices)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="organisations",
                               verbose_name=_("所在县(区)"))
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True,
                                   validators=[validate_uscc])
    contact_name = models.CharField(_("联系人"), max_length=40)
    contact_phone = models.CharField(_("联系电话"), max_length=30)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)

    class Meta:
        ordering = ["county__order", "name"]
        verbose_name = _("申报单位")
        verbose_name_plural = _("申报单位")

    def __str__(self):
        return self.name

    def clean(self):
        if self.credit_code:
            self.credit_code = self.credit_code.strip().upper()


class User(AbstractUser):
    """A person: belongs to one organisation (applicants, consultants) or one department."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="members",
                                     verbose_name=_("所属单位"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="staff", verbose_name=_("所属部门"))
    phone = models.CharField(_("手机号码"), max_length=30, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(organisation__isnull=False, department__isnull=False),
                name="user_in_one_organisation_or_department",
            ),
        ]

    def __str__(self):
        full = f"{self.last_name}{self.first_name}".strip()
        return full or self.username

    @property
    def signature(self) -> str:
        """How the user signs an action: name and affiliation, e.g. 王芳（宜州区教育局）."""
        affiliation = self.department or self.organisation
        return f"{self}（{affiliation}）" if affiliation else str(self)

    @cached_property
    def roles(self) -> frozenset[str]:
        """The role keys this user holds (one query, then cached on the instance)."""
        if not self.pk:
            return frozenset()
        return frozenset(self.role_grants.values_list("role", flat=True))

    def has_role(self, role: str) -> bool:
        return self.is_active and role in self.roles

    def clean(self):
        super().clean()
        if self.organisation_id and self.department_id:
            raise ValidationError(_("用户只能属于一个单位或一个部门。"))


class RoleGrant(models.Model):
    """One role held by one user; a user may hold several (DOMAIN §2)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants",
                             verbose_name=_("用户"))
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="unique_role_per_user"),
        ]

    def __str__(self):
        return self.get_role_display()

    def clean(self):
        user = self.user
        if self.role in {Role.APPLICANT, Role.CONSULTANT} and not user.organisation_id:
            raise ValidationError(_("申报单位和专业机构的用户必须属于一个单位。"))
        if self.role in {Role.COUNTY_OFFICER, Role.COUNTY_ECOLOGY}:
            if not user.department_id or user.department.county_id is None:
                raise ValidationError(_("县(区)角色的用户必须属于一个县(区)部门。"))
            if self.role == Role.COUNTY_ECOLOGY and not user.department.body.is_ecology:
                raise ValidationError(_("属地生态环境部门角色只能授予县(区)生态环境局的用户。"))
        if self.role in {Role.CITY_OFFICER, Role.ECOLOGY_ADMIN}:
            if not user.department_id or user.department.county_id is not None:
                raise ValidationError(_("市级角色的用户必须属于一个市级部门。"))
            if self.role == Role.ECOLOGY_ADMIN and not user.department.body.is_ecology:
                raise ValidationError(_("管理员角色只能授予市生态环境局的用户。"))
