"""Every route, every method, every role -> what must happen. A route missing from here fails the suite.

OK: the page or action is served (2xx, or a form re-shown with its errors). REDIRECT: done, then sent on.
LOGIN: sent to sign in (401 for the API). FORBIDDEN: 403.

The fixture's proposals, evidence and risk entry are in work stream i, which sm1 runs; sm2 runs iii and iv,
so sm2's column is what a service manager gets in someone else's work stream. test_permissions then tries
every route where sm2's answer differs from sm1's again on sm2's own things: there sm2 must get sm1's.
"""

from __future__ import annotations

OK, REDIRECT, LOGIN, FORBIDDEN = "ok", "redirect", "login", "forbidden"
ROLES = ("anonymous", "admin", "pm", "sm1", "sm2", "smt", "committee")
SIGNED_IN = ROLES[1:]


def everyone_signed_in(outcome: str = OK) -> dict[str, str]:
    return {"anonymous": LOGIN, **dict.fromkeys(SIGNED_IN, outcome)}


def only(allowed: dict[str, str]) -> dict[str, str]:
    table = {"anonymous": LOGIN, **dict.fromkeys(SIGNED_IN, FORBIDDEN)}
    table.update(allowed)
    return table


# (endpoint, method) -> {role: outcome}
PERMISSIONS: dict[tuple[str, str], dict[str, str]] = {
    ("healthz", "GET"): dict.fromkeys(ROLES, OK),
    ("readyz", "GET"): dict.fromkeys(ROLES, OK),  # 503 only when a dependency is down (tests/web/test_readyz.py)
    ("static", "GET"): dict.fromkeys(ROLES, OK),
    ("auth.login", "GET"): {"anonymous": OK, **dict.fromkeys(SIGNED_IN, REDIRECT)},
    ("auth.login", "POST"): {"anonymous": OK, **dict.fromkeys(SIGNED_IN, REDIRECT)},
    ("auth.logout", "POST"): everyone_signed_in(REDIRECT),
    ("auth.change_password", "GET"): everyone_signed_in(),
    ("auth.change_password", "POST"): everyone_signed_in(),
    ("auth.login_code", "GET"): dict.fromkeys(ROLES, REDIRECT),  # no password given first: back to sign in
    ("auth.login_code", "POST"): dict.fromkeys(ROLES, REDIRECT),
    ("auth.two_factor_setup", "GET"): everyone_signed_in(),
    ("auth.two_factor_setup", "POST"): everyone_signed_in(),  # no code: the form again, with its error
    ("plan.dashboard", "GET"): everyone_signed_in(),
    ("plan.work_streams", "GET"): everyone_signed_in(),
    ("plan.work_stream", "GET"): everyone_signed_in(),
    ("plan.actions", "GET"): everyone_signed_in(),
    ("plan.action", "GET"): everyone_signed_in(),
    ("plan.glossary", "GET"): dict.fromkeys(ROLES, OK),
    ("plan.accessibility", "GET"): dict.fromkeys(ROLES, OK),
    ("api.summary", "GET"): everyone_signed_in(),
    # The read API (app/web/api/read.py): what the pages show, to whoever may see the pages. Its description
    # holds no data, so it needs no sign-in (BI tools read it before they are given a token).
    ("api.openapi", "GET"): dict.fromkeys(ROLES, OK),
    ("api.plans", "GET"): everyone_signed_in(),
    ("api.plan", "GET"): everyone_signed_in(),
    ("api.work_streams", "GET"): everyone_signed_in(),
    ("api.work_stream", "GET"): everyone_signed_in(),
    ("api.actions", "GET"): everyone_signed_in(),
    ("api.action", "GET"): everyone_signed_in(),
    ("api.measures", "GET"): everyone_signed_in(),
    ("api.risk_register", "GET"): everyone_signed_in(),
    ("api.changes", "GET"): everyone_signed_in(),
    ("api.changes_since", "GET"): everyone_signed_in(),
    ("api.meetings_list", "GET"): everyone_signed_in(),
    ("api.meeting", "GET"): everyone_signed_in(),
    ("admin.users", "GET"): only({"admin": OK}),
    ("admin.new_user", "GET"): only({"admin": OK}),
    ("admin.new_user", "POST"): only({"admin": OK}),
    ("admin.edit_user", "GET"): only({"admin": OK}),
    ("admin.edit_user", "POST"): only({"admin": OK}),
    ("admin.reset_password", "POST"): only({"admin": OK}),
    ("admin.reset_two_factor", "POST"): only({"admin": REDIRECT}),
    ("admin.deactivate_user", "POST"): only({"admin": REDIRECT}),
    ("admin.reactivate_user", "POST"): only({"admin": REDIRECT}),
    # API tokens: a POST with no name is the form again; revoking sends back to the list (the second time too)
    ("admin.api_tokens_page", "GET"): only({"admin": OK}),
    ("admin.new_api_token", "GET"): only({"admin": OK}),
    ("admin.new_api_token", "POST"): only({"admin": OK}),
    ("admin.revoke_api_token", "GET"): only({"admin": OK}),
    ("admin.revoke_api_token", "POST"): only({"admin": REDIRECT}),
    # E-mail: each person's choices (a POST with no choice is the form again, with its errors); the
    # administrator's failed mail (no message named: the form again) and, in demo mode, the outbox.
    ("mail.preferences", "GET"): everyone_signed_in(),
    ("mail.preferences", "POST"): everyone_signed_in(),
    ("mail.failed", "GET"): only({"admin": OK}),
    ("mail.failed", "POST"): only({"admin": OK}),
    ("mail.outbox", "GET"): only({"admin": OK}),
    # The change workflow. The fixture has a draft and a submitted proposal by sm1 in work stream i.
    # POSTs carry no version, so a permitted person reaches the use case and gets its answer (a 4xx
    # message, nothing changed): OK here means "not refused for who they are".
    ("proposals.propose_action", "GET"): only({"pm": OK, "sm1": OK}),
    ("proposals.propose_action", "POST"): only({"pm": OK, "sm1": OK}),
    ("proposals.propose_measure", "GET"): only({"pm": OK, "sm1": OK}),
    ("proposals.propose_measure", "POST"): only({"pm": OK, "sm1": OK}),
    ("proposals.show", "GET"): only({"pm": OK, "smt": OK, "sm1": OK}),
    ("proposals.act", "POST"): only({"pm": OK, "smt": OK, "sm1": OK}),
    ("proposals.edit", "GET"): only({"sm1": OK}),
    ("proposals.edit", "POST"): only({"sm1": OK}),
    ("proposals.submit", "POST"): only({"sm1": OK}),
    ("proposals.withdraw", "POST"): only({"sm1": OK}),
    ("proposals.respond", "POST"): only({"sm1": OK}),
    ("proposals.approve", "POST"): only({"pm": OK}),
    ("proposals.challenge", "POST"): only({"pm": OK}),
    ("proposals.reject", "POST"): only({"pm": OK}),
    ("proposals.download", "GET"): only({"pm": OK, "smt": OK, "sm1": OK}),
    ("proposals.queue", "GET"): only({"pm": OK}),
    ("proposals.queue_count", "GET"): everyone_signed_in(),
    ("proposals.mine", "GET"): only({"pm": OK, "sm1": OK, "sm2": OK, "smt": OK}),  # smt: every proposal
    ("proposals.notifications_page", "GET"): everyone_signed_in(),
    ("proposals.notifications_read", "POST"): everyone_signed_in(REDIRECT),
    ("audit.trail", "GET"): only({"admin": OK, "pm": OK, "sm1": OK, "sm2": OK, "smt": OK}),
    ("audit.trail_csv", "GET"): only({"admin": OK, "pm": OK, "sm1": OK, "sm2": OK, "smt": OK}),
    ("editor.new_action", "GET"): only({"pm": OK}),
    ("editor.new_action", "POST"): only({"pm": OK}),
    ("editor.edit_action", "GET"): only({"pm": OK}),
    ("editor.edit_action", "POST"): only({"pm": OK}),
    ("editor.retirement", "GET"): only({"pm": OK}),
    ("editor.retirement", "POST"): only({"pm": OK}),
    ("editor.new_work_stream", "GET"): only({"pm": OK}),
    ("editor.new_work_stream", "POST"): only({"pm": OK}),
    ("editor.new_measure", "GET"): only({"pm": OK}),
    ("editor.new_measure", "POST"): only({"pm": OK}),
    ("editor.edit_measure", "GET"): only({"pm": OK}),
    ("editor.edit_measure", "POST"): only({"pm": OK}),
    ("editor.make_current", "POST"): only({"pm": REDIRECT}),
    # The risk register: the fixture's open entry is in work stream i, which sm1 runs.
    ("risks.register", "GET"): everyone_signed_in(),
    ("risks.history", "GET"): everyone_signed_in(),
    ("risks.entry", "GET"): everyone_signed_in(),
    ("risks.export_csv", "GET"): everyone_signed_in(),
    ("risks.export_xlsx", "GET"): everyone_signed_in(),
    ("risks.edit", "POST"): only({"pm": OK, "sm1": OK}),
    ("risks.escalate", "POST"): only({"smt": OK}),
    ("risks.comment", "POST"): only({"pm": OK, "sm1": OK, "smt": OK}),
    ("risks.window", "POST"): only({"pm": OK}),
    # Committee cycle: the fixture has one presented meeting and two not yet presented (one for the present POST).
    ("committee.meetings_page", "GET"): everyone_signed_in(),
    ("committee.create_meeting", "POST"): only({"pm": OK}),
    ("committee.meeting", "GET"): everyone_signed_in(),
    ("committee.confirm_present", "GET"): only({"pm": OK}),  # what presenting would fix; changes nothing
    ("committee.present", "POST"): only({"pm": REDIRECT}),
    ("committee.narrative", "POST"): only({"pm": REDIRECT}),
    ("committee.details", "POST"): only({"pm": OK}),  # no fields sent: the form again, with its errors
    ("committee.preview", "GET"): only({"pm": OK, "sm1": OK, "sm2": OK, "smt": OK}),  # a draft: not for members
    ("committee.report", "GET"): everyone_signed_in(),
    ("committee.report_css", "GET"): dict.fromkeys(ROLES, OK),
    ("committee.report_pdf", "GET"): everyone_signed_in(),
    ("committee.report_docx", "GET"): everyone_signed_in(),
    ("committee.report_chart", "GET"): everyone_signed_in(),
    # the fixture's pack (7 work streams) carries Appendices 3 and 4 itself: sent on to its list of documents
    ("committee.report_appendix", "GET"): everyone_signed_in(REDIRECT),
    ("committee.pack_status", "GET"): everyone_signed_in(REDIRECT),  # htmx gets the partial, a person the page
    # the presented meeting's pack is stored already: the project manager is told so (409), nobody else may ask
    ("committee.prepare_pack", "POST"): only({"pm": OK}),
    ("committee.changes", "GET"): everyone_signed_in(),
    ("committee.changes_csv", "GET"): everyone_signed_in(),
    ("committee.compare", "GET"): everyone_signed_in(),
    ("committee.landing", "GET"): everyone_signed_in(),
    ("committee.export_plan", "GET"): only({"pm": OK, "sm1": OK, "sm2": OK, "smt": OK}),
    ("committee.import_plan", "GET"): only({"pm": OK}),
    ("committee.import_plan", "POST"): only({"pm": OK}),
    ("committee.confirm_import", "POST"): only({"pm": REDIRECT}),
    ("committee.trend_json", "GET"): everyone_signed_in(),
    # The update round: the fixture's round is open; its item is on the checklist of the work stream's manager.
    # Opening needs a month and a due date, closing the round's version: the table's empty forms change nothing.
    ("rounds.index", "GET"): only({"pm": OK, "sm1": OK, "sm2": OK, "smt": OK}),
    ("rounds.new", "GET"): only({"pm": OK}),
    ("rounds.new", "POST"): only({"pm": OK}),
    ("rounds.show", "GET"): only({"pm": OK, "sm1": OK, "sm2": OK, "smt": OK}),
    ("rounds.close", "POST"): only({"pm": OK}),
    ("rounds.checklist", "GET"): only({"pm": OK, "sm1": OK, "sm2": OK}),  # each sees their own list
    ("rounds.no_change", "POST"): only({"sm1": OK}),  # no note: refused with its message
    ("rounds.workbook", "GET"): only({"pm": OK, "sm1": OK, "sm2": OK}),
    ("rounds.upload", "POST"): only({"pm": OK, "sm1": OK, "sm2": OK}),  # no file: the form again
    ("rounds.confirm_upload", "POST"): only({"pm": OK, "sm1": OK, "sm2": OK}),
    # Members' questions: asking is a committee member's only write, and it changes nothing in the plan. The
    # fixture's question (on an action in sm1's work stream) was sent to sm1 to answer; the POSTs carry no
    # version or words, so a permitted person gets the use case's answer (400, or 409 for a stale version).
    ("questions.ask_action", "GET"): only({"committee": OK}),
    ("questions.ask_action", "POST"): only({"committee": OK}),
    ("questions.ask_risk", "GET"): only({"committee": OK}),
    ("questions.ask_risk", "POST"): only({"committee": OK}),
    ("questions.index", "GET"): only({"pm": OK, "sm1": OK, "sm2": OK, "smt": OK, "committee": OK}),
    ("questions.show", "GET"): only({"pm": OK, "sm1": OK, "committee": OK}),  # the asker, the PM, the officer
    ("questions.route", "POST"): only({"pm": OK}),
    ("questions.answer", "POST"): only({"sm1": OK}),  # only the officer it was sent to, not the PM
    ("questions.publish", "POST"): only({"pm": OK}),
}
