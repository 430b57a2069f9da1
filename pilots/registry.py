"""What the apps above ``pilots`` add to a project, registered from their AppConfig.ready().

``pilots`` never imports ``reviews``, ``acceptance`` or ``disclosure``; they plug in here:

- the **input** a transition takes (a validator returning cleaned data, and how the
  history says it in words) and its **effects** (run inside ``fire()``'s transaction,
  after the state change, before the audit record and the notifications);
- **events** that are not transitions (their label, and how their data reads);
- **sections** (cards) of the project page;
- **demo steps**: what must happen before a transition can fire (forming a panel) and
  the input a demo or a test gives it, so ``seed_demo`` and the lifecycle matrix extend
  per app instead of being edited in ``pilots``; and an app's own demo rows (the expert
  pool), seeded once the demo's people exist.

Conditions on transitions (questions about the world, no input) stay in conditions.py.
"""
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .errors import InvalidInput

# --- Transition input and effects -------------------------------------------------------

@dataclass(frozen=True)
class TransitionInput:
    """``clean(project, data, actor) -> dict`` returns the cleaned data (JSON-safe) or raises
    ``InvalidInput(message, fields={...})``; ``describe(data) -> list[str]`` says it in
    words for the history; ``fields`` are the page's form fields: (name, label, widget
    kind, required, help) tuples, posted as ``data.<name>``; ``custom_form``: the app shows
    its own form (a section of the page) instead of the generic one."""

    clean: Callable
    describe: Callable = lambda data: []
    fields: tuple = ()
    custom_form: bool = False


_inputs: dict[str, TransitionInput] = {}
_effects: dict[str, list[Callable]] = defaultdict(list)


def register_input(name: str, *, describe=None, fields=(), custom_form=False):
    """Decorator: ``clean`` validates the data transition ``name`` carries."""

    def decorator(clean):
        _inputs[name] = TransitionInput(clean, describe or (lambda data: []), tuple(fields),
                                        custom_form)
        return clean

    return decorator


def register_effect(name: str):
    """Decorator: ``effect(project, actor, data)`` runs when ``name`` is fired."""

    def decorator(effect):
        if effect not in _effects[name]:
            _effects[name].append(effect)
        return effect

    return decorator


def unregister_effect(name: str, effect) -> None:
    if effect in _effects[name]:
        _effects[name].remove(effect)


def transition_input(name: str) -> TransitionInput | None:
    return _inputs.get(name)


def clean_input(name: str, project, data, actor) -> dict:
    """The cleaned data of ``name``; a transition that declares no input takes none."""
    data = data or {}
    if not isinstance(data, dict):
        raise InvalidInput(_("数据格式无效：data 应为对象(键值对)。"))
    declared = _inputs.get(name)
    if declared is None:
        if data:
            raise InvalidInput(_("该操作不接受附加数据。"),
                               fields={key: [_("该操作不接受此项数据。")] for key in data})
        return {}
    return declared.clean(project, data, actor)


def run_effects(name: str, project, actor, data) -> None:
    for effect in _effects[name]:
        effect(project, actor, data)


# --- Events ---------------------------------------------------------------------------

@dataclass(frozen=True)
class EventKind:
    label: str
    describe: Callable = lambda data: []


_events: dict[str, EventKind] = {}


def register_event(kind: str, label, describe=None) -> None:
    """Declare an event kind (e.g. ``panel_member_added``) with its label."""
    _events[kind] = EventKind(label, describe or (lambda data: []))


def event_kind(kind: str) -> EventKind | None:
    return _events.get(kind)


def describe(kind: str, transition: str, data) -> list[str]:
    """The data of an audit entry in words, one line a fact."""
    if not data:
        return []
    if kind == "transition":
        declared = _inputs.get(transition)
        return [str(line) for line in declared.describe(data)] if declared else []
    declared = _events.get(kind)
    return [str(line) for line in declared.describe(data)] if declared else []


# --- Sections of the project page ----------------------------------------------------

@dataclass(frozen=True)
class Section:
    """A card on the project page: ``context(request, project) -> dict | None`` (None: not
    shown to this user), rendered with ``template``; lower ``order`` shows first."""

    key: str
    template: str
    context: Callable
    order: int = 100


_sections: dict[str, Section] = {}


def register_section(key: str, template: str, *, order=100):
    def decorator(context):
        _sections[key] = Section(key, template, context, order)
        return context

    return decorator


def sections_for(request, project) -> list[dict]:
    shown = []
    for section in sorted(_sections.values(), key=lambda s: (s.order, s.key)):
        context = section.context(request, project)
        if context is not None:
            shown.append({"key": section.key, "template": section.template, "context": context})
    return shown


# --- Demo steps ----------------------------------------------------------------------

