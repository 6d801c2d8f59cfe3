"""Uploaded files: the type is told by the content, the name is a random id, the folder is set by
configuration (outside any static folder)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import BinaryIO

from server.errors import DomainError, ValidationFailed

# Magic numbers of the only types accepted.
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)
CHUNK = 64 * 1024


class PayloadTooLarge(DomainError):
    status, error = 413, "file_too_large"


def sniff(head: bytes) -> str | None:
    """The content type told by the first bytes of a file, or None when it is not accepted."""
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def save(stream: BinaryIO, *, directory: str, max_bytes: int) -> tuple[str, str, int]:
    """Store a file under a random id; answer (id, content type, size). Nothing is left behind
    when the file is refused."""
    head = stream.read(16)
    content_type = sniff(head)
    if content_type is None:
        raise ValidationFailed({"file": ["只能上传 JPG、PNG 图片或 PDF 文件。"]}, location="files")
    Path(directory).mkdir(parents=True, exist_ok=True)
    file_id = uuid.uuid4().hex
    path = Path(directory) / file_id
    size = len(head)
    try:
        with open(path, "wb") as out:
            out.write(head)
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise PayloadTooLarge(
                        f"文件不能超过 {max_bytes // (1024 * 1024)} MB。",
                        errors={"files": {"file": ["文件太大了。"]}},
                    )
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return file_id, content_type, size


def path_of(file_id: str, *, directory: str) -> Path:
    if not file_id.isalnum():
        raise ValueError("bad file id")
    return Path(directory) / file_id


def delete(file_id: str, *, directory: str) -> None:
    with_path = path_of(file_id, directory=directory)
    if with_path.exists():
        os.unlink(with_path)
