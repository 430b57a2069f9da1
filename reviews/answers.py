"""The applicant's answers to the review opinions (评审指导意见): what changed and where in
the plan, saved while the project is in revision; ``submit_revision`` waits for them all."""
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from pilots import registry
from pilots.audit import record_event
from pilots.choices import State
from pilots.conditions import register
from pilots.errors import InvalidInput, NotAllowedNow, NotPermitted
from pilots.models import Project
from pilots.plan_display import plan_rows
from pilots.services import may_edit_plan

from .models import OpinionAnswer, ReviewOpinion

OPINION_ANSWERS_SAVED = "opinion_answers_saved"
MAX_ANSWER_LENGTH = 2000
DEMO_ANSWER = "已按此条意见修改创建方案的相应内容。"


# --- Who may, and reading -------------------------------------------------------------------

def may_answer(project, user) -> bool:
    """Whoever may edit the plan (the applicant, an invited consultant), in revision."""
    return project.state == State.REVISION and may_edit_plan(project, user)


def opinions_of(project) -> list:
    """The project's review opinions in order, each with its answer (or none) read along."""
    opinions = list(ReviewOpinion.objects.filter(project=project)
                    .select_related("answer").order_by("number"))
    for opinion in opinions:
        opinion.reply = getattr(opinion, "answer", None)
    return opinions


def unanswered(project) -> int:
    return (ReviewOpinion.objects.filter(project=project)
            .filter(Q(answer__isnull=True) | Q(answer__text="")).count())


def row_labels(plan, category) -> dict[str, str]:
    """{row path: "section · label"} of one plan (a draft or a version's content)."""
    labels = {}
    for row in plan_rows(plan, category):
        if row.path and row.path not in labels:
            labels[row.path] = f"{row.section} · {row.label}"
    return labels


# --- Saving ---------------------------------------------------------------------------------

def _number(key):
    try:
        number = int(str(key).strip())
    except ValueError:
        return None
    return number if number > 0 else None


def _clean(answers, by_number, paths) -> tuple[dict, dict]:
    errors, cleaned = {}, {}
    if not isinstance(answers, dict) or not answers:
        errors["answers"] = [_("请至少填写一条答复。")]
        return cleaned, errors
    for key, answer in answers.items():
        number = _number(key)
        if number not in by_number:
            errors[f"answers.{key}"] = [_("没有这一条评审指导意见。")]
            continue
        if not isinstance(answer, dict):
            errors[f"answers.{number}"] = [_("每条答复应为对象(text, plan_path)。")]
            continue
        for extra in sorted(set(answer) - {"text", "plan_path"}, key=str):
            errors[f"answers.{number}.{extra}"] = [_("答复不接受此项数据。")]
        text = answer.get("text")
        text = text.strip() if isinstance(text, str) else ""
        if not text:
            errors[f"answers.{number}.text"] = [
                _("请填写对第%(n)s条意见的答复。") % {"n": number}]
        elif len(text) > MAX_ANSWER_LENGTH:
            errors[f"answers.{number}.text"] = [
                _("第%(n)s条答复不能超过%(max)s个字。") % {"n": number, "max": MAX_ANSWER_LENGTH}]
        path = answer.get("plan_path") or ""
        path = path.strip() if isinstance(path, str) else None
        if path is None or (path and path not in paths):
            errors[f"answers.{number}.plan_path"] = [
                _("第%(n)s条答复指向的方案位置不存在，请从方案内容中选择。") % {"n": number}]
        cleaned[number] = (text, path or "")
    return cleaned, errors


@transaction.atomic
def save_answers(project, actor, answers, *, ip_address=None) -> list:
    """Answer some or all opinions: ``{number: {"text", "plan_path"}}``, all or nothing.

    ``plan_path`` is optional, a row of the draft being revised. Refusals name the field
    (``answers.2.text``). Returns the project's opinions with their answers.
    """
    project = (Project.objects.select_for_update().select_related("category")
               .get(pk=project.pk))
    if project.state != State.REVISION:
        raise NotAllowedNow(_("项目不在修改完善阶段，不能答复评审指导意见。"))
    if not may_edit_plan(project, actor):
        raise NotPermitted(_("只有申报单位可以答复评审指导意见。"))
    by_number = {o.number: o for o in opinions_of(project)}
    cleaned, errors = _clean(answers, by_number, row_labels(project.plan, project.category))
    if errors:
        first = next(iter(errors.values()))[0]
        raise InvalidInput(first if len(errors) == 1 else _("答复有误，请按提示更正，尚未保存。"),
                           fields=errors)
    for number, (text, path) in sorted(cleaned.items()):
        OpinionAnswer.objects.update_or_create(
            opinion=by_number[number],
            defaults={"text": text, "plan_path": path, "answered_by": actor})
    opinions = opinions_of(project)
    answered = sum(1 for o in opinions if o.reply is not None and o.reply.text)
    record_event(project, OPINION_ANSWERS_SAVED, actor,
                 {"numbers": sorted(cleaned), "answered": answered, "total": len(opinions)},
                 ip_address=ip_address)
    return opinions


def _describe(data):
    lines = []
    if data.get("numbers"):
        lines.append(_("本次答复第%(numbers)s条") % {
            "numbers": _("、").join(str(n) for n in data["numbers"])})
    if "total" in data:
        lines.append(_("已答复%(answered)s/%(total)s条评审指导意见")
                     % {"answered": data.get("answered", 0), "total": data["total"]})
    return lines


registry.register_event(OPINION_ANSWERS_SAVED, gettext_lazy("答复评审指导意见"), _describe)


# --- The condition on submit_revision and the demo's step -------------------------------------

def _unanswered_message(project):
    n = unanswered(project)
    return ngettext("还有%(n)s条评审指导意见未答复。", "还有%(n)s条评审指导意见未答复。", n) % {"n": n}


@register("submit_revision", _unanswered_message)
def every_opinion_answered(project) -> bool:
    """Projects selected before opinions were compiled have none, and pass."""
    return unanswered(project) == 0


@registry.register_demo_preparation("submit_revision")
def answer_every_opinion(project, actors):
    """The demo's applicant answers what is still unanswered, so the walk goes on."""
    waiting = {str(o.number): {"text": DEMO_ANSWER} for o in opinions_of(project)
               if o.reply is None or not o.reply.text}
    if waiting:
        save_answers(project, actors["applicant"], waiting, ip_address="127.0.0.1")
