"""All models of the application database, one module per capability; importing this package
registers every table on `metadata` (Alembic's autogenerate and the tests rely on that).

- permits:   Application, StatusChange, VerificationAttempt (+ APPLICATION_TYPES, STATUSES, …)
- directory: ServicePoint, ServicePointText, ServicePointLanguage, OpeningInterval, Closure
             (+ DISTRICTS, SERVICE_CATEGORIES, WEEKDAYS, …)
- feedback:  Feedback
- questions: QuestionLog (use QuestionLog.record(): redacts the text, hashes the sender)
- meta:      SeedFile (ensure_ready's bookkeeping)
- staff:     StaffAccount, StaffSession, StaffLoginAttempt, StaffAuditEntry (the staff console, issue 8)
- handoff:   Handoff, HandoffReply (the human handoff queue, issue 8)
"""

from haina.db.models.base import Base, metadata, utcnow
from haina.db.models.directory import (
    DISTRICTS, HOLIDAY_POLICIES, SERVICE_CATEGORIES, TEXT_FIELDS, VERIFIABLE_FIELDS, WEEKDAYS, Closure,
    OpeningInterval, ServicePoint, ServicePointLanguage, ServicePointText,
)
from haina.db.models.feedback import Feedback
from haina.db.models.handoff import HANDOFF_REASONS, HANDOFF_STATES, Handoff, HandoffReply
from haina.db.models.meta import SeedFile
from haina.db.models.permits import (
    APPLICATION_TYPES, METHODS, OUTCOMES, PERMIT_CATEGORIES, STATUSES, Application, StatusChange,
    VerificationAttempt,
)
from haina.db.models.questions import QUESTION_OUTCOMES, QuestionLog
from haina.db.models.staff import (
    AUDIT_OUTCOMES, ROLES, StaffAccount, StaffAuditEntry, StaffLoginAttempt, StaffSession,
)

__all__ = [
    "Base", "metadata", "utcnow",
    "Application", "StatusChange", "VerificationAttempt", "APPLICATION_TYPES", "PERMIT_CATEGORIES", "STATUSES",
    "OUTCOMES", "METHODS",
    "ServicePoint", "ServicePointText", "ServicePointLanguage", "OpeningInterval", "Closure", "DISTRICTS",
    "SERVICE_CATEGORIES", "TEXT_FIELDS", "HOLIDAY_POLICIES", "WEEKDAYS", "VERIFIABLE_FIELDS",
    "Feedback", "QuestionLog", "QUESTION_OUTCOMES", "SeedFile",
    "StaffAccount", "StaffSession", "StaffLoginAttempt", "StaffAuditEntry", "ROLES", "AUDIT_OUTCOMES",
    "Handoff", "HandoffReply", "HANDOFF_STATES", "HANDOFF_REASONS",
]
