"""Platform tables (migrations 0002, 0005, 0007, 0008): accounts, sessions, subscriptions,
codes, events, requests, audit, favourites, site settings, leak tracing and reports."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    false,
    func,
)

from gongwen.store.schema import metadata
from gongwen.store.types import UTCDateTime

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),  # argon2id
    Column("role", String(16), nullable=False, default="member"),  # member | editor | admin
    Column("suspended_at", UTCDateTime()),
    Column("suspended_reason", Text, nullable=False, default=""),
    Column("feed_token_hash", String(64), unique=True),  # sha256 of the private feed token
    Column("last_seen_at", UTCDateTime()),  # "new since your last visit"
    Column("previous_seen_at", UTCDateTime()),
    Column("created_at", UTCDateTime(), nullable=False, server_default=func.now()),
)

sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),  # sha256 of the cookie value
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
)

# Migration 0012: what was counted against each limit (platform/limits.py), one row per hit:
# login failures, copies, sign-ups, reports, appeals (and per-minute limits without Redis).
# Cost 0 marks a key's first refusal in a window. Replaces login_failures.
limit_hits = Table(
    "limit_hits",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(40), nullable=False),  # the limit: "login.email", "copies.day", …
    Column("key", String(300), nullable=False),  # whose: an e-mail, an address, a member id…
    Column("at", UTCDateTime(), nullable=False),
    Column("cost", Integer, nullable=False),
    Index("ix_limit_hits_name_key_at", "name", "key", "at"),
)

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("plan", String(16), nullable=False),
    Column("starts_at", UTCDateTime(), nullable=False),
    Column("ends_at", UTCDateTime(), nullable=False),
    Column("source", String(16), nullable=False),  # grant | code | reward
    Column("revoked_at", UTCDateTime()),
    Column("created_at", UTCDateTime(), nullable=False, server_default=func.now()),
)

redeem_codes = Table(
    "redeem_codes",
    metadata,
    Column("code_hash", String(64), primary_key=True),  # sha256: the code itself is shown once
    Column("hint", String(8), nullable=False),  # last characters, to tell codes apart
    Column("plan", String(16), nullable=False),
    Column("created_by", Integer, ForeignKey("users.id")),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("redeemed_by", Integer, ForeignKey("users.id")),
    Column("redeemed_at", UTCDateTime()),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(24), nullable=False),  # published | revised | request
    Column("material_id", Integer),
    Column("revision_id", Integer),
    Column("request_id", Integer),
    Column("title", Text, nullable=False),
    Column("at", UTCDateTime(), nullable=False, index=True),
)

notifications = Table(
    "notifications",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("event_id", Integer, ForeignKey("events.id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("read_at", UTCDateTime()),
)

downloads = Table(
    "downloads",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("material_id", Integer, nullable=False, index=True),
    Column("revision_id", Integer, nullable=False),
    Column("format", String(8), nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    # Migration 0007: the SHA-256 of the file served (leak tracing's file layer).
    Column("sha256", String(64), index=True),
    # Migration 0010: the catalogue version of the site list the copy was marked with.
    Column("sites_version", String(24)),
)

# Migration 0007: the key every copy's marks are derived from (trace/code.py).
trace_keys = Table(
    "trace_keys",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("secret", String(64), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)

material_requests = Table(
    "material_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False, default=""),
    Column("status", String(16), nullable=False, default="open"),  # open | planned | done
    Column("material_id", Integer),
    Column("created_at", UTCDateTime(), nullable=False),
)

request_votes = Table(
    "request_votes",
    metadata,
    Column("request_id", Integer, ForeignKey("material_requests.id"), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    PrimaryKeyConstraint("request_id", "user_id"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime(), nullable=False, index=True),
    Column("actor_id", Integer),
    Column("action", String(40), nullable=False, index=True),
    Column("target", Text, nullable=False, default=""),
    Column("detail", Text, nullable=False, default=""),  # JSON
    Column("flagged", Boolean, nullable=False, default=False),  # for the operator's attention
)

# Migration 0005: a member's favourites (收藏), the site's editable texts.
favourites = Table(
    "favourites",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("material_id", Integer, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    PrimaryKeyConstraint("user_id", "material_id"),
)

site_settings = Table(
    "site_settings",
    metadata,
    Column("key", String(32), primary_key=True),  # site_name | tagline | notice
    Column("value", Text, nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("updated_by", Integer),
)

PLATFORM_TABLES = [
    "users",
    "sessions",
    "limit_hits",
    "subscriptions",
    "redeem_codes",
    "events",
    "notifications",
    "downloads",
    "material_requests",
    "request_votes",
    "audit_log",
    "favourites",
    "site_settings",
]

# Migration 0008: reseller reports (platform/reports.py), appeals, and the ledger of membership
# days that rewards are paid from.
leak_reports = Table(
    "leak_reports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("contact", Text, nullable=False),
    Column("reporter_id", Integer, ForeignKey("users.id")),
    Column("evidence_text", Text, nullable=False, server_default=""),
    Column("evidence_link", Text, nullable=False, server_default=""),
    Column("evidence_file", LargeBinary),
    Column("evidence_filename", Text, nullable=False, server_default=""),
    Column("trace_json", Text, nullable=False, server_default="{}"),
    Column("status", String(16), nullable=False),  # received | confirmed | rejected
    Column("leaker_id", Integer, ForeignKey("users.id"), index=True),
    Column("material_ids", Text, nullable=False, server_default=""),  # "1,5"
    Column("reason", Text, nullable=False, server_default=""),
    Column("rewarded", Boolean, nullable=False, server_default=false()),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("decided_by", Integer),
    Column("decided_at", UTCDateTime()),
    # Migration 0011: when the evidence was traced; NULL while the background trace is pending.
    Column("traced_at", UTCDateTime()),
    # Migration 0013: the leak this report belongs to (reports an editor combines share it).
    Column("leak_id", Integer, index=True),
)
leak_appeals = Table(
    "leak_appeals",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)
membership_days = Table(
    "membership_days",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id")),
    Column("email", Text, nullable=False, server_default="", index=True),
    Column("days", Integer, nullable=False),
    Column("reason", Text, nullable=False),
    Column("report_id", Integer, ForeignKey("leak_reports.id")),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("applied_at", UTCDateTime()),
)
# Migration 0011: the reports whose reporter was paid, one row each (a report is paid at most
# once); a leaker with a row here in the last 365 days earns no other report a reward.
leak_rewards = Table(
    "leak_rewards",
    metadata,
    Column("report_id", Integer, ForeignKey("leak_reports.id"), primary_key=True),
    Column("leaker_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("paid_at", UTCDateTime(), nullable=False),
)

# Migration 0009: a revision's variant sites, frozen at its first copy; editors' vetoes and
# the word pairs they add to the catalogue (trace/sites.py). Migration 0010: one list per
# catalogue version (`version`), so copies marked under an older catalogue stay traceable.
revision_sites = Table(
    "revision_site_lists",
    metadata,
    Column("revision_id", Integer, ForeignKey("revisions.id"), nullable=False),
    Column("version", String(24), nullable=False),  # trace/sites.py CATALOGUE_VERSION
    Column("sites", Text, nullable=False),  # JSON, trace/sites.py to_json
    Column("frozen_at", UTCDateTime(), nullable=False),
    # Migration 0013: the revision's page with a slot at every site (filled per reader).
    Column("template", Text),
    PrimaryKeyConstraint("revision_id", "version"),
)
# Migration 0013: every copy shown to a member on a page, in the API or as a search passage.
copy_reads = Table(
    "copy_reads",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("material_id", Integer, nullable=False, index=True),
    Column("revision_id", Integer, nullable=False),
    Column("sites_version", String(24), nullable=False),
    Column(
        "kind", String(16), nullable=False
    ),  # page | api | passage | tool | editor (store/reads.py)
    Column("at", UTCDateTime(), nullable=False),
    Index("ix_copy_reads_user_id_at", "user_id", "at"),
)
site_vetoes = Table(
    "site_vetoes",
    metadata,
    Column("revision_id", Integer, ForeignKey("revisions.id"), nullable=False),
    Column("start", Integer, nullable=False),
    Column("vetoed_by", Integer),
    Column("created_at", UTCDateTime(), nullable=False),
    PrimaryKeyConstraint("revision_id", "start"),
)
site_additions = Table(
    "site_additions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("form_a", String(8), nullable=False),
    Column("form_b", String(8), nullable=False),
    Column("approved_by", Integer),
    Column("created_at", UTCDateTime(), nullable=False),
)
