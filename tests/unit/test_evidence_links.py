"""Evidence links: public websites only, judged from the link as written (no look-up)."""

from __future__ import annotations

import pytest

from app.domain.evidence import link_problem

REFUSED_AS_INTERNAL = [
    "http://127.0.0.1:6379/",
    "http://127.8.9.10/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://10.0.0.5/share",
    "http://172.16.0.1/",
    "http://172.31.255.254/",
    "http://192.168.1.1/",
    "http://[fc00::1]/",
    "http://[fd00:ec2::254]/",
    "http://[fe80::1]/",
    "http://0.0.0.0/",
    "http://localhost/",
    "http://LOCALHOST./admin",
    "http://api.localhost/",
    "https://metadata.google.internal/computeMetadata/v1/",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://127.1/",
    "https://user:pass@127.0.0.1/",
]


@pytest.mark.parametrize("url", REFUSED_AS_INTERNAL)
def test_loopback_private_link_local_and_metadata_links_are_refused(url: str) -> None:
    problem = link_problem(url)
    assert problem is not None and "private network address" in problem


@pytest.mark.parametrize(
    "url",
    [
        "https://intranet.example.org/audit-q3",
        "https://www.gov.uk/government/publications/ofsted",
        "http://172.32.0.1/",
        "https://8.8.8.8/",
        "https://council.sharepoint.com/sites/csc/Shared%20Documents/plan.pdf",
    ],
)
def test_public_links_are_accepted(url: str) -> None:
    assert link_problem(url) is None


@pytest.mark.parametrize(
    "url", ["ftp://example.org/file", "javascript:alert(1)", "https://", "http://[::1", "example.org"]
)
def test_links_that_are_not_web_addresses_are_refused(url: str) -> None:
    assert link_problem(url) == "Enter a link that starts with https://"