@dataclass
class DemoSteps:
    """Per transition: what must be done first, and the input to give it."""

    prepare: list = field(default_factory=list)   # prepare(project, actors) -> None
    sample_input: Callable | None = None          # sample_input(project) -> dict


_demo: dict[str, DemoSteps] = defaultdict(DemoSteps)


def register_demo_preparation(name: str):
    """Decorator: ``prepare(project, actors)`` runs before ``name`` in the demo and tests.
    ``actors`` maps roles to demo users: ``admin``, ``experts`` (a list), ``applicant``…"""

    def decorator(prepare):
        if prepare not in _demo[name].prepare:
            _demo[name].prepare.append(prepare)
        return prepare

    return decorator


def register_demo_input(name: str):
    """Decorator: ``sample_input(project) -> dict`` is the input the demo gives ``name``."""

    def decorator(sample_input):
        _demo[name].sample_input = sample_input
        return sample_input

    return decorator


_demo_seeds: list[Callable] = []


def register_demo_seed(seed):
    """Decorator: ``seed(people)`` adds an app's own demo rows once the demo's people
    exist, before any project is walked. ``people`` maps ``admin``, ``experts`` (a list),
    ``applicants`` ({(county code, category code): user}), ``consultancy`` (an
    Organisation) and ``counties`` ({code: County}). It must be idempotent."""
    if seed not in _demo_seeds:
        _demo_seeds.append(seed)
    return seed


def run_demo_seeds(people) -> None:
    for seed in _demo_seeds:
        seed(people)


_demo_finishers: list[Callable] = []


def register_demo_finisher(finish):
    """Decorator: ``finish(people, extra_project)`` runs once every demo project stands.
    ``extra_project(path)`` creates the next extra demo project and walks ``path`` on it,
    returning ``(project, created)``; the app adds its own work to a created one."""
    if finish not in _demo_finishers:
        _demo_finishers.append(finish)
    return finish


def run_demo_finishers(people, extra_project) -> None:
    for finish in _demo_finishers:
        finish(people, extra_project)


def prepare_for(name: str, project, actors) -> None:
    for prepare in _demo[name].prepare:
        prepare(project, actors)


def demo_input(name: str, project) -> dict:
    sample = _demo[name].sample_input
    return sample(project) if sample else {}


# --- Who may read the plan -------------------------------------------------------------

@dataclass(frozen=True)
class PlanAccessRule:
    """``rule(project, user) -> bool | None``: False vetoes (``message`` says why), None or
    True has no say. Seeing a project (its name, applicant, category) is the selector's
    decision; reading its plan, versions, attachments and history also asks these rules."""

    rule: Callable
    message: str


_plan_access_rules: list[PlanAccessRule] = []


def register_plan_access_rule(message):
    """Decorator: an app vetoes reading a project's plan (e.g. an expert who has not
    declared its conflicts yet); ``message`` is what the refused user is told."""

    def decorator(rule):
        if all(r.rule is not rule for r in _plan_access_rules):
            _plan_access_rules.append(PlanAccessRule(rule, message))
        return rule

    return decorator


def plan_access_refusal(project, user) -> str | None:
    """Why ``user`` may not read the plan of ``project`` (which it sees), or None."""
    for entry in _plan_access_rules:
        if entry.rule(project, user) is False:
            return str(entry.message)
    return None


def may_read_plan(project, user) -> bool:
    """Whether ``user``, who sees ``project``, may read its plan, versions, attachments and
    history: the one place pages and API ask."""
    return plan_access_refusal(project, user) is None


# --- Links in the work queue -----------------------------------------------------------

_queue_links: list[Callable] = []


def register_queue_links(links):
    """Decorator: ``links(user, projects) -> {project id: [(label, url), …]}`` adds links to
    the rows of ``user``'s work queue (an expert's score sheet), in a fixed number of
    queries for the whole queue."""
    if links not in _queue_links:
        _queue_links.append(links)
    return links


def queue_links(user, projects) -> dict[int, list]:
    found: dict[int, list] = defaultdict(list)
    for links in _queue_links:
        for pk, items in links(user, projects).items():
            found[pk].extend(items)
    return found


# --- Entries of the main menu ----------------------------------------------------------

_menu_links: list[tuple] = []


def register_menu_link(label, url_name: str, allowed: Callable) -> None:
    """An app's entry in the main menu: shown to ``user`` when ``allowed(user)``, which
    should ask no more of the database than the user's roles and department."""
    if all(entry[1] != url_name for entry in _menu_links):
        _menu_links.append((label, url_name, allowed))


def menu_links(user) -> list[tuple[str, str]]:
    """``[(label, url)]`` of the apps' menu entries ``user`` may follow."""
    from django.urls import reverse

    return [(str(label), reverse(url_name)) for label, url_name, allowed in _menu_links
            if allowed(user)]
