"""Proposing the members of an expert panel: no blocking conflict, the fields the category
needs covered first, then the least loaded experts of the pool."""
from dataclasses import dataclass

from django.db.models import Count

from pilots.choices import Role, State

from .choices import ExpertiseField
from .conflicts import Conflict, conflicts_between, parties_of, profiles_of
from .expertise import needed_fields
from .models import ExpertAssignment, ExpertProfile

# A panel assignment is open while its project is with the city or the experts.
OPEN_STATES = (State.CITY_REVIEW, State.EXPERT_REVIEW)


@dataclass(frozen=True)
class Proposed:
    """One proposed member: the needed fields it covers and its non-blocking conflicts."""

    expert: object            # pilots.User
    covers: tuple[str, ...]   # ExpertiseField codes, in the category's order
    warnings: tuple[Conflict, ...]
    load: int                 # open assignments

    @property
    def cover_labels(self) -> list[str]:
        return [str(ExpertiseField(code).label) for code in self.covers]


def open_loads() -> dict[int, int]:
    """Open assignments per expert id (one query)."""
    rows = (ExpertAssignment.objects.filter(project__state__in=OPEN_STATES)
            .values("expert_id").annotate(n=Count("pk")).values_list("expert_id", "n"))
    return dict(rows)


def candidate_profiles():
    """Active profiles of active users who hold the expert role."""
    return (ExpertProfile.objects
            .filter(is_active=True, user__is_active=True,
                    user__role_grants__role=Role.EXPERT)
            .select_related("user", "employer", "county")
            .prefetch_related("relations__organisation").distinct())


def screen(projects, *, kind, members=()):
    """Every candidate not on the panel yet, with its conflicts over ``projects``:
    ``[(profile, blocking, warnings)]`` (the page shows the blocked ones as such)."""
    parties = [parties_of(project) for project in projects]
    taken = {getattr(m, "pk", m) for m in members}
    screened = []
    for profile in candidate_profiles():
        if profile.user_id in taken:
            continue
        found = [c for p in parties for c in conflicts_between(profile, p, kind=kind)]
        screened.append((profile, tuple(c for c in found if c.blocking),
                         tuple(c for c in found if not c.blocking)))
    return screened


def propose(projects, size, *, kind, category, members=(), screened=None) -> list[Proposed]:
    """Up to ``size`` experts for a panel over ``projects`` of ``category`` (a Category or
    its code), ``kind`` being ``selection`` or ``acceptance``.

    An expert with a blocking conflict with any of the projects is never proposed. First
    the fields the category needs that ``members`` (already on the panel) do not cover
    are covered, each time by the expert covering most of what is left; then the least
    loaded experts fill the panel (fewest open assignments, then username). An expert
    with only a warning (same county) comes after every expert without one.
    """
    projects = list(projects)
    if size <= 0:
        return []
    if screened is None:
        screened = screen(projects, kind=kind, members=members)
    loads = open_loads()
    pool = [(profile, warnings) for profile, blocking, warnings in screened if not blocking]
    needed = needed_fields(category)
    covered = {f for p in profiles_of(members).values() for f in p.fields} if members else set()
    uncovered = [f for f in needed if f not in covered]

    def rank(entry):
        profile, warnings = entry
        return (bool(warnings), loads.get(profile.user_id, 0), profile.user.username)

    chosen = []
    while len(chosen) < size and uncovered:
        gains = {id(e): [f for f in uncovered if f in e[0].fields] for e in pool}
        useful = [e for e in pool if gains[id(e)]]
        if not useful:
            break
        best = min(useful, key=lambda e: (bool(e[1]), -len(gains[id(e)]), *rank(e)[1:]))
        chosen.append(best)
        pool.remove(best)
        uncovered = [f for f in uncovered if f not in gains[id(best)]]
    chosen.extend(sorted(pool, key=rank)[:size - len(chosen)])
    return [Proposed(profile.user, tuple(f for f in needed if f in profile.fields), warnings,
                     loads.get(profile.user_id, 0))
            for profile, warnings in chosen]
