"""Expert panels (which expert reviews which project, and by when) and the expert pool."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import ConflictType, ExpertiseField, ReviewKind
from .models_rubrics import Criterion, Rubric  # noqa: F401  (rubrics live apart)


class Panel(models.Model):
    """An expert panel (专家组): for selection, over the projects of one batch and category;
    for acceptance, over one project. Its members are the experts of its assignments."""

    kind = models.CharField(_("评审类型"), max_length=20, choices=ReviewKind.choices)
    batch = models.ForeignKey("pilots.Batch", on_delete=models.PROTECT, related_name="panels",
                              verbose_name=_("申报批次"))
    category = models.ForeignKey("pilots.Category", on_delete=models.PROTECT,
                                 related_name="panels", verbose_name=_("试点类别"))
    project = models.ForeignKey("pilots.Project", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="acceptance_panels",
                                verbose_name=_("验收项目"), help_text=_("仅验收评审专家组。"))
    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("组建人"))
    created_at = models.DateTimeField(_("组建时间"), default=timezone.now)
    scoring_deadline = models.DateField(_("评分截止日期"), null=True, blank=True,
                                        help_text=_("提交专家评审时确定。"))
    closed_at = models.DateTimeField(_("评分结束时间"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+",
                                  verbose_name=_("结束评分人"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("专家组")
        verbose_name_plural = _("专家组")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=ReviewKind.SELECTION, project__isnull=True)
                           | Q(kind=ReviewKind.ACCEPTANCE, project__isnull=False)),
                name="panel_subject_matches_kind"),
            models.UniqueConstraint(
                fields=["batch", "category"],
                condition=Q(kind=ReviewKind.SELECTION, closed_at__isnull=True),
                name="one_open_selection_panel"),
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(kind=ReviewKind.ACCEPTANCE, closed_at__isnull=True),
                name="one_open_acceptance_panel"),
        ]

    def __str__(self):
        if self.project_id:
            return f"{self.get_kind_display()} · {self.project}"
        return f"{self.get_kind_display()} · {self.batch} · {self.category}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class ExpertAssignment(models.Model):
    """An expert of the city's pool assigned, as a member of a panel, to review one project."""

    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="assignments",
                              verbose_name=_("专家组"))
    project = models.ForeignKey("pilots.Project", on_delete=models.CASCADE,
                                related_name="expert_assignments", verbose_name=_("试点项目"))
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="expert_assignments", verbose_name=_("专家"))
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("指派人"))
    assigned_at = models.DateTimeField(_("指派时间"), default=timezone.now)
    declared_at = models.DateTimeField(
        _("声明无利益冲突时间"), null=True, blank=True,
        help_text=_("专家声明与本项目无利益冲突之后，才能查看方案和附件。"))

    class Meta:
        ordering = ["project", "assigned_at"]
        verbose_name = _("专家指派")
        verbose_name_plural = _("专家指派")
        constraints = [
            models.UniqueConstraint(fields=["panel", "project", "expert"],
                                    name="one_assignment_per_panel_expert"),
        ]

    def __str__(self):
        return f"{self.expert} → {self.project}"

    @property
    def declared(self) -> bool:
        return self.declared_at is not None

    @property
    def scoring_deadline(self):
        """The panel's deadline (select_related("panel") where many are read)."""
        return self.panel.scoring_deadline

    @property
    def kind(self) -> str:
        return self.panel.kind


