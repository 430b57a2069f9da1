"""Where each person lands: its work queue, and the list of projects it may see."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from .. import registry
from ..choices import State
from ..models import Category, County
from ..selectors import handled_by, overdue_since, projects_visible_to, waiting_for, with_related
from ..services import may_create_project


@login_required
def home(request):
    user = request.user
    queue = list(waiting_for(user)[:100])
    since = overdue_since()
    links = registry.queue_links(user, queue)
    for project in queue:
        project.is_overdue = project.entered_at < since
        project.links = links.get(project.pk, [])
    return render(request, "pilots/home.html", {
        "queue": queue,
        "overdue_count": sum(p.is_overdue for p in queue),
        "handled": handled_by(user),
        "may_create": may_create_project(user),
    })


@login_required
def project_list(request):
    projects = with_related(projects_visible_to(request.user))
    filters = {
        "state": request.GET.get("state", ""),
        "category": request.GET.get("category", ""),
        "county": request.GET.get("county", ""),
        "q": request.GET.get("q", "").strip(),
    }
    if filters["state"] in State.values:
        projects = projects.filter(state=filters["state"])
    if filters["category"]:
        projects = projects.filter(category__code=filters["category"])
    if filters["county"]:
        projects = projects.filter(county__code=filters["county"])
    if filters["q"]:
        projects = projects.filter(name__icontains=filters["q"]) | projects.filter(
            code__icontains=filters["q"])
    page = Paginator(projects.order_by("-updated_at", "-pk"), 25).get_page(request.GET.get("page"))
    return render(request, "pilots/project_list.html", {
        "page": page,
        "filters": filters,
        "states": State.choices,
        "categories": Category.objects.order_by("order"),
        "counties": County.objects.order_by("order"),
    })
