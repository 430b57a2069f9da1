"""Read-only questions about the lifecycle declared on Project: names, labels, who, when."""
from django_fsm import Transition

from .choices import State
from .models import Project

# The order in which the states show on a project's progress timeline.
MAIN_PATH = [
    State.DRAFT, State.COUNTY_REVIEW, State.CITY_REVIEW, State.EXPERT_REVIEW, State.REVISION,
    State.REVISION_CHECK, State.PUBLICITY, State.CONSTRUCTION, State.ACCEPTANCE_CHECK,
    State.ACCEPTANCE_REVIEW, State.TITLED,
]


def _transitions() -> dict[str, dict[str, Transition]]:
    names: dict[str, dict[str, Transition]] = {}
    for tr in Project._meta.get_field("state").get_all_transitions(Project):
        names.setdefault(tr.name, {})[tr.source] = tr
    return names


TRANSITIONS = _transitions()
TRANSITION_NAMES = tuple(TRANSITIONS)


def any_transition(name: str) -> Transition:
    """The declaration of ``name`` (its permission and custom data are the same from any source)."""
    return next(iter(TRANSITIONS[name].values()))


def label(name: str) -> str:
    return str(any_transition(name).custom["label"])


def reason_required(name: str) -> bool:
    return bool(any_transition(name).custom["reason_required"])


def is_negative(name: str) -> bool:
    """It turns the project down or sends it back (never shown as the main action)."""
    return bool(any_transition(name).custom["negative"])


def is_final(name: str) -> bool:
    """Nobody can undo it: the page asks once more."""
    return bool(any_transition(name).custom["final"])


def sends_back(name: str) -> bool:
    """The project goes back to its builder, who must read the reason."""
    return bool(any_transition(name).custom["sends_back"])


def sources(name: str) -> list[str]:
    return list(TRANSITIONS[name])


PLAN_SUBMISSIONS = ("submit", "submit_revision")


def plan_submission(state) -> str | None:
    """The transition that hands a finished plan on from ``state`` (None: not from here)."""
    return next((name for name in PLAN_SUBMISSIONS if state in TRANSITIONS[name]), None)


def queue_transitions_from(state) -> list[str]:
    """Transitions out of ``state`` that are work waiting for someone (not withdraw, cancel…)."""
    return [name for name, by_source in TRANSITIONS.items()
            if state in by_source and by_source[state].custom.get("queue", True)]


def may_fire(project, user, name: str) -> bool:
    """Whether the user's role allows ``name`` on this project, whatever its state now."""
    return any_transition(name).has_perm(project, user)


def available(project, user) -> list[str]:
    """Transitions this user may fire now: permitted, from the current state, conditions met."""
    field = Project._meta.get_field("state")
    return [
        tr.name for tr in field.get_all_transitions(Project)
        if tr.source == project.state and tr.has_perm(project, user)
        and all(condition(project) for condition in tr.conditions)
    ]
