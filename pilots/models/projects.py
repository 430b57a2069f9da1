"""Batches, pilot projects with their lifecycle state machine, plan versions, audit trail."""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from .. import plan as plan_rules
from .. import registry, rules
from ..choices import State
from ..conditions import Condition, Hook
from .people import Organisation
from .reference import Category, County


class Batch(models.Model):
    """A yearly call for applications (申报批次) with its application window."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    name = models.CharField(_("名称"), max_length=80)
    opens_on = models.DateField(_("申报开始日期"))
    closes_on = models.DateField(_("申报截止日期"))
    publicity_days = models.PositiveSmallIntegerField(
        _("公示期(工作日)"), default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("本批次项目的公示期，按工作日计算。"))
    expert_panel_min_size = models.PositiveSmallIntegerField(
        _("专家组最少人数"), default=3,
        validators=[MinValueValidator(1), MaxValueValidator(15)],
        help_text=_("提交专家评审前至少需要指派的专家人数。"))

    class Meta:
        ordering = ["-year"]
        verbose_name = _("申报批次")
        verbose_name_plural = _("申报批次")
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_on__gte=models.F("opens_on")),
                                   name="batch_window_in_order"),
        ]

    def __str__(self):
        return self.name

    def is_open_on(self, day) -> bool:
        return self.opens_on <= day <= self.closes_on


def _plan_complete(project) -> bool:
    return not project.plan_problems()


def _window_open(project) -> bool:
    # Only a first submission must fall in the window; a returned plan may come back later.
    return bool(project.code) or project.batch.is_open_on(timezone.localdate())


PLAN_COMPLETE = Condition(_plan_complete, _("创建方案尚不完整，请补全后再提交。"))
WINDOW_OPEN = Condition(_window_open, _("本批次申报窗口未开放或已截止。"))


def lifecycle(source, target, permission, *, conditions=(), reason_required=False, label,
              queue=True, negative=False, final=False, sends_back=False):
    """Declare a lifecycle transition: who may fire it, what it needs, whether it needs a reason.

    Every transition also carries the Hook named after it, which later capabilities fill.
    ``queue=False`` marks a transition that is possible but not work waiting for anyone
    (withdrawing, cancelling): its source states do not put a project in a work queue.
    ``negative``: it turns the project down or sends it back (shown as such, not as the
    main action); ``final``: nobody can undo it (the page asks once more); ``sends_back``:
    the project goes back to its builder, who must read the reason.
    """

    def decorator(method):
        declared = transition(
            field="state",
            source=source,
            target=target,
            permission=permission,
            conditions=[*conditions, Hook(method.__name__)],
            custom={"reason_required": reason_required, "label": label, "queue": queue,
                    "negative": negative or final or sends_back, "final": final,
                    "sends_back": sends_back},
        )
        return declared(method)

    return decorator


class Project(FSMModelMixin, models.Model):
    """A pilot project (试点项目) moving through the lifecycle of DOMAIN §3."""

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="projects",
                              verbose_name=_("申报批次"))
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="projects",
                                 verbose_name=_("试点类别"))
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="projects",
                               verbose_name=_("县(区)"))
    applicant = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                  related_name="projects", verbose_name=_("申报单位"))
    name = models.CharField(_("项目名称"), max_length=120)
    code = models.CharField(_("项目编号"), max_length=40, unique=True, null=True, blank=True,
                            editable=False, help_text=_("首次提交时生成，永不复用。"))
    state = FSMField(_("状态"), max_length=30, choices=State.choices, default=State.DRAFT,
                     protected=True, db_index=True)
    plan = models.JSONField(_("创建方案(草稿)"), default=plan_rules.empty_plan, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    state_entered_at = models.DateTimeField(
        _("进入当前状态时间"), default=timezone.now, db_index=True, editable=False,
        help_text=_("只由状态转换写入。"))

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("试点项目")
        verbose_name_plural = _("试点项目")
        permissions = [("submit_project", _("可提交项目(受托专业机构)"))]

    def __str__(self):
        return f"{self.code} {self.name}" if self.code else self.name

    def get_absolute_url(self):
        return reverse("project-detail", args=[self.pk])

    def plan_problems(self):
        return plan_rules.problems(self.plan, self.category)

    # --- The lifecycle (DOMAIN §3). Bodies stay empty: side effects live in services.
    @lifecycle([State.DRAFT, State.RETURNED], State.COUNTY_REVIEW, rules.may_submit,
               conditions=[PLAN_COMPLETE, WINDOW_OPEN], label=_("提交申报"))
    def submit(self):
        pass

    @lifecycle([State.DRAFT, State.RETURNED, State.COUNTY_REVIEW, State.CITY_REVIEW],
               State.WITHDRAWN, rules.is_applicant, label=_("撤回申报"), queue=False, final=True)
    def withdraw(self):
        pass

    @lifecycle(State.COUNTY_REVIEW, State.CITY_REVIEW, rules.is_county_officer,
               reason_required=True, label=_("审核通过并上报"))
    def county_forward(self):
        pass

    @lifecycle(State.COUNTY_REVIEW, State.RETURNED, rules.is_county_officer,
               reason_required=True, label=_("退回修改"), sends_back=True)
    def county_return(self):
        pass

    @lifecycle(State.CITY_REVIEW, State.RETURNED, rules.is_city_officer_or_admin,
               reason_required=True, label=_("退回修改"), sends_back=True)
    def city_return(self):
        pass

    @lifecycle(State.CITY_REVIEW, State.EXPERT_REVIEW, rules.is_city_officer_or_admin,
               label=_("提交专家评审"))
    def start_expert_review(self):
        pass

    @lifecycle(State.EXPERT_REVIEW, State.REVISION, rules.is_ecology_admin, label=_("确定入选"))
    def select(self):
        pass

    @lifecycle(State.EXPERT_REVIEW, State.NOT_SELECTED, rules.is_ecology_admin,
               reason_required=True, label=_("不予入选"), final=True)
    def not_select(self):
        pass

    @lifecycle(State.REVISION, State.REVISION_CHECK, rules.may_submit,
               conditions=[PLAN_COMPLETE], label=_("提交完善方案"))
    def submit_revision(self):
        pass

    @lifecycle(State.REVISION_CHECK, State.REVISION, rules.is_ecology_admin,
               reason_required=True, label=_("要求继续完善"), sends_back=True)
    def request_revision(self):
        pass

    @lifecycle(State.REVISION_CHECK, State.PUBLICITY, rules.is_ecology_admin, label=_("开始公示"))
    def start_publicity(self):
        pass

    @lifecycle(State.PUBLICITY, State.CONSTRUCTION, rules.is_ecology_admin,
               label=_("确定为试点项目"))
    def confirm(self):
        pass

    @lifecycle(State.PUBLICITY, State.NOT_SELECTED, rules.is_ecology_admin,
               reason_required=True, label=_("公示异议成立，不予确定"), final=True)
    def reject_after_publicity(self):
        pass

    @lifecycle(State.CONSTRUCTION, State.ACCEPTANCE_CHECK, rules.is_applicant,
               label=_("申请验收"), queue=False)
    def apply_acceptance(self):
        pass

    @lifecycle(State.ACCEPTANCE_CHECK, State.CONSTRUCTION, rules.is_county_ecology,
               reason_required=True, label=_("退回验收申请"), sends_back=True)
    def return_acceptance(self):
        pass

    @lifecycle(State.ACCEPTANCE_CHECK, State.ACCEPTANCE_REVIEW, rules.is_county_ecology,
               reason_required=True, label=_("报送市生态环境局验收"))
    def forward_acceptance(self):
        pass

    @lifecycle(State.ACCEPTANCE_REVIEW, State.TITLED, rules.is_ecology_admin,
               label=_("授予称号"))
    def grant_title(self):
        pass

    @lifecycle(State.ACCEPTANCE_REVIEW, State.CONSTRUCTION, rules.is_ecology_admin,
               reason_required=True, label=_("验收不通过，限期整改"), sends_back=True)
    def fail_acceptance(self):
        pass

    @lifecycle(State.TITLED, State.RECHECK, rules.is_ecology_admin_or_scheduler,
               label=_("启动复核"), queue=False)
    def start_recheck(self):
        pass

    @lifecycle(State.RECHECK, State.TITLED, rules.is_ecology_admin, reason_required=True,
               label=_("复核通过"))
    def pass_recheck(self):
        pass

    @lifecycle([State.TITLED, State.RECHECK], State.REVOKED, rules.is_ecology_admin,
               reason_required=True, label=_("取消称号"), queue=False, final=True)
    def revoke(self):
        pass

    @lifecycle([State.CONSTRUCTION, State.ACCEPTANCE_CHECK, State.ACCEPTANCE_REVIEW],
               State.CANCELLED, rules.is_ecology_admin, reason_required=True,
               label=_("终止试点"), queue=False, final=True)
    def cancel(self):
        pass


class CodeCounter(models.Model):
    """The last number handed out per batch and category, so codes are never reused."""

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "category"], name="one_counter_per_batch_category"),
        ]

    def __str__(self):
        return f"{self.batch_id}/{self.category_id}: {self.last}"


class AppendOnlyQuerySet(models.QuerySet):
    """Rows of this table are written once: no update, no delete, no upsert."""

    def update(self, **kwargs):
        raise PermissionError(f"{self.model._meta.db_table} is append-only.")

    def bulk_create(self, objs, *args, update_conflicts=False, **kwargs):
        objs = list(objs)
        if update_conflicts or any(obj.pk is not None for obj in objs):
            raise PermissionError(f"{self.model._meta.db_table} is append-only.")
        return super().bulk_create(objs, *args, **kwargs)

    def delete(self):
        raise PermissionError(f"{self.model._meta.db_table} is append-only.")


class AppendOnlyModel(models.Model):
    """A model whose rows are inserted once and never changed or deleted."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding or self.pk is not None:
            raise PermissionError(f"{self._meta.db_table} is append-only.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{self._meta.db_table} is append-only.")


