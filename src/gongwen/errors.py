"""Every error gongwen raises on purpose.

GongwenError
 ├── ReadError            a file could not be turned into text (names the file and the reason)
 │    ├── UnsupportedFile  a type no reader handles
 │    ├── EmptyFile        nothing but whitespace
 │    ├── UndecidableEncoding  bytes that decode to no plausible Chinese text
 │    ├── CorruptFile      a damaged container (.docx zip, .pdf) or binary junk
 │    └── FileTooLarge     absurd (uncompressed) size, refused before it is read
 ├── QueryError           a search query that cannot be run (says why, in Chinese)
 ├── NotFound             no such material, revision, user or request
 ├── ConfigError          bad settings or database URL
 ├── ExportError          a format the machine cannot make (PDF without LibreOffice)
 ├── InvalidInput         a form or API field that is wrong (names the field)
 └── AccessError          the platform refuses the action
      ├── NotAuthenticated  log in first
      ├── NotEntitled       no subscription covers this material
      ├── Forbidden         the role does not allow it
      ├── AccountSuspended  the account is suspended
      ├── RateLimited       too many attempts or downloads; try later
      └── CsrfError         a form without a valid CSRF token
"""

from __future__ import annotations

from pathlib import Path


class GongwenError(Exception):
    """Base class: the message is meant for the user, as is."""


class ReadError(GongwenError):
    """A file could not be read; `str(err)` is one line naming the file and the reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class UnsupportedFile(ReadError):
    pass


class EmptyFile(ReadError):
    pass


class UndecidableEncoding(ReadError):
    pass


class CorruptFile(ReadError):
    pass


class FileTooLarge(ReadError):
    pass


class QueryError(GongwenError):
    pass


class NotFound(GongwenError):
    pass


class ExportError(GongwenError):
    pass


class ConfigError(GongwenError):
    pass


class InvalidInput(GongwenError):
    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


class AccessError(GongwenError):
    pass


class NotAuthenticated(AccessError):
    pass


class NotEntitled(AccessError):
    pass


class Forbidden(AccessError):
    pass


class AccountSuspended(AccessError):
    pass


class RateLimited(AccessError):
    pass


class CsrfError(AccessError):
    pass
