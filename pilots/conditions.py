"""Conditions on transitions, each with the message a user sees when it does not hold.

Every transition carries a ``Hook`` named after it. Capabilities built later (expert
panels, publicity, acceptance) register their own conditions on a hook from their
AppConfig.ready(), so the lifecycle here never imports the apps above it.
"""
from collections import defaultdict


class Condition:
    """A named check on a project; callable as django-fsm expects (True = holds)."""

    def __init__(self, check, message):
        self.check = check
        self.message = message

    def __call__(self, project) -> bool:
        return bool(self.check(project))

    def failures(self, project) -> list[str]:
        if self(project):
            return []
        # A message may be a function of the project, when it names a figure read at check
        # time (e.g. the batch's panel size).
        message = self.message(project) if callable(self.message) else self.message
        return [str(message)]


_registry: dict[str, list[Condition]] = defaultdict(list)


def register(transition_name: str, message):
    """Decorator: add ``check`` as a condition of ``transition_name``."""

    def decorator(check):
        condition = Condition(check, message)
        if not any(c.check is check for c in _registry[transition_name]):
            _registry[transition_name].append(condition)
        return check

    return decorator


class Hook:
    """The conditions registered for one transition by other capabilities."""

    def __init__(self, transition_name: str):
        self.transition_name = transition_name

    def __call__(self, project) -> bool:
        return all(condition(project) for condition in _registry[self.transition_name])

    def failures(self, project) -> list[str]:
        return [m for c in _registry[self.transition_name] for m in c.failures(project)]


def unmet(transition, project) -> list[str]:
    """Messages of every condition of a django-fsm ``Transition`` that does not hold.

    Every transition is declared through models.projects.lifecycle(), so each condition
    is a Condition or a Hook.
    """
    return [m for condition in transition.conditions for m in condition.failures(project)]
