"""Which projects the public may see: the one place that decides it, by state.

- **Directory** (试点名录): confirmed pilots, from construction on: ``construction``,
  ``acceptance_check``, ``acceptance_review``, ``titled``, ``recheck``, and ``revoked``
  (the public is told a title was taken away).
- **Under publicity** (公示): ``publicity``; its page carries the objection form while the
  period runs.
- **Not selected after publicity**: a ``not_selected`` project that was put on public
  notice (it has a publicity period) keeps its public page, now saying it was not
  selected: the notice the public read named it. It is not in the directory.

Everything else is not public and answers 404: ``draft`` to ``revision_check`` (an
application under review), ``not_selected`` without publicity (turned down in expert
review), ``withdrawn`` and ``cancelled`` (a pilot that stopped building).
"""
from pilots.choices import State

DIRECTORY_STATES = (State.CONSTRUCTION, State.ACCEPTANCE_CHECK, State.ACCEPTANCE_REVIEW,
                    State.TITLED, State.RECHECK, State.REVOKED)
PUBLICITY_STATES = (State.PUBLICITY,)
# Public only when the project was put on public notice.
AFTER_PUBLICITY_STATES = (State.NOT_SELECTED,)
# What the live figures count: pilots and projects under publicity.
COUNTED_STATES = PUBLICITY_STATES + DIRECTORY_STATES
