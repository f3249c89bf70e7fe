"""`flask backup create` and `flask backup restore`: the database and every stored file, proved by SHA-256.

A backup of the seeded demo (its evidence files and its July meeting's stored committee documents) is
restored into an empty database and empty storage; every table's rows and every file's hash come back the
same, the audit chain verifies, and the evidence downloads through the app. A backup with one altered,
missing or extra file is refused with nothing restored, and so is a target that is not empty.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import inspect, select, text

from app.extensions import db
from app.models import Evidence, ReportDocument
from app.services import audit, evidence_store
from tests.conftest import PASSWORD, Databases, _config
from tests.web.test_committee_cycle import present, record_meeting
from tests.web.test_workflow import propose

ROOT = Path(__file__).resolve().parents[2]


def every_row() -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows in primary-key order, alembic_version included."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    for table in db.metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        rows[table.name] = [tuple(row) for row in db.session.execute(select(table).order_by(*order))]
    rows["alembic_version"] = [tuple(r) for r in db.session.execute(text("SELECT version_num FROM alembic_version"))]
    return rows


def every_file() -> dict[str, str]:
    """The SHA-256 of every evidence file and stored committee document, by key, read through the stores."""
    hashes = {}
    for key in db.session.scalars(select(Evidence.storage_key).where(Evidence.storage_key.is_not(None))):
        assert key
        hashes[f"evidence/{key}"] = hashlib.sha256(evidence_store.store().load(key)).hexdigest()
    for key in db.session.scalars(select(ReportDocument.storage_key)):
        hashes[f"reports/{key}"] = hashlib.sha256(evidence_store.report_store().load(key)).hexdigest()
    return hashes


@pytest.fixture
def source(app: Flask, login: Any, demo: dict[str, Any]) -> Flask:
    """The demo with an evidence file on disk and a presented meeting's committee documents stored."""
    assert propose(login("sm2"), demo["actions"]["3.3"]).status_code == 303
    pm = login("pm")
    assert present(pm, record_meeting(pm)).status_code == 303
    return app


@pytest.fixture
def empty_app(databases: Databases, tmp_path: Path) -> Callable[[str], Flask]:
    """empty_app(name) -> an app on a database with no tables at all, and an empty evidence folder."""
    made: list[Flask] = []

    def _make(name: str) -> Flask:
        folder = tmp_path / name
        uri = databases._copy(None, f"{name}{os.getpid()}", folder)
        app = create_app_on(uri, folder)
        made.append(app)
        return app

    yield _make  # type: ignore[misc]
    for app in made:
        databases.close(app)


def create_app_on(uri: str, folder: Path) -> Flask:
    from app import create_app
    from tests.conftest import Client

    app = create_app(_config(uri, folder))
    app.test_client_class = Client
    return app


def backup_of(app: Flask, folder: Path) -> Any:
    return app.test_cli_runner().invoke(args=["backup", "create", str(folder)])


