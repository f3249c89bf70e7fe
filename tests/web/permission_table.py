"""Every route, every method, every role -> what must happen. A route missing from here fails the suite.

OK: the page or action is served (2xx, or a form re-shown with its errors). REDIRECT: done, then sent on.
LOGIN: sent to sign in (401 for the API). FORBIDDEN: 403.
"""

from __future__ import annotations

OK, REDIRECT, LOGIN, FORBIDDEN = "ok", "redirect", "login", "forbidden"
ROLES = ("anonymous", "admin", "pm", "sm1", "smt", "committee")
SIGNED_IN = ROLES[1:]


def everyone_signed_in(outcome: str = OK) -> dict[str, str]:
    return {"anonymous": LOGIN, **{role: outcome for role in SIGNED_IN}}


def only(allowed: dict[str, str]) -> dict[str, str]:
    table = {"anonymous": LOGIN, **{role: FORBIDDEN for role in SIGNED_IN}}
    table.update(allowed)
    return table


# (endpoint, method) -> {role: outcome}
PERMISSIONS: dict[tuple[str, str], dict[str, str]] = {
    ("healthz", "GET"): {role: OK for role in ROLES},
    ("static", "GET"): {role: OK for role in ROLES},
    ("auth.login", "GET"): {"anonymous": OK, **{role: REDIRECT for role in SIGNED_IN}},
    ("auth.login", "POST"): {"anonymous": OK, **{role: REDIRECT for role in SIGNED_IN}},
    ("auth.logout", "POST"): everyone_signed_in(REDIRECT),
    ("auth.change_password", "GET"): everyone_signed_in(),
    ("auth.change_password", "POST"): everyone_signed_in(),
    ("plan.dashboard", "GET"): everyone_signed_in(),
    ("plan.work_streams", "GET"): everyone_signed_in(),
    ("plan.work_stream", "GET"): everyone_signed_in(),
    ("plan.actions", "GET"): everyone_signed_in(),
    ("plan.action", "GET"): everyone_signed_in(),
    ("plan.glossary", "GET"): everyone_signed_in(),
    ("api.summary", "GET"): everyone_signed_in(),
    ("admin.users", "GET"): only({"admin": OK}),
    ("admin.new_user", "GET"): only({"admin": OK}),
    ("admin.new_user", "POST"): only({"admin": OK}),
    ("admin.edit_user", "GET"): only({"admin": OK}),
    ("admin.edit_user", "POST"): only({"admin": OK}),
    ("admin.reset_password", "POST"): only({"admin": OK}),
    ("admin.deactivate_user", "POST"): only({"admin": REDIRECT}),
    ("admin.reactivate_user", "POST"): only({"admin": REDIRECT}),
}
