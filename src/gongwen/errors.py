"""Every error gongwen raises on purpose.

GongwenError
 ├── ReadError            a file could not be turned into text (names the file and the reason)
 │    ├── UnsupportedFile  a type no reader handles
 │    ├── EmptyFile        nothing but whitespace
 │    ├── UndecidableEncoding  bytes that decode to no plausible Chinese text
 │    ├── CorruptFile      a damaged container (.docx zip, .pdf) or binary junk
 │    └── FileTooLarge     absurd (uncompressed) size, refused before it is read
 ├── QueryError           a search query that cannot be run (says why, in Chinese)
 ├── NotFound             no such material, revision or section
 └── ConfigError          bad settings or database URL
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


class ConfigError(GongwenError):
    pass
