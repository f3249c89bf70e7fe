"""A work stream filter that stays usable at hundreds of work streams: a <select> of them all while the plan has
few (`lists.PICKER_LIMIT`), otherwise a box to type the work stream's number in ("12" or "xii")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request
from wtforms import StringField

from app.domain.bounds import parse_id
from app.models import WorkStream
from app.services import lists
from app.web.forms import Form

NOT_FOUND = "There is no work stream {typed} in this plan. Enter its number, for example 12 or xii"


class WorkStreamLookupForm(Form):
    """The typed work stream of a GET filter form: no CSRF (it changes nothing), errors in the error summary."""

    class Meta:
        csrf = False

    ws = StringField("Work stream number")


@dataclass
class WorkStreamPicker:
    form: WorkStreamLookupForm
    chosen: WorkStream | None
    items: list[dict[str, Any]] | None  # the <select>'s options; None: type the number instead

    @property
    def id(self) -> int | None:
        return self.chosen.id if self.chosen else None

    @property
    def failed(self) -> bool:
        return bool(self.form.ws.errors)

    def words(self) -> list[str]:
        return [f"work stream {self.chosen.roman}"] if self.chosen else []


def work_stream_picker(plan_id: int, *, all_text: str = "All") -> WorkStreamPicker:
    """The work stream chosen by `?work_stream=<id>` (a link, or the <select>) or `?ws=<number>` (typed)."""
    form = WorkStreamLookupForm(formdata=request.args)
    typed = (request.args.get("ws") or "").strip()
    chosen = None
    if typed:
        chosen = lists.find_work_stream(plan_id, typed)
        if chosen is None:
            form.ws.errors = [NOT_FOUND.format(typed=f"“{typed[:40]}”")]
    else:
        chosen = lists.work_stream_in_plan(plan_id, parse_id(request.args.get("work_stream")))
        if chosen is not None:
            form.ws.data = chosen.roman
    items = None
    if lists.work_stream_count(plan_id) <= lists.PICKER_LIMIT:
        items = [{"value": "", "text": all_text}] + [
            {"value": ws.id, "text": f"{ws.roman}. {ws.title}", "selected": chosen is not None and ws.id == chosen.id}
            for ws in lists.work_streams_for_picker(plan_id)
        ]
    return WorkStreamPicker(form, chosen, items)
