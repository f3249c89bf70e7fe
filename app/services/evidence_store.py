"""Where evidence bytes live: outside static/, under generated names, behind one small interface.

The filesystem store suits one server (or a shared volume); the database store lets any number of app
servers serve the same files with nothing but PostgreSQL. Choose with EVIDENCE_STORAGE.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from typing import Protocol

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models import EvidenceBlob


class EvidenceStore(Protocol):
    def save(self, data: bytes) -> str: ...

    def load(self, key: str) -> bytes: ...

    def probe(self) -> None:
        """Raise if nothing could be saved now (for /readyz)."""
        ...

    def put(self, key: str, data: bytes) -> None:
        """Keep `data` under a key given (a backup being restored: app/services/backup.py)."""
        ...

    def exists(self, key: str) -> bool: ...


def new_key() -> str:
    return secrets.token_hex(24)


class FileSystemStore:
    def __init__(self, root: str) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not key.isalnum():
            raise ValueError("bad storage key")
        return self.root / key[:2] / key

    def save(self, data: bytes) -> str:
        key = new_key()
        self.put(key, data)
        return key

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".part")
        with open(temporary, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
        os.chmod(path, 0o440)

    def load(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def exists(self, key: str) -> bool:
        return self._path(key).exists()

    def probe(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=self.root, prefix=".probe-"):
            pass


class DatabaseStore:
    """Bytes saved in the caller's transaction: they exist exactly when the evidence row does."""

    def save(self, data: bytes) -> str:
        key = new_key()
        self.put(key, data)
        return key

    def put(self, key: str, data: bytes) -> None:
        db.session.add(EvidenceBlob(storage_key=key, data=data))

    def exists(self, key: str) -> bool:
        return db.session.get(EvidenceBlob, key) is not None

    def load(self, key: str) -> bytes:
        blob = db.session.get(EvidenceBlob, key)
        if blob is None:
            raise FileNotFoundError(key)
        return blob.data

    def probe(self) -> None:
        db.session.execute(select(EvidenceBlob.storage_key).limit(1))


def store() -> EvidenceStore:
    if current_app.config.get("EVIDENCE_STORAGE", "filesystem") == "database":
        return DatabaseStore()
    return FileSystemStore(current_app.config["EVIDENCE_DIR"])


def report_store() -> EvidenceStore:
    """Where the committee pack's documents live (app/services/report_pack.py): as evidence, beside it on disk."""
    if current_app.config.get("EVIDENCE_STORAGE", "filesystem") == "database":
        return DatabaseStore()
    return FileSystemStore(str(Path(current_app.config["EVIDENCE_DIR"]) / "reports"))
