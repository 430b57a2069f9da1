"""What an assigned expert may read before and after its declaration, and how the trail
words the declarations. Registered from ready()."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pilots import registry
from pilots.choices import Role

from . import declarations
from .choices import ConflictType
from .lifecycle import expert_lines

DECLARE_FIRST = gettext_lazy("请先声明与本项目无利益冲突。")


@registry.register_plan_access_rule(DECLARE_FIRST)
def declared_before_reading(project, user):
    """An expert on the panel reads the plan only after declaring no conflict; whoever sees
    the project in another capacity (the ecology admin) is not held back by it."""
    if not getattr(user, "is_authenticated", False) or user.is_superuser:
        return None
    roles = user.roles  # cached on the user: no query for anyone but an expert below
    if Role.EXPERT not in roles or Role.ECOLOGY_ADMIN in roles:
        return None
    return False if declarations.undeclared(project, user) else None


def _conflict(data):
    labels = dict(ConflictType.choices)
    return [*expert_lines(data),
            _("冲突类型：%(type)s") % {"type": labels.get(data.get("type"), data.get("type", ""))},
            _("说明：%(statement)s") % {"statement": data.get("statement", "")}]


registry.register_event(declarations.NO_CONFLICT_DECLARED, gettext_lazy("专家声明无利益冲突"),
                        expert_lines)
registry.register_event(declarations.CONFLICT_DECLARED, gettext_lazy("专家声明存在利益冲突"),
                        _conflict)
