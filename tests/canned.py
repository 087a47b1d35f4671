"""Canned HTTP answers: botocore sends nothing and parses the bytes a test chose.

botocore's `before-send` hook may answer a request itself (moto does the same). The bytes go
through botocore's real parser and retry logic and then through our code, exactly as an answer
from a troubled endpoint would; nothing leaves the machine.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

import boto3
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.compat import HTTPHeaders

from tui.backups import BackupSource

#: (HTTP status, body) for one request.
Answer = tuple[int, bytes]
JSON_HEADERS = {"Content-Type": "application/x-amz-json-1.1"}


class _Raw:
    """The urllib3-like body botocore reads an AWSResponse's content from."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


@dataclass
class Canned:
    """A `before-send` hook: answers each request with `answer(operation, request)`."""

    answer: Callable[[str, AWSPreparedRequest], Answer]
    #: The operation of each request answered (DescribeBackups, GetCallerIdentity…), in order.
    operations: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, request: AWSPreparedRequest, event_name: str, **_: Any) -> AWSResponse:
        operation = event_name.rsplit(".", 1)[-1]
        with self._lock:
            self.operations.append(operation)
        status, body = self.answer(operation, request)
        headers = HTTPHeaders()
        for name, value in JSON_HEADERS.items():
            headers[name] = value
        return AWSResponse(request.url, status, headers, _Raw(body))


def canned_source(
    answer: Callable[[str, AWSPreparedRequest], Answer], **kwargs: Any
) -> tuple[BackupSource, Canned]:
    """A BackupSource whose every AWS request is answered by `answer` (one attempt each)."""
    canned = Canned(answer)

    def factory(profile: str | None) -> boto3.Session:
        session = boto3.Session(region_name="us-east-1", profile_name=profile)
        # botocore's stubs type handlers as returning None; before-send ones answer instead.
        session.events.register("before-send", cast("Callable[..., None]", canned))
        return session

    kwargs.setdefault("max_attempts", 1)
    return BackupSource(session_factory=factory, **kwargs), canned
