"""Expert panels: which expert reviews which project, and by when."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models_rubrics import Criterion, Rubric  # noqa: F401  (rubrics live apart)


class ExpertAssignment(models.Model):
    """An expert of the city's pool assigned to review one project."""

    project = models.ForeignKey("pilots.Project", on_delete=models.CASCADE,
                                related_name="expert_assignments", verbose_name=_("试点项目"))
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="expert_assignments", verbose_name=_("专家"))
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("指派人"))
    assigned_at = models.DateTimeField(_("指派时间"), default=timezone.now)
    scoring_deadline = models.DateField(_("评分截止日期"), null=True, blank=True,
                                        help_text=_("提交专家评审时确定。"))

    class Meta:
        ordering = ["project", "assigned_at"]
        verbose_name = _("专家指派")
        verbose_name_plural = _("专家指派")
        constraints = [
            models.UniqueConstraint(fields=["project", "expert"], name="one_assignment_per_expert"),
        ]

    def __str__(self):
        return f"{self.expert} → {self.project}"
