"""Models of the pilot domain: places, bodies, categories, people, batches, projects."""
from .calendar import CalendarDay, CalendarReminder, CalendarYear, DayKind
from .files import Attachment, AttachmentPurpose
from .notifications import EmailStatus, Notification
from .people import Organisation, RoleGrant, User
from .projects import AuditEntry, Batch, CodeCounter, PlanVersion, Project
from .reference import (
    Body,
    Category,
    County,
    Department,
    EligibilityCondition,
    Indicator,
    KeyPark,
    KeyParkLevel,
)

__all__ = [
    "Attachment",
    "AttachmentPurpose",
    "EligibilityCondition",
    "EmailStatus",
    "KeyPark",
    "KeyParkLevel",
    "Notification",
    "AuditEntry",
    "Batch",
    "CalendarDay",
    "CalendarReminder",
    "CalendarYear",
    "DayKind",
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