class ExpertProfile(models.Model):
    """A member of the city's expert pool (专家库), kept by the ecology admin."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="expert_profile", verbose_name=_("专家"))
    employer = models.ForeignKey("pilots.Organisation", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="employed_experts",
                                 verbose_name=_("工作单位"))
    county = models.ForeignKey("pilots.County", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("所在县(区)"),
                               help_text=_("县(区)专家填写；市级及以上单位的专家留空。"))
    # A list of ExpertiseField codes.
    fields = models.JSONField(_("专业领域"), default=list, blank=True)
    is_active = models.BooleanField(_("在库"), default=True,
                                    help_text=_("停用的专家不再被推荐，也不能被指派。"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("专家库成员")
        verbose_name_plural = _("专家库")

    def __str__(self):
        return str(self.user)

    def field_labels(self) -> list[str]:
        labels = dict(ExpertiseField.choices)
        return [str(labels[code]) for code in self.fields if code in labels]


class DeclaredRelation(models.Model):
    """An organisation the expert worked for or advised in the last three years."""

    profile = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE,
                                related_name="relations", verbose_name=_("专家"))
    organisation = models.ForeignKey("pilots.Organisation", on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("单位"))
    kind = models.CharField(_("关系类型"), max_length=20, choices=ConflictType.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    since = models.DateField(_("起始日期"))

    class Meta:
        ordering = ["profile", "since", "pk"]
        verbose_name = _("申报的利益关系")
        verbose_name_plural = _("申报的利益关系")
        constraints = [
            models.UniqueConstraint(fields=["profile", "organisation"],
                                    name="one_relation_per_organisation"),
        ]

    def __str__(self):
        return f"{self.profile} — {self.organisation}（{self.get_kind_display()}）"


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")


class ScoreSheet(models.Model):
    """One expert's scores and opinions on one project (评分表): a draft until submitted,
    then final unless the ecology admin reopens it (recorded in the project's trail)."""

    assignment = models.OneToOneField(ExpertAssignment, on_delete=models.PROTECT,
                                      related_name="sheet", verbose_name=_("专家指派"))
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="sheets",
                               verbose_name=_("评分标准"))
    # {criterion code: score as a decimal string}; a score is out of its criterion's weight.
    scores = models.JSONField(_("各项得分"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=SheetStatus.choices,
                              default=SheetStatus.DRAFT, db_index=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["assignment"]
        verbose_name = _("评分表")
        verbose_name_plural = _("评分表")

    def __str__(self):
        return str(self.assignment)

    @property
    def submitted(self) -> bool:
        return self.status == SheetStatus.SUBMITTED


class SheetOpinion(models.Model):
    """A numbered opinion an expert writes on its sheet, optionally pointing at a part of
    the plan (a row path such as ``tasks.t3.measure``)."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="opinions",
                              verbose_name=_("评分表"))
    number = models.PositiveSmallIntegerField(_("序号"))
    text = models.TextField(_("意见"))
    plan_path = models.CharField(_("方案位置"), max_length=120, blank=True)

    class Meta:
        ordering = ["sheet", "number"]
        verbose_name = _("专家意见")
        verbose_name_plural = _("专家意见")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "number"], name="one_opinion_number_per_sheet"),
        ]

    def __str__(self):
        return f"{self.number}. {self.text[:40]}"


class ScoringClosure(models.Model):
    """The end of scoring on one project by one panel (a round of review): written once,
    by the ecology admin, when every remaining panel member has submitted its sheet. A
    project failed at acceptance is scored again by a new panel, hence closed again."""

    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="closures",
                              verbose_name=_("专家组"))
    project = models.ForeignKey("pilots.Project", on_delete=models.PROTECT,
                                related_name="scoring_closures", verbose_name=_("试点项目"))
    # The panel's kind, kept on the row to ask "closed for selection?" without a join.
    kind = models.CharField(_("评审类型"), max_length=20, choices=ReviewKind.choices)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("操作人"))
    closed_at = models.DateTimeField(_("评分结束时间"), default=timezone.now)

    class Meta:
        ordering = ["project", "kind"]
        verbose_name = _("评分结束")
        verbose_name_plural = _("评分结束")
        constraints = [
            models.UniqueConstraint(fields=["panel", "project"],
                                    name="one_closure_per_panel_project"),
        ]

    def __str__(self):
        return f"{self.project} {self.kind}"


class ReviewOpinion(models.Model):
    """One of the numbered review opinions (评审指导意见) the ecology admin compiled from the
    experts' opinions when selecting the project; the applicant answers each."""

    project = models.ForeignKey("pilots.Project", on_delete=models.PROTECT,
                                related_name="review_opinions", verbose_name=_("试点项目"))
    number = models.PositiveSmallIntegerField(_("序号"))
    text = models.TextField(_("意见"))
    plan_path = models.CharField(_("方案位置"), max_length=120, blank=True)
    compiled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("汇总人"))
    created_at = models.DateTimeField(_("汇总时间"), default=timezone.now)

    class Meta:
        ordering = ["project", "number"]
        verbose_name = _("评审指导意见")
        verbose_name_plural = _("评审指导意见")
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="one_review_opinion_number"),
        ]

    def __str__(self):
        return f"{self.number}. {self.text[:40]}"


class OpinionAnswer(models.Model):
    """The applicant's answer to one review opinion: what changed and where in the plan."""

    opinion = models.OneToOneField(ReviewOpinion, on_delete=models.PROTECT,
                                   related_name="answer", verbose_name=_("评审指导意见"))
    text = models.TextField(_("答复"))
    plan_path = models.CharField(_("修改位置"), max_length=120, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("答复人"))
    updated_at = models.DateTimeField(_("答复时间"), auto_now=True)

    class Meta:
        ordering = ["opinion"]
        verbose_name = _("意见答复")
        verbose_name_plural = _("意见答复")

    def __str__(self):
        return f"{self.opinion.number}: {self.text[:40]}"
