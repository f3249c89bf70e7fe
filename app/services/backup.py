"""Backups: the database and every stored file, with a manifest of SHA-256 sums, restored only whole.

`create(folder)` writes into a new folder:
- `database.dump` (PostgreSQL: `pg_dump --format=custom`) or `database.sqlite3` (SQLite's online backup API);
- `files/evidence/<key>` for every evidence file and `files/reports/<key>` for every stored committee
  document, read through the configured stores (so a filesystem, database or S3 store backs up alike);
- `manifest.json`: the format, when, the database kind, the migration, the audit trail's head, and the
  SHA-256 and size of every other file in the folder.

`restore(folder)` checks every sum first and refuses, having changed nothing, if a file differs, is missing
or is not in the manifest; it refuses a target database that holds anything, or a store that holds any of the
keys. Then it restores the database, then the files through the configured stores (a backup of one kind of
store restores into another), and verifies the audit chain against the manifest's head.

Run as the owner on PostgreSQL (MIGRATION_DATABASE_URL): the dump is restored without owners or grants, so
`flask db grant-app-role ROLE` gives the app's role its grants again afterwards.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import URL, Engine

from app.clock import utcnow
from app.extensions import db
from app.models import Evidence, ReportDocument
from app.services import audit, db_roles, evidence_store
from app.services.errors import ServiceError

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
EVIDENCE = "files/evidence"
REPORTS = "files/reports"
CHUNK = 1024 * 1024


class BackupRefused(ServiceError):
    """A backup that cannot be made or restored as asked; nothing was changed."""


@dataclass(frozen=True)
class Summary:
    folder: Path
    database: str
    evidence_files: int
    report_files: int
    total_bytes: int
    audit_head: str | None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _owner_engine() -> Engine:
    return db_roles.migration_engine()


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """The libpq URL for pg_dump and pg_restore, and the environment carrying its password."""
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str]) -> None:
    finished = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        raise BackupRefused(f"{command[0]} failed: {(finished.stderr or finished.stdout).strip()[-2000:]}")


def _keys() -> tuple[list[str], list[str]]:
    evidence = db.session.scalars(
        select(Evidence.storage_key).where(Evidence.storage_key.is_not(None)).order_by(Evidence.storage_key)
    ).all()
    reports = db.session.scalars(select(ReportDocument.storage_key).order_by(ReportDocument.storage_key)).all()
    return [k for k in evidence if k], list(reports)


def _migration(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def create(folder: Path) -> Summary:
    """Write a backup into `folder`, which must not exist or be empty."""
    if folder.exists() and any(folder.iterdir()):
        raise BackupRefused(f"{folder} is not empty: a backup goes into a new folder")
    folder.mkdir(parents=True, exist_ok=True)
    engine = _owner_engine()
    kind = engine.dialect.name
    head = audit.head()
    migration = _migration(engine)
    evidence_keys, report_keys = _keys()
    db.session.rollback()  # the reads above end here: the dump is the database as it is now

    if kind == "postgresql":
        url, env = _libpq(engine.url)
        dump = folder / PG_DUMP
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}", url], env)
    elif kind == "sqlite":
        source_path = engine.url.database
        if not source_path:
            raise BackupRefused("An in-memory SQLite database cannot be backed up")
        source = sqlite3.connect(source_path)
        target = sqlite3.connect(folder / SQLITE_COPY)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    else:
        raise BackupRefused(f"No backup for a {kind} database")

    for directory, keys, store in (
        (EVIDENCE, evidence_keys, evidence_store.store()),
        (REPORTS, report_keys, evidence_store.report_store()),
    ):
        (folder / directory).mkdir(parents=True, exist_ok=True)
        for key in keys:
            (folder / directory / key).write_bytes(store.load(key))

    files: dict[str, dict[str, Any]] = {
        str(path.relative_to(folder)): {"sha256": sha256_of(path), "size": path.stat().st_size}
        for path in sorted(_files_in(folder))
    }
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "created_at": utcnow().isoformat(timespec="seconds") + "Z",
        "database": kind,
        "migration": migration,
        "audit_head": str(head) if head else None,
        "evidence_storage": current_app.config.get("EVIDENCE_STORAGE", "filesystem"),
        "evidence_files": len(evidence_keys),
        "report_files": len(report_keys),
        "files": files,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return Summary(
        folder,
        kind,
        len(evidence_keys),
        len(report_keys),
        sum(int(f["size"]) for f in files.values()),
        manifest["audit_head"],
    )


def _files_in(folder: Path) -> Iterator[Path]:
    for path in folder.rglob("*"):
        if path.is_file() and path.name != MANIFEST:
            yield path


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest, once every file in the folder matches it (and nothing else is there)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupRefused(f"{folder / MANIFEST} cannot be read: {error}") from None
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or not isinstance(manifest.get("files"), dict)
    ):
        raise BackupRefused(f"{folder / MANIFEST} is not a manifest this version writes (format {FORMAT})")
    listed: dict[str, dict[str, Any]] = manifest["files"]
    present = {str(p.relative_to(folder)) for p in _files_in(folder)}
    missing = sorted(set(listed) - present)
    extra = sorted(present - set(listed))
    if missing:
        raise BackupRefused(f"The backup is incomplete: {missing[0]} is missing ({len(missing)} in all)")
    if extra:
        raise BackupRefused(f"The backup holds a file its manifest does not list: {extra[0]}")
    for name in sorted(listed):
        path = folder / name
        if path.stat().st_size != listed[name].get("size") or sha256_of(path) != listed[name].get("sha256"):
            raise BackupRefused(f"{name} does not match its SHA-256 in the manifest: the backup was altered")
    return manifest


def _database_is_empty(engine: Engine) -> bool:
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        if not tables <= {"alembic_version"}:
            return False
        return not tables or conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 0


def restore(folder: Path) -> Summary:
    """Restore a backup made by `create` into an empty database and storage."""
    manifest = read_manifest(folder)
    engine = _owner_engine()
    kind = engine.dialect.name
    if manifest["database"] != kind:
        raise BackupRefused(f"This is a backup of a {manifest['database']} database; the target is {kind}")
    if not _database_is_empty(engine):
        raise BackupRefused("The target database is not empty: restore into a new, empty database")
    stores = {EVIDENCE: evidence_store.store(), REPORTS: evidence_store.report_store()}
    files = {
        name: (directory, name.rsplit("/", 1)[1])
        for name in manifest["files"]
        for directory in (EVIDENCE, REPORTS)
        if name.startswith(directory + "/")
    }
    for directory, key in files.values():
        store = stores[directory]
        if not isinstance(store, evidence_store.DatabaseStore) and store.exists(key):
            raise BackupRefused(f"The target storage already holds {key}: restore into empty storage")

    db.session.remove()
    if kind == "postgresql":
        url, env = _libpq(engine.url)
        command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
        _run([*command, f"--dbname={url}", str(folder / PG_DUMP)], env)
    else:
        target_path = engine.url.database
        if not target_path:
            raise BackupRefused("Cannot restore into an in-memory SQLite database")
        engine.dispose()
        db.engine.dispose()
        source = sqlite3.connect(folder / SQLITE_COPY)
        target = sqlite3.connect(target_path)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    engine.dispose()
    db.engine.dispose()

    for name, (directory, key) in sorted(files.items()):
        store = stores[directory]
        data = (folder / name).read_bytes()
        if store.exists(key):  # the database store's bytes came back with the database
            if hashlib.sha256(store.load(key)).hexdigest() != manifest["files"][name]["sha256"]:
                raise BackupRefused(f"{key} came back from the database different from the backup's copy")
            continue
        store.put(key, data)
    db.session.commit()

    verdict = audit.verify_chain()
    restored_head = str(verdict.head) if verdict.head else None
    if not verdict.ok or restored_head != manifest["audit_head"]:
        reason = verdict.broken.reason if verdict.broken else f"its head is {restored_head}"
        raise BackupRefused(
            f"The restored audit trail does not verify against the backup's head {manifest['audit_head']}: {reason}"
        )
    evidence_count = sum(1 for d, _ in files.values() if d == EVIDENCE)
    return Summary(
        folder,
        kind,
        evidence_count,
        len(files) - evidence_count,
        sum(int(f["size"]) for f in manifest["files"].values()),
        restored_head,
    )


def remove_partial(folder: Path) -> None:
    """A backup that failed half-way is not a backup: take it away."""
    shutil.rmtree(folder, ignore_errors=True)
