"""Which files count as evidence: the type is judged from the content, and must agree with the name."""

from __future__ import annotations

import io
import ipaddress
import re
import socket
import zipfile
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_BYTES = 20 * 1024 * 1024

# extension -> (canonical MIME type, MIME types libmagic may report for genuine content)
ALLOWED: dict[str, tuple[str, frozenset[str]]] = {
    "pdf": ("application/pdf", frozenset({"application/pdf"})),
    "doc": ("application/msword", frozenset({"application/msword", "application/CDFV2", "application/x-ole-storage"})),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        frozenset(
            {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "application/zip",
                "application/octet-stream",
            }
        ),
    ),
    "xls": (
        "application/vnd.ms-excel",
        frozenset({"application/vnd.ms-excel", "application/CDFV2", "application/x-ole-storage"}),
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        frozenset(
            {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "application/zip",
                "application/octet-stream",
            }
        ),
    ),
    "ppt": (
        "application/vnd.ms-powerpoint",
        frozenset({"application/vnd.ms-powerpoint", "application/CDFV2", "application/x-ole-storage"}),
    ),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        frozenset(
            {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                "application/zip",
                "application/octet-stream",
            }
        ),
    ),
    "csv": ("text/csv", frozenset({"text/csv", "text/plain", "application/csv"})),
    "txt": ("text/plain", frozenset({"text/plain", "text/csv"})),
    "png": ("image/png", frozenset({"image/png"})),
    "jpg": ("image/jpeg", frozenset({"image/jpeg"})),
    "jpeg": ("image/jpeg", frozenset({"image/jpeg"})),
}

OOXML_MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}
TYPES_IN_WORDS = "PDF, Word, Excel, PowerPoint, CSV, text, PNG or JPEG"


@dataclass(frozen=True)
class Verdict:
    content_type: str | None
    problem: str | None


def extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def judge(filename: str, data: bytes, detected: str) -> Verdict:
    """detected: the MIME type libmagic reads from the content."""
    if not data:
        return Verdict(None, "The selected file is empty")
    if len(data) > MAX_BYTES:
        return Verdict(None, "The selected file must be smaller than 20 MB")
    ext = extension(filename)
    if ext not in ALLOWED:
        return Verdict(None, f"The selected file must be a {TYPES_IN_WORDS}")
    canonical, accepted = ALLOWED[ext]
    if detected not in accepted:
        return Verdict(None, f"The selected file is not really a .{ext} file: its content does not match its name")
    if ext in OOXML_MAIN_PART and not _is_ooxml(data, OOXML_MAIN_PART[ext]):
        return Verdict(None, f"The selected file is not really a .{ext} file: its content does not match its name")
    if ext in {"csv", "txt"} and not _is_text(data):
        return Verdict(None, f"The selected file is not really a .{ext} file: it is not plain text")
    return Verdict(canonical, None)


def _is_ooxml(data: bytes, main_part: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return False
    return (
        "[Content_Types].xml" in names and main_part in names and not any(n.endswith("vbaProject.bin") for n in names)
    )


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            data.decode("cp1252")
        except UnicodeDecodeError:
            return False
    return True


def extension_for(content_type: str | None) -> str:
    for ext, (canonical, _) in ALLOWED.items():
        if canonical == content_type:
            return ext
    return "bin"


KIND_IN_WORDS = {
    "pdf": "PDF",
    "doc": "Word",
    "docx": "Word",
    "xls": "Excel",
    "xlsx": "Excel",
    "ppt": "PowerPoint",
    "pptx": "PowerPoint",
    "csv": "CSV",
    "txt": "text",
    "png": "PNG image",
    "jpg": "JPEG image",
    "jpeg": "JPEG image",
}


def kind_in_words(content_type: str | None) -> str:
    """What a download link says the file is ("PDF", "Word"), so people know before they open it."""
    return KIND_IN_WORDS.get(extension_for(content_type), "file")


def safe_download_name(title: str, ext: str) -> str:
    cleaned = "".join(c if c.isalnum() or c in " ._-()" else "_" for c in title).strip(" .") or "evidence"
    if not cleaned.lower().endswith("." + ext):
        cleaned = f"{cleaned}.{ext}"
    return cleaned[:150]


LINK_SCHEMES = frozenset({"http", "https"})
# Names that always mean this computer, the local network or a cloud provider's metadata service.
INTERNAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", "metadata"})
INTERNAL_SUFFIXES = (".localhost", ".local", ".localdomain", ".internal", ".home.arpa")
INTERNAL_LINK = (
    "Enter a link to a website others can open: links to this computer, to a private network address or to a "
    "cloud metadata address are not allowed"
)


def link_problem(url: str) -> str | None:
    """Why a link cannot be evidence, or None.

    Pure: the host is judged as written, never looked up. A literal address must be a public one (not
    loopback, private, link-local, metadata, shared or reserved), and names that always mean a local or
    internal host are refused.
    """
    text = url.strip()
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
    except ValueError:
        return "Enter a link that starts with https://"
    if parts.scheme.lower() not in LINK_SCHEMES or not parts.netloc or not host:
        return "Enter a link that starts with https://"
    if len(text) > 2000:
        return "The link must be 2,000 characters or fewer"
    host = host.rstrip(".")
    if host in INTERNAL_NAMES or host.endswith(INTERNAL_SUFFIXES):
        return INTERNAL_LINK
    address = _literal_address(host)
    if address is not None and not _is_public(address):
        return INTERNAL_LINK
    return None


def _literal_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host names literally, including the old shorthand forms (127.1, 0x7f000001, 2130706433)."""
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    if _NUMERIC_HOST.fullmatch(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return ipaddress.IPv4Address("0.0.0.0")  # noqa: S104 - an unreadable number: treated as not public
    return None


_NUMERIC_HOST = re.compile(r"(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]+|[0-9]+)){0,3}", re.IGNORECASE)


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is not None and not _is_public(embedded):
            return False
    return address.is_global and not address.is_multicast
