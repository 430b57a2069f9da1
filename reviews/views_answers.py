"""Pages of the review opinions after selection: the applicant's answers form, the revision
check page (each opinion beside its answer, and the two plan versions compared), and the
card on the project page that leads to them."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pilots import registry
from pilots.choices import State
from pilots.errors import NotPermitted, ServiceError
from pilots.net import client_ip
from pilots.plan_display import compare_rows
from pilots.rules import may_manage_programme
from pilots.views.common import refuse, refuse_unless_plan_readable, visible_project

from . import answers


def _posted(request, opinions):
    """The form as the service takes it: a row left wholly blank is not sent."""
    posted = {}
    for opinion in opinions:
        text = request.POST.get(f"text_{opinion.number}", "")
        path = request.POST.get(f"path_{opinion.number}", "")
        if text.strip() or path.strip():
            posted[str(opinion.number)] = {"text": text, "plan_path": path}
    return posted


@login_required
def answers_page(request, pk):
    """The applicant answers each opinion: what changed, and which row of the plan."""
    project = visible_project(request, pk)
    if not answers.may_answer(project, request.user):
        refuse(NotPermitted(_("只有申报单位可以在修改完善阶段答复评审指导意见。")))
    opinions = answers.opinions_of(project)
    errors, status, posted = {}, 200, {}
    if request.method == "POST":
        posted = _posted(request, opinions)
        try:
            answers.save_answers(project, request.user, posted, ip_address=client_ip(request))
        except NotPermitted as error:
            refuse(error)
        except ServiceError as error:
            messages.error(request, error.message)
            errors, status = error.fields, error.status
        else:
            messages.success(request, _("答复已保存。"))
            return redirect("review-answers", pk=pk)
    labels = answers.row_labels(project.plan, project.category)
    rows = []
    for opinion in opinions:
        typed = posted.get(str(opinion.number))
        reply = opinion.reply
        rows.append({
            "opinion": opinion,
            "opinion_label": labels.get(opinion.plan_path, opinion.plan_path),
            "text": typed["text"] if typed else (reply.text if reply else ""),
            "plan_path": typed["plan_path"] if typed else (reply.plan_path if reply else ""),
            "errors": errors.get(f"answers.{opinion.number}.text", [])
            + errors.get(f"answers.{opinion.number}.plan_path", []),
        })
    return render(request, "reviews/answers/answers.html", {
        "project": project, "rows": rows, "paths": list(labels.items()),
        "answered": sum(1 for o in opinions if o.reply is not None and o.reply.text),
        "total": len(opinions), "errors": errors,
    }, status=status)


@login_required
def revision_page(request, pk):
    """Each opinion beside its answer, then the last two plan versions row by row."""
    project = visible_project(request, pk)
    refuse_unless_plan_readable(project, request.user)
    opinions = answers.opinions_of(project)
    versions = list(project.versions.select_related("created_by").order_by("-number")[:2])
    versions.reverse()
    # Read once for every plan read below.
    prefetch_related_objects([project.category], "indicators", "eligibility_conditions")
    labels = {}
    for version in versions:
        labels.update(answers.row_labels(version.content, project.category))
    if project.state == State.REVISION:
        labels.update(answers.row_labels(project.plan, project.category))
    rows = []
    if len(versions) == 2:
        rows = compare_rows(versions[0].content, versions[1].content, project.category)
    return render(request, "reviews/answers/revision.html", {
        "project": project,
        "opinions": [{
            "opinion": o, "reply": o.reply,
            "opinion_label": labels.get(o.plan_path, o.plan_path),
            "answer_label": labels.get(o.reply.plan_path, o.reply.plan_path) if o.reply else "",
        } for o in opinions],
        "left": versions[0] if len(versions) == 2 else None,
        "right": versions[-1] if len(versions) == 2 else None,
        "rows": rows,
        "changed_count": sum(1 for row in rows if row["changed"]),
    })


@registry.register_section("opinions", "reviews/answers/section.html", order=28)
def opinions_section(request, project):
    """In revision, the applicant's way to its answers; at revision check, the ecology
    admin's way to the opinions, answers and the two versions side by side."""
    user = request.user
    if answers.may_answer(project, user):
        opinions = answers.opinions_of(project)
        if not opinions:
            return None
        return {"project": project, "answering": True, "opinions": opinions,
                "answered": sum(1 for o in opinions if o.reply is not None and o.reply.text),
                "total": len(opinions)}
    if project.state == State.REVISION_CHECK and may_manage_programme(user):
        return {"project": project, "answering": False}
    return None
