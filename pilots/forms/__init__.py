"""Forms of the pilot pages."""
from .plan import PlanForm, ProjectCreateForm

__all__ = ["PlanForm", "ProjectCreateForm"]