class PlanVersion(AppendOnlyModel):
    """A creation plan frozen at submission; later revisions make new numbers. Append-only."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="versions",
                                verbose_name=_("试点项目"))
    number = models.PositiveIntegerField(_("版本号"))
    content = models.JSONField(_("方案内容"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("提交人"))
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)

    class Meta:
        ordering = ["project", "number"]
        verbose_name = _("方案版本")
        verbose_name_plural = _("方案版本")
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="unique_plan_version"),
        ]

    def __str__(self):
        return _("第%(n)s版") % {"n": self.number}


TRANSITION = "transition"


class AuditEntry(AppendOnlyModel):
    """One fired transition or one event: who, when, from, to, why, what, from where.

    ``kind`` is ``"transition"`` for a transition (``transition`` names it) or the name of
    an event that is not one (``source`` and ``target`` are then the state it happened in).
    Append-only.
    """

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="audit_entries",
                                verbose_name=_("试点项目"))
    kind = models.CharField(_("类型"), max_length=40, default=TRANSITION, db_index=True)
    transition = models.CharField(_("操作"), max_length=40, blank=True)
    source = models.CharField(_("原状态"), max_length=30, choices=State.choices)
    target = models.CharField(_("新状态"), max_length=30, choices=State.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+", verbose_name=_("操作人"),
                              help_text=_("留空表示系统定时任务。"))
    reason = models.TextField(_("理由或意见"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("客户端IP"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("操作记录")
        verbose_name_plural = _("操作记录")

    def __str__(self):
        return f"{self.project_id} {self.transition or self.kind} {self.source}→{self.target}"

    @property
    def is_transition(self) -> bool:
        return self.kind == TRANSITION

    @property
    def label(self):
        """What happened, in words: the transition's label or the event's."""
        if not self.is_transition:
            declared = registry.event_kind(self.kind)
            return declared.label if declared else self.kind
        method = getattr(Project, self.transition, None)
        meta = getattr(method, "_django_fsm", None)
        if meta is None:
            return self.transition
        return next(iter(meta.transitions.values())).custom.get("label", self.transition)

    transition_label = label

    @property
    def data_lines(self) -> list[str]:
        """The entry's data in words, one fact a line (as the app that owns it says it)."""
        return registry.describe(self.kind, self.transition, self.data)
