"""The platform's read models: events, notifications, requests, audit entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Event:
    """Something members are told about: a publication, a revision, a request's progress."""

    id: int
    kind: str  # published | revised | request
    title: str
    at: datetime
    material_id: int | None = None
    revision_id: int | None = None
    request_id: int | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "at": self.at.isoformat(),
            "material_id": self.material_id,
            "request_id": self.request_id,
        }


@dataclass(frozen=True, slots=True)
class FeedItem:
    event_id: int
    kind: str
    title: str
    at: datetime
    material_id: int | None
    readable: bool


@dataclass(frozen=True, slots=True)
class Notification:
    id: int
    text: str
    at: datetime
    material_id: int | None
    request_id: int | None
    read: bool


@dataclass(frozen=True, slots=True)
class MaterialRequest:
    id: int
    title: str
    body: str
    status: str
    votes: int
    material_id: int | None  # the answering material, only when the viewer may see it
    material_title: str
    created_at: datetime
    mine: bool
    voted: bool


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    target: str
    detail: dict[str, object]
    flagged: bool


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """The site's texts the admin may change."""

    name: str = "公文库"
    tagline: str = "公文写作参考资料库"
    notice: str = "自建平台、实时分享 · 根据实际需求不断迭代 · 订阅立享前3年的所有资料"


@dataclass(frozen=True, slots=True)
class DownloadRecord:
    """A copy a member received: which material, which revision and format, when."""

    material_id: int
    title: str
    revision: int
    format: str
    at: datetime
