"""Roles and permissions: the only place a role is named.

Views, services and templates all ask `can()`; services call `require()` again so a view that forgot
a check still cannot change anything. A service manager's rights to change the plan are scoped to the
work streams they run.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    PROJECT_MANAGER = "project_manager"
    SERVICE_MANAGER = "service_manager"
    SENIOR_MANAGER = "senior_manager"
    COMMITTEE_MEMBER = "committee_member"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.ADMINISTRATOR: "Administrator",
    Role.PROJECT_MANAGER: "Project manager",
    Role.SERVICE_MANAGER: "Service manager",
    Role.SENIOR_MANAGER: "Senior manager",
    Role.COMMITTEE_MEMBER: "Committee member",
}

ROLE_DESCRIPTIONS: dict[Role, str] = {
    Role.ADMINISTRATOR: "Manages accounts, roles and work stream assignments. No say over plan content.",
    Role.PROJECT_MANAGER: (
        "Independent challenge: reviews, challenges, approves or rejects proposed changes and edits the plan."
    ),
    Role.SERVICE_MANAGER: "Runs work streams: proposes updates with evidence for the actions in them.",
    Role.SENIOR_MANAGER: "Oversight (SMT, Assistant Director, Director): reads everything, watches the risk register.",
    Role.COMMITTEE_MEMBER: (
        "Elected councillor: reads the approved plan, charts and reports, and may ask questions. Changes nothing."
    ),
}


class Permission(StrEnum):
    VIEW_PLAN = "view_plan"
    VIEW_AUDIT = "view_audit"
    VIEW_INTERNAL = "view_internal"
    PROPOSE_CHANGE = "propose_change"
    REVIEW_PROPOSAL = "review_proposal"
    EDIT_PLAN = "edit_plan"
    MANAGE_USERS = "manage_users"
    EDIT_RISK = "edit_risk"
    ESCALATE_RISK = "escalate_risk"
    OWN_ACTIONS = "own_actions"  # may be named as an action's or measure's owner
    READ_AS_MEMBER = "read_as_member"  # lands on the members' page, sees the plan as a councillor does
    MANAGE_ROUNDS = "manage_rounds"  # opens and closes the monthly update round
    MANAGE_MAIL = "manage_mail"  # sees the e-mail that could not be sent, and tries it again
    WEEKLY_DIGEST = "weekly_digest"  # is sent the weekly summary of what changed
    LIST_PROPOSALS = "list_proposals"  # the list of every proposal past its draft
    HEAR_ESCALATIONS = "hear_escalations"  # told when a challenge goes unanswered past its due date
    ASK_QUESTION = "ask_question"  # a member's question on an action or risk: a committee member's only write
    ANSWER_QUESTION = "answer_question"  # may be sent a member's question to answer
    MANAGE_QUESTIONS = "manage_questions"  # sees every question, routes it, edits and publishes its answer
    MANAGE_API_TOKENS = "manage_api_tokens"  # creates and revokes the read-only API tokens of service accounts


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMINISTRATOR: frozenset(
        {
            Permission.VIEW_PLAN,
            Permission.VIEW_AUDIT,
            Permission.MANAGE_USERS,
            Permission.MANAGE_MAIL,
            Permission.MANAGE_API_TOKENS,
        }
    ),
    Role.PROJECT_MANAGER: frozenset(
        {
            Permission.VIEW_PLAN,
            Permission.VIEW_AUDIT,
            Permission.VIEW_INTERNAL,
            Permission.PROPOSE_CHANGE,
            Permission.REVIEW_PROPOSAL,
            Permission.EDIT_PLAN,
            Permission.EDIT_RISK,
            Permission.OWN_ACTIONS,
            Permission.MANAGE_ROUNDS,
            Permission.LIST_PROPOSALS,
            Permission.ANSWER_QUESTION,
            Permission.MANAGE_QUESTIONS,
        }
    ),
    Role.SERVICE_MANAGER: frozenset(
        {
            Permission.VIEW_PLAN,
            Permission.VIEW_AUDIT,
            Permission.VIEW_INTERNAL,
            Permission.PROPOSE_CHANGE,
            Permission.EDIT_RISK,
            Permission.OWN_ACTIONS,
            Permission.ANSWER_QUESTION,
        }
    ),
    Role.SENIOR_MANAGER: frozenset(
        {
            Permission.VIEW_PLAN,
            Permission.VIEW_AUDIT,
            Permission.VIEW_INTERNAL,
            Permission.ESCALATE_RISK,
            Permission.OWN_ACTIONS,
            Permission.WEEKLY_DIGEST,
            Permission.LIST_PROPOSALS,
            Permission.HEAR_ESCALATIONS,
            Permission.ANSWER_QUESTION,
        }
    ),
    Role.COMMITTEE_MEMBER: frozenset({Permission.VIEW_PLAN, Permission.READ_AS_MEMBER, Permission.ASK_QUESTION}),
}

# Who must sign in with a second factor where it is required (production): those who approve changes to
# the plan and those who manage accounts. Everyone else may choose to.
SECOND_FACTOR_ROLES: frozenset[Role] = frozenset({Role.ADMINISTRATOR, Role.PROJECT_MANAGER})

SCOPED_TO_WORK_STREAM: frozenset[Permission] = frozenset({Permission.PROPOSE_CHANGE, Permission.EDIT_RISK})
SCOPED_ROLES: frozenset[Role] = frozenset({Role.SERVICE_MANAGER})


class Actor(Protocol):
    """Whoever acts: a signed-in person (the User model) or the command-line operator (SYSTEM).

    The policy reads the role, whether the account is active and the work streams they run; the audit
    trail records the id (None for the command line) and the name.
    """

    @property
    def id(self) -> int | None: ...

    @property
    def name(self) -> str: ...

    @property
    def role(self) -> str: ...

    @property
    def is_active(self) -> bool: ...

    @property
    def managed_work_stream_ids(self) -> frozenset[int]: ...


class PermissionDenied(Exception):
    """The person may not do this. Views turn it into a 403 and the audit trail records it."""

    def __init__(self, permission: Permission, message: str = "You do not have permission to do that") -> None:
        super().__init__(message)
        self.permission = permission
        self.message = message


def permissions_for(role: str | None) -> frozenset[Permission]:
    try:
        return ROLE_PERMISSIONS[Role(role)] if role else frozenset()
    except ValueError:
        return frozenset()


def roles_with(permission: Permission) -> frozenset[str]:
    """The stored role values that carry a permission: for queries such as "everyone who may review"."""
    return frozenset(role.value for role, granted in ROLE_PERMISSIONS.items() if permission in granted)


def role_has(role: str | None, permission: Permission) -> bool:
    """Whether a role (not a person: no account or work stream check) carries a permission."""
    return permission in permissions_for(role)


def can(actor: Actor | None, permission: Permission, work_stream_id: int | None = None) -> bool:
    """Whether the actor may do this, optionally on something in a given work stream."""
    if actor is None or not getattr(actor, "is_authenticated", True) or not actor.is_active:
        return False
    if permission not in permissions_for(actor.role):
        return False
    if permission in SCOPED_TO_WORK_STREAM and actor.role in SCOPED_ROLES:
        if work_stream_id is None:  # "in some work stream": they run at least one
            return bool(actor.managed_work_stream_ids)
        return work_stream_id in actor.managed_work_stream_ids
    return True


def rights_key(actor: Actor | None) -> tuple[str, bool, frozenset[int]] | None:
    """All that `can` reads of a person: two people with the same key get the same answers, so what a page shows
    by rights can be kept once for both."""
    if actor is None or not getattr(actor, "is_authenticated", True):
        return None
    scoped = actor.role in SCOPED_ROLES  # only then does `can` read the work streams they run
    return (actor.role, actor.is_active, actor.managed_work_stream_ids if scoped else frozenset())


def require(actor: Actor | None, permission: Permission, work_stream_id: int | None = None) -> None:
    if not can(actor, permission, work_stream_id):
        raise PermissionDenied(permission)


def can_view_proposal(actor: Actor | None, *, work_stream_id: int, state: str, author_id: int) -> bool:
    """Drafts stay with their author and the work stream's managers; nobody outside the service sees proposals.

    Service managers see proposals (and their evidence) only in the work streams they run; the project
    manager and senior managers see every proposal once submitted; committee members and administrators
    see none (evidence may hold personal data): they see approved changes in an action's history.

    Rights come from the role held now: an author sees their own proposals only while their role may still
    propose changes and see internal papers, so someone moved to the committee loses them with the role.
    """
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    granted = permissions_for(actor.role)
    if Permission.VIEW_INTERNAL not in granted:
        return False
    if getattr(actor, "id", None) == author_id and Permission.PROPOSE_CHANGE in granted:
        return True
    if actor.role == Role.SERVICE_MANAGER:
        return work_stream_id in actor.managed_work_stream_ids
    if actor.role in (Role.PROJECT_MANAGER, Role.SENIOR_MANAGER):
        return state != "draft"
    return False


def is_reviewer(actor: Actor | None) -> bool:
    return can(actor, Permission.REVIEW_PROPOSAL)


def must_use_second_factor(role: str | None) -> bool:
    """Whether a role must sign in with a code from an authenticator app where two-step sign-in is required."""
    return role in SECOND_FACTOR_ROLES


def may_run_work_streams(role: str) -> bool:
    """Only service managers are assigned to run work streams."""
    return role == Role.SERVICE_MANAGER


class SystemActor:
    """The operator at the command line (`flask users ...`, `flask demo seed`): trusted, and named in the audit."""

    id = None
    name = "System (command line)"
    role = "system"
    is_active = True
    is_authenticated = True
    managed_work_stream_ids: frozenset[int] = frozenset()


SYSTEM = SystemActor()


def can_as(actor: Actor | None, permission: Permission, work_stream_id: int | None = None) -> bool:
    """Like can(), but the command-line operator may do anything an administrator or project manager may."""
    if isinstance(actor, SystemActor):
        return True
    return can(actor, permission, work_stream_id)


def require_as(actor: Actor | None, permission: Permission, work_stream_id: int | None = None) -> None:
    if not can_as(actor, permission, work_stream_id):
        raise PermissionDenied(permission)
