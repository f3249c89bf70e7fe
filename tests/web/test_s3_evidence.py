"""EVIDENCE_STORAGE=s3: evidence and the committee pack kept in an S3 bucket, served only while their SHA-256 holds.

Against moto's S3 in server mode: a real HTTP server on a local port that boto3 talks to as it would to AWS
or MinIO (S3_ENDPOINT_URL), so the requests, the signing and the error codes are the real protocol's.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from flask import Flask
from moto.server import ThreadedMotoServer
from sqlalchemy import func, select

from app.config import ConfigError, load_settings
from app.extensions import db
from app.models import Evidence, Proposal, ReportDocument
from app.services import evidence_store
from tests.conftest import PASSWORD, Databases, _config
from tests.services.test_backup import backup_of, every_file, every_row
from tests.web.test_committee_cycle import present, record_meeting
from tests.web.test_workflow import PDF, proposal_id, propose

PORT = 8801
ENDPOINT = f"http://127.0.0.1:{PORT}"
REGION = "eu-west-2"


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=PORT, verbose=False)
    server.start()
    yield ENDPOINT
    server.stop()


@pytest.fixture(autouse=True)
def aws_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The standard AWS chain, from the environment only (never a developer's ~/.aws)."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "tracker-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "tracker-test-secret")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)


@pytest.fixture
def bucket(s3_server: str) -> Iterator[Any]:
    s3 = boto3.resource("s3", endpoint_url=s3_server, region_name=REGION)
    made = s3.create_bucket(
        Bucket=f"evidence-{uuid.uuid4().hex[:12]}", CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    yield made
    made.objects.all().delete()
    made.delete()


@pytest.fixture
def app(make_app: Callable[..., Flask], bucket: Any, s3_server: str) -> Flask:
    """The demo on EVIDENCE_STORAGE=s3, every file in `bucket` under the prefix "tracker/"."""
    return make_app(
        demo=True,
        EVIDENCE_STORAGE="s3",
        S3_BUCKET=bucket.name,
        S3_ENDPOINT_URL=s3_server,
        S3_REGION=REGION,
        S3_PREFIX="tracker/",
    )


def names(bucket: Any) -> set[str]:
    return {o.key for o in bucket.objects.all()}


def new_files(app: Flask) -> list[Path]:
    return [p for p in Path(app.config["EVIDENCE_DIR"]).rglob("*") if p.is_file() and p.stat().st_size == len(PDF)]


def uploaded(app: Flask, login: Any, demo: dict[str, Any]) -> tuple[int, str]:
    """sm2 proposes an update to action 3.3 with a PDF; its evidence id and storage key."""
    response = propose(login("sm2"), demo["actions"]["3.3"])
    assert response.status_code == 303
    with app.app_context():
        evidence = db.session.scalars(select(Evidence).filter_by(proposal_id=proposal_id(response))).one()
        key = evidence.storage_key
        assert key is not None
        return evidence.id, key


def test_evidence_is_uploaded_to_the_bucket_and_downloads_for_those_allowed(
    app: Flask, login: Any, demo: dict[str, Any], bucket: Any
) -> None:
    evidence_id, key = uploaded(app, login, demo)
    assert f"tracker/evidence/{key}" in names(bucket)
    assert bucket.Object(f"tracker/evidence/{key}").get()["Body"].read() == PDF
    assert not new_files(app), "nothing was written to the evidence folder"

    download = login("pm").get(f"/evidence/{evidence_id}")
    assert download.status_code == 200 and download.data == PDF
    assert login("committee").get(f"/evidence/{evidence_id}").status_code == 403, "committee members see none"


def test_evidence_altered_in_the_bucket_is_refused_and_a_missing_object_is_gone(
    app: Flask, login: Any, demo: dict[str, Any], bucket: Any
) -> None:
    evidence_id, key = uploaded(app, login, demo)
    bucket.put_object(Key=f"tracker/evidence/{key}", Body=b"%PDF-1.4 a different file")
    pm = login("pm")
    altered = pm.get(f"/evidence/{evidence_id}")
    assert altered.status_code == 409 and "This evidence file cannot be sent" in altered.get_data(as_text=True)
    bucket.Object(f"tracker/evidence/{key}").delete()
    assert pm.get(f"/evidence/{evidence_id}").status_code == 410


def test_the_committee_pack_is_stored_in_the_bucket_and_downloads_from_it(app: Flask, login: Any, bucket: Any) -> None:
    pm = login("pm")
    meeting = record_meeting(pm)
    assert present(pm, meeting).status_code == 303
    with app.app_context():
        documents = {d.kind: d for d in db.session.scalars(select(ReportDocument))}
    assert {"html", "pdf", "docx"} <= set(documents)
    assert {f"tracker/reports/{d.storage_key}" for d in documents.values()} <= names(bucket)
    pdf = login("committee").get(f"/meetings/{meeting}/report.pdf")
    assert pdf.status_code == 200 and hashlib.sha256(pdf.data).hexdigest() == documents["pdf"].sha256

    bucket.put_object(Key=f"tracker/reports/{documents['pdf'].storage_key}", Body=b"%PDF-1.4 not the pack")
    refused = pm.get(f"/meetings/{meeting}/report.pdf")
    assert refused.status_code != 200 and b"not the pack" not in refused.data
    assert "no longer matches the checksum" in refused.get_data(as_text=True)


def test_the_probe_writes_to_the_bucket_and_fails_for_a_missing_one(
    make_app: Callable[..., Flask], app: Flask, bucket: Any, s3_server: str
) -> None:
    with app.app_context():
        evidence_store.store().probe()
        evidence_store.report_store().probe()
    assert names(bucket) == set(), "the probe leaves nothing behind"
    assert app.test_client().get("/readyz").get_json()["checks"]["evidence_storage"] == "ok"

    missing = make_app(EVIDENCE_STORAGE="s3", S3_BUCKET="no-such-bucket", S3_ENDPOINT_URL=s3_server, S3_REGION=REGION)
    with missing.app_context(), pytest.raises(Exception, match="NoSuchBucket"):
        evidence_store.store().probe()
    ready = missing.test_client().get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["checks"]["evidence_storage"].startswith("not writable")


def test_s3_storage_without_a_bucket_refuses_to_start(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("EVIDENCE_STORAGE", "s3")
    monkeypatch.delenv("S3_BUCKET", raising=False)
    with pytest.raises(ConfigError, match="set S3_BUCKET"):
        load_settings(str(tmp_path))
    monkeypatch.setenv("EVIDENCE_STORAGE", "S3 ")
    monkeypatch.setenv("S3_BUCKET", "tracker-evidence")
    assert load_settings(str(tmp_path)).s3.bucket == "tracker-evidence"
    monkeypatch.setenv("EVIDENCE_STORAGE", "dropbox")
    with pytest.raises(ConfigError, match="EVIDENCE_STORAGE must be one of filesystem, database, s3"):
        load_settings(str(tmp_path))


def empty_target(databases: Databases, folder: Path, **overrides: Any) -> Flask:
    """An app on a database with no tables and an empty evidence folder (and, with overrides, a bucket)."""
    from app import create_app
    from tests.conftest import Client

    uri = databases._copy(None, f"{folder.name}{os.getpid()}", folder)
    target = create_app({**_config(uri, folder), **overrides})
    target.test_client_class = Client
    return target


def test_a_backup_of_s3_storage_restores_into_a_folder_and_back_into_a_bucket(
    app: Flask, login: Any, demo: dict[str, Any], s3_server: str, databases: Databases, tmp_path: Path
) -> None:
    evidence_id, key = uploaded(app, login, demo)
    pm = login("pm")
    assert present(pm, record_meeting(pm)).status_code == 303
    with app.app_context():
        rows, files = every_row(), every_file()
    assert f"evidence/{key}" in files and any(name.startswith("reports/") for name in files)
    assert backup_of(app, tmp_path / "from-s3").exit_code == 0

    folder_app = empty_target(databases, tmp_path / "on-disk")
    made: list[Flask] = [folder_app]
    try:
        restored = folder_app.test_cli_runner().invoke(args=["backup", "restore", str(tmp_path / "from-s3")])
        assert restored.exit_code == 0, restored.output
        with folder_app.app_context():
            assert every_row() == rows and every_file() == files, "a bucket's backup comes back into a folder"
            db.session.remove()
        assert (Path(folder_app.config["EVIDENCE_DIR"]) / key[:2] / key).read_bytes() == PDF

        assert backup_of(folder_app, tmp_path / "from-disk").exit_code == 0
        s3 = boto3.resource("s3", endpoint_url=s3_server, region_name=REGION)
        second = s3.create_bucket(
            Bucket=f"restored-{uuid.uuid4().hex[:12]}", CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        bucket_app = empty_target(
            databases,
            tmp_path / "in-s3",
            EVIDENCE_STORAGE="s3",
            S3_BUCKET=second.name,
            S3_ENDPOINT_URL=s3_server,
            S3_REGION=REGION,
        )
        made.append(bucket_app)
        restored = bucket_app.test_cli_runner().invoke(args=["backup", "restore", str(tmp_path / "from-disk")])
        assert restored.exit_code == 0, restored.output
        with bucket_app.app_context():
            assert every_row() == rows and every_file() == files, "a folder's backup comes back into a bucket"
            db.session.remove()
        assert f"evidence/{key}" in names(second)
        again = bucket_app.test_cli_runner().invoke(args=["backup", "restore", str(tmp_path / "from-disk")])
        assert again.exit_code != 0 and "not empty" in again.output
        download = bucket_app.test_client()
        assert download.login("pm@example.org", PASSWORD).status_code == 302  # type: ignore[attr-defined]
        assert download.get(f"/evidence/{evidence_id}").data == PDF, "the evidence downloads from the new bucket"
        second.objects.all().delete()
        second.delete()
    finally:
        for target in made:
            databases.close(target)


def test_an_upload_the_store_refuses_gets_a_clear_message_and_nothing_is_saved(
    make_app: Callable[..., Flask], s3_server: str, databases: Any
) -> None:
    broken = make_app(
        demo=True,
        EVIDENCE_STORAGE="s3",
        S3_BUCKET="no-such-bucket",
        S3_ENDPOINT_URL=s3_server,
        S3_REGION=REGION,
    )
    sm2: Any = broken.test_client()
    assert sm2.login("sm2@example.org").status_code == 302
    action_id = databases.demo_ids["actions"]["3.3"]
    with broken.app_context():
        before = db.session.scalar(select(func.count(Proposal.id)))
    response = propose(sm2, action_id, status_reason="Every post is filled, as the tracker shows.")
    page = response.get_data(as_text=True)
    assert response.status_code == 400, response.status_code
    assert "There is a problem" in page and "could not be stored just now, so nothing was saved" in page
    assert "Every post is filled, as the tracker shows." in page, "the typing is kept"
    with broken.app_context():
        assert db.session.scalar(select(func.count(Proposal.id))) == before, "no proposal was half-saved"
