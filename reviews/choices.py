"""Stable keys of expert review, with their translatable labels."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExpertiseField(models.TextChoices):
    """The fields of expertise the expert pool is kept by (专业领域)."""

    ENERGY = "energy", _("能源")
    BUILDINGS = "buildings", _("建筑")
    TRANSPORT = "transport", _("交通")
    INDUSTRY = "industry", _("工业")
    CARBON_ACCOUNTING = "carbon_accounting", _("碳排放核算")
    ECOLOGY_CARBON_SINK = "ecology_carbon_sink", _("生态与碳汇")
    MANAGEMENT = "management", _("管理")


class ConflictType(models.TextChoices):
    """Kinds of conflict of interest, as HotCRP types them."""

    INSTITUTIONAL = "institutional", _("任职单位")
    COLLABORATOR = "collaborator", _("合作/咨询关系")
    PERSONAL = "personal", _("个人关系")
    OTHER = "other", _("其他")


class ReviewKind(models.TextChoices):
    """What a panel judges: an application (selection) or a pilot's acceptance."""

    SELECTION = "selection", _("遴选评审")
    ACCEPTANCE = "acceptance", _("验收评审")
