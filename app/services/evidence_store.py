"""Where evidence bytes live: outside static/, under generated names, behind one small interface.

The filesystem store suits one server (or a shared volume); the database store lets any number of app
servers serve the same files with nothing but PostgreSQL; the S3 store keeps them in a bucket of any
S3-compatible service (AWS, MinIO, Ceph), credentials from the standard AWS chain. Choose with EVIDENCE_STORAGE.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from typing import Any, Protocol

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
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


class S3Store:
    """Objects named `<S3_PREFIX><area>/<key>` in one bucket; saved outside the database transaction, like files.

    Credentials come from boto3's own chain (AWS_ACCESS_KEY_ID..., ~/.aws, an instance role), never from here.
    """

    def __init__(self, bucket: str, prefix: str, client: Any) -> None:
        self.bucket = bucket
        self.prefix = prefix
        self.client = client

    def _name(self, key: str) -> str:
        if not key.isalnum():
            raise ValueError("bad storage key")
        return self.prefix + key

    def save(self, data: bytes) -> str:
        key = new_key()
        self.put(key, data)
        return key

    def put(self, key: str, data: bytes) -> None:
        try:
            self.client.put_object(Bucket=self.bucket, Key=self._name(key), Body=data)
        except (ClientError, BotoCoreError) as error:  # to callers, like a disk that is full or gone
            raise OSError(f"S3 refused to keep {key}: {error}") from error

    def load(self, key: str) -> bytes:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
            data: bytes = answer["Body"].read()
        except ClientError as error:
            if _missing(error):
                raise FileNotFoundError(key) from None
            raise OSError(f"S3 refused to send {key}: {error}") from error
        except BotoCoreError as error:  # unreachable, timed out: to callers, like a disk that cannot be read
            raise OSError(f"S3 could not send {key}: {error}") from error
        return data

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as error:
            if _missing(error):
                return False
            raise
        return True

    def probe(self) -> None:
        name = f"{self.prefix}.probe-{new_key()}"
        self.client.put_object(Bucket=self.bucket, Key=name, Body=b"probe")
        self.client.delete_object(Bucket=self.bucket, Key=name)


def _missing(error: Any) -> bool:
    return error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound")


def s3_client() -> Any:
    """One client per app (boto3 clients are thread-safe; making one reads the credential chain each time)."""
    client = current_app.extensions.get("evidence_s3_client")
    if client is None:
        client = boto3.session.Session().client(
            "s3",
            endpoint_url=current_app.config.get("S3_ENDPOINT_URL") or None,
            region_name=current_app.config.get("S3_REGION") or None,
            config=Config(retries={"max_attempts": 3, "mode": "standard"}),
        )
        current_app.extensions["evidence_s3_client"] = client
    return client


def _s3(area: str) -> S3Store:
    return S3Store(current_app.config["S3_BUCKET"], current_app.config.get("S3_PREFIX", "") + area, s3_client())


def store() -> EvidenceStore:
    kind = current_app.config.get("EVIDENCE_STORAGE", "filesystem")
    if kind == "database":
        return DatabaseStore()
    if kind == "s3":
        return _s3("evidence/")
    return FileSystemStore(current_app.config["EVIDENCE_DIR"])


def report_store() -> EvidenceStore:
    """Where the committee pack's documents live (app/services/report_pack.py): as evidence, beside it."""
    kind = current_app.config.get("EVIDENCE_STORAGE", "filesystem")
    if kind == "database":
        return DatabaseStore()
    if kind == "s3":
        return _s3("reports/")
    return FileSystemStore(str(Path(current_app.config["EVIDENCE_DIR"]) / "reports"))
