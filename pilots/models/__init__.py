"""Models of the pilot domain: places, bodies, categories, people, batches, projects."""
from .files import Attachment
from .notifications import Notification
from .people import Organisation, RoleGrant, User
from .projects import AuditEntry, Batch, CodeCounter, PlanVersion, Project
from .reference import Body, Category, County, Department, Indicator

__all__ = [
    "Attachment",
    "Notification",
    "AuditEntry",
    "Batch",
    "Body",
    "Category",
    "CodeCounter",
    "County",
    "Department",
    "Indicator",
    "Organisation",
    "PlanVersion",
    "Project",
    "RoleGrant",
    "User",
]
