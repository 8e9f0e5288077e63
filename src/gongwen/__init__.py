"""gongwen (公文库): a self-hosted library of official writing materials in Chinese."""

__version__ = "0.1.0"
