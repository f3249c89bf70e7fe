"""Typed SQLAlchemy 2 models, one module per aggregate."""

from app.models.api_tokens import ApiToken
from app.models.audit import AuditEvent
from app.models.challenges import Challenge
from app.models.mail import MailPreference, OutgoingMessage, SentReminder
from app.models.meetings import Baseline, CommitteeMeeting, ReportDocument, ReportJob
from app.models.plan import Action, PerformanceMeasure, Plan, WorkStream, work_stream_managers
from app.models.proposals import Evidence, EvidenceBlob, Notification, Proposal, ProposalMessage
from app.models.questions import MemberQuestion
from app.models.refusals import RefusalCount
from app.models.risks import RiskComment, RiskEntry
from app.models.rounds import RoundItem, UpdateRound
from app.models.users import RecoveryCode, User, UserSession

__all__ = [
    "Action",
    "ApiToken",
    "AuditEvent",
    "Baseline",
    "Challenge",
    "CommitteeMeeting",
    "Evidence",
    "MailPreference",
    "OutgoingMessage",
    "SentReminder",
    "MemberQuestion",
    "EvidenceBlob",
    "Notification",
    "Proposal",
    "ProposalMessage",
    "RefusalCount",
    "ReportDocument",
    "ReportJob",
    "RecoveryCode",
    "RiskComment",
    "RiskEntry",
    "RoundItem",
    "PerformanceMeasure",
    "Plan",
    "User",
    "UpdateRound",
    "UserSession",
    "WorkStream",
    "work_stream_managers",
]
