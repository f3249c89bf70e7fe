"""An imported plan's actions meet the risk register's rules at once, not at the next daily refresh."""

from __future__ import annotations

import io
from typing import Any

from flask import Flask
from openpyxl import load_workbook

from app.extensions import db
from app.models import User
from app.services import risks
from app.services.excel_io import apply_import, export_plan, preview_import


def _first_live_action_made_static(data: bytes) -> tuple[bytes, str]:
    """Change the first IN PROGRESS action on the first work stream sheet to STATIC; return its reference."""
    wb = load_workbook(io.BytesIO(data))
    sheet = wb.worksheets[1]
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == "IN PROGRESS":
                cell.value = "STATIC"
                out = io.BytesIO()
                wb.save(out)
                return out.getvalue(), str(row[0].value)
    raise AssertionError("no IN PROGRESS action on the first work stream sheet")


def test_an_imported_static_action_is_in_the_risk_register_straight_away(app: Flask, demo: dict[str, Any]) -> None:
    with app.app_context():
        data, reference = _first_live_action_made_static(export_plan(demo["plan_id"]))
        preview = preview_import(data)
        assert preview.problems == []
        pm = db.session.get(User, demo["users"]["pm"])
        assert pm is not None
        plan = apply_import(pm, preview, title_override="Imported plan")
        register = {entry.action.reference: entry for entry in risks.entries(plan.id)}
        assert reference in register, f"action {reference} imported as STATIC is not in the register"
        assert "static" in register[reference].reasons
