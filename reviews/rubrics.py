"""Keeping rubrics: the default ones, editing them while no sheet was submitted, locking them.

A rubric is edited whole (its two lines and the full list of its criteria) so that its
weights sum to 100 after every change; a criterion keeps its row (and id) while it is
edited, so draft score sheets keyed by it stay attached.
"""
import re
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pilots.errors import InvalidInput, NotAllowedNow, NotPermitted
from pilots.rules import may_manage_programme

from .choices import ReviewKind
from .models_rubrics import Criterion, Rubric
from .results import plain, points

HUNDRED = Decimal("100")
MAX_CRITERIA = 20

# (code, name, English name, weight): the work plan's three selection criteria plus
# feasibility; acceptance as Shenzhen's score sheet weighs it (targets first).
DEFAULT_CRITERIA = {
    ReviewKind.SELECTION: [
        ("distinctive", "特色鲜明", "Distinctive features", "30"),
        ("indicators", "指标设置科学", "Scientifically set indicators", "30"),
        ("replication", "有复制推广价值", "Value for replication", "20"),
        ("feasibility", "可操作性", "Feasibility", "20"),
    ],
    ReviewKind.ACCEPTANCE: [
        ("targets", "目标完成情况", "Targets met", "40"),
        ("tasks", "任务完成情况", "Tasks completed", "30"),
        ("management", "管理与保障", "Management and safeguards", "15"),
        ("disclosure", "信息披露", "Carbon disclosure", "15"),
    ],
}
DEFAULT_PASS_LINE = Decimal("60")  # Shenzhen: 通过 ≥ 60
DEFAULT_EXCELLENT_LINE = Decimal("85")  # Shenzhen: 优秀 ≥ 85

_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


def rubric_is_locked(rubric) -> bool:
    return rubric.locked_at is not None


@transaction.atomic
def rubric_for(batch, category, kind) -> Rubric:
    """The rubric of a batch, category and kind of review, created from the defaults on
    first use (at once for everyone: a second caller gets the first one's rubric)."""
    if kind not in ReviewKind.values:
        raise InvalidInput(_("评审类型无效。"), fields={"kind": [_("评审类型无效。")]})
    rubric, created = Rubric.objects.get_or_create(
        batch=batch, category=category, kind=kind,
        defaults={"pass_line": DEFAULT_PASS_LINE, "excellent_line": DEFAULT_EXCELLENT_LINE})
    if created:
        Criterion.objects.bulk_create(
            Criterion(rubric=rubric, code=code, name=name, name_en=name_en,
                      weight=Decimal(weight), order=order)
            for order, (code, name, name_en, weight) in enumerate(DEFAULT_CRITERIA[kind], 1))
    return rubric


@transaction.atomic
def lock_rubric(rubric) -> Rubric:
    """Fix the rubric for good; scoring calls this when the first sheet is submitted, in
    the same transaction. Locking a locked rubric keeps its first time."""
    locked = Rubric.objects.select_for_update().get(pk=rubric.pk)
    if locked.locked_at is None:
        locked.locked_at = timezone.now()
        locked.save(update_fields=["locked_at", "updated_at"])
    rubric.locked_at = locked.locked_at
    return locked


def _line(value, field, label, errors):
    number = points(value)
    if number is None or not (0 < number <= HUNDRED):
        errors.setdefault(field, []).append(
            _("%(label)s应为0至100之间的分数，最多两位小数。") % {"label": label})
    return number


def _check_lines(pass_line, excellent_line, errors):
    pass_line = _line(pass_line, "pass_line", _("通过线"), errors)
    excellent_line = _line(excellent_line, "excellent_line", _("优秀线"), errors)
    if pass_line is not None and excellent_line is not None and "pass_line" not in errors \
            and "excellent_line" not in errors and pass_line >= excellent_line:
        errors["excellent_line"] = [_("优秀线应高于通过线。")]
    return pass_line, excellent_line