def flask_command(app: Flask, *args: str) -> subprocess.CompletedProcess[str]:
    """The real `flask` command, on the app's database and evidence folder."""
    env = {
        **os.environ,
        "FLASK_APP": "wsgi.py",
        "APP_ENV": "development",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "EVIDENCE_DIR": app.config["EVIDENCE_DIR"],
        "SECRET_KEY": "a-secret-key-for-the-backup-test-only-0123456789",
    }
    return subprocess.run(
        [sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def table_names(app: Flask) -> list[str]:
    with app.app_context():
        names = inspect(db.engine).get_table_names()
        db.engine.dispose()
        return names


def test_a_backup_of_the_demo_restores_every_row_and_every_file(
    source: Flask, empty_app: Callable[[str], Flask], tmp_path: Path
) -> None:
    with source.app_context():
        rows = every_row()
        files = every_file()
        head = str(audit.head())
    assert any(k.startswith("evidence/") for k in files) and any(k.startswith("reports/") for k in files)

    made = backup_of(source, tmp_path / "backup")
    assert made.exit_code == 0, made.output
    assert f"audit head {head}" in made.output
    manifest = (tmp_path / "backup" / "manifest.json").read_text()
    assert head in manifest

    target = empty_app("restored")
    restored = flask_command(target, "backup", "restore", str(tmp_path / "backup"))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert f"The audit chain verifies; its head is {head}" in restored.stdout

    with target.app_context():
        assert every_row() == rows, "every table's rows come back"
        assert every_file() == files, "every file comes back with the same SHA-256"
        verdict = audit.verify_chain()
        assert verdict.ok and str(verdict.head) == head
        evidence_id = db.session.scalars(select(Evidence.id).where(Evidence.storage_key.is_not(None))).first()
        db.session.remove()

    pm = target.test_client()
    assert pm.login("pm@example.org", PASSWORD).status_code == 302  # type: ignore[attr-defined]
    download = pm.get(f"/evidence/{evidence_id}")
    assert download.status_code == 200, "the evidence downloads from the restored service"


@pytest.mark.parametrize("damage", ["altered", "missing", "extra"])
def test_a_backup_that_does_not_match_its_sums_is_refused_and_nothing_is_restored(
    source: Flask, empty_app: Callable[[str], Flask], tmp_path: Path, damage: str
) -> None:
    assert backup_of(source, tmp_path / "backup").exit_code == 0
    evidence = sorted((tmp_path / "backup" / "files" / "evidence").iterdir())[0]
    if damage == "altered":
        evidence.write_bytes(evidence.read_bytes() + b"x")
        expected = "does not match its SHA-256 in the manifest"
    elif damage == "missing":
        evidence.unlink()
        expected = "The backup is incomplete"
    else:
        shutil.copy(evidence, evidence.with_name("planted"))
        expected = "a file its manifest does not list"

    target = empty_app("refused")
    refused = target.test_cli_runner().invoke(args=["backup", "restore", str(tmp_path / "backup")])
    assert refused.exit_code == 1
    assert expected in refused.output
    assert table_names(target) == [], "nothing was restored"
    assert not any(Path(target.config["EVIDENCE_DIR"]).rglob("*.*")) and not any(
        p.is_file() for p in Path(target.config["EVIDENCE_DIR"]).rglob("*")
    ), "no file was restored"


def test_a_restore_into_a_database_that_holds_anything_is_refused(
    source: Flask, make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    assert backup_of(source, tmp_path / "backup").exit_code == 0
    target = make_app()  # migrated: it has tables, and the demo's accounts are not there
    with target.app_context():
        before = every_row()
    refused = target.test_cli_runner().invoke(args=["backup", "restore", str(tmp_path / "backup")])
    assert refused.exit_code == 1
    assert "The target database is not empty" in refused.output
    with target.app_context():
        assert every_row() == before


def test_a_restore_into_storage_that_holds_the_files_is_refused(
    source: Flask, empty_app: Callable[[str], Flask], tmp_path: Path
) -> None:
    assert backup_of(source, tmp_path / "backup").exit_code == 0
    target = empty_app("occupied")
    shutil.copytree(source.config["EVIDENCE_DIR"], target.config["EVIDENCE_DIR"], dirs_exist_ok=True)
    refused = target.test_cli_runner().invoke(args=["backup", "restore", str(tmp_path / "backup")])
    assert refused.exit_code == 1
    assert "The target storage already holds" in refused.output
    assert table_names(target) == []


def test_a_backup_goes_into_a_new_folder(source: Flask, tmp_path: Path) -> None:
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "notes.txt").write_text("something else")
    refused = backup_of(source, tmp_path / "used")
    assert refused.exit_code == 1 and "is not empty" in refused.output
    assert sorted(p.name for p in (tmp_path / "used").iterdir()) == ["notes.txt"]