def _check_criteria(rubric, rows, errors):
    """``rows`` in order, each ``{"id"?, "code", "name", "name_en"?, "weight"}``."""
    own = set(rubric.criteria.values_list("pk", flat=True))
    checked, codes, names, ids = [], set(), set(), set()
    if not rows:
        errors["criteria"] = [_("请至少设置一个评分项。")]
    if len(rows) > MAX_CRITERIA:
        errors["criteria"] = [_("评分项不能超过%(n)s个。") % {"n": MAX_CRITERIA}]
    for row in rows:
        pk = row.get("id")
        code = str(row.get("code") or "").strip()
        name = str(row.get("name") or "").strip()
        name_en = str(row.get("name_en") or "").strip()
        weight = points(row.get("weight"))
        if pk is not None and (pk not in own or pk in ids):
            errors.setdefault("criteria", []).append(_("评分项不属于该评分标准，请刷新页面后重试。"))
        ids.add(pk)
        if not _CODE.match(code):
            errors.setdefault("code", []).append(
                _("代码「%(code)s」无效：只能用小写字母、数字、下划线和连字符，不超过40个字符。")
                % {"code": code})
        elif code in codes:
            errors.setdefault("code", []).append(_("代码「%(code)s」重复。") % {"code": code})
        if not name or len(name) > 60:
            errors.setdefault("name", []).append(_("请填写评分项名称(不超过60个字)。"))
        elif name in names:
            errors.setdefault("name", []).append(_("评分项「%(name)s」重复。") % {"name": name})
        if len(name_en) > 120:
            errors.setdefault("name_en", []).append(_("英文名称不能超过120个字符。"))
        if weight is None or not (0 < weight <= HUNDRED):
            errors.setdefault("weight", []).append(
                _("「%(name)s」的分值应为0至100之间的分数，最多两位小数。") % {"name": name or code})
        codes.add(code)
        names.add(name)
        checked.append({"id": pk, "code": code, "name": name, "name_en": name_en,
                        "weight": weight})
    if "weight" not in errors and checked:
        total = sum((row["weight"] for row in checked), Decimal("0"))
        if total != HUNDRED:
            errors["weight"] = [_("各评分项分值合计应为100分，现为%(total)s分。")
                                % {"total": plain(total)}]
    return checked


@transaction.atomic
def update_rubric(rubric, actor, *, pass_line, excellent_line, criteria) -> Rubric:
    """Set the rubric's lines and its criteria, all at once or not at all.

    ``criteria`` is the whole new list, in order: a row with the ``id`` of one of the
    rubric's criteria changes it, a row without adds one, a criterion left out is removed.
    Refused when the rubric is locked (a sheet was submitted), and when the weights do not
    sum to exactly 100.
    """
    if not may_manage_programme(actor):
        raise NotPermitted(_("只有市生态环境局可以修改评分标准。"))
    rubric = Rubric.objects.select_for_update().get(pk=rubric.pk)
    if rubric_is_locked(rubric):
        raise NotAllowedNow(_("评分标准已锁定：已有专家提交评分表，不能再修改。"))
    errors = {}
    pass_line, excellent_line = _check_lines(pass_line, excellent_line, errors)
    rows = _check_criteria(rubric, list(criteria), errors)
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0] if len(errors) == 1
                           else _("评分标准有误，请按提示更正，尚未保存。"), fields=errors)

    rubric.pass_line, rubric.excellent_line = pass_line, excellent_line
    rubric.save(update_fields=["pass_line", "excellent_line", "updated_at"])
    kept = {row["id"]: row for row in rows if row["id"] is not None}
    rubric.criteria.exclude(pk__in=kept).delete()
    existing = {c.pk: c for c in rubric.criteria.all()}
    # Codes may be swapped between rows: move the changed ones out of the way first.
    moved = [existing[pk] for pk, row in kept.items() if existing[pk].code != row["code"]]
    for criterion in moved:
        criterion.code = f"~{criterion.pk}"
    Criterion.objects.bulk_update(moved, ["code"])
    changed, added = [], []
    for order, row in enumerate(rows, start=1):
        values = {"code": row["code"], "name": row["name"], "name_en": row["name_en"],
                  "weight": row["weight"], "order": order}
        if row["id"] is None:
            added.append(Criterion(rubric=rubric, **values))
        else:
            criterion = existing[row["id"]]
            for field, value in values.items():
                setattr(criterion, field, value)
            changed.append(criterion)
    Criterion.objects.bulk_update(changed, ["code", "name", "name_en", "weight", "order"])
    Criterion.objects.bulk_create(added)
    return rubric
