"""Accounts and sessions: argon2 passwords, server-side sessions, login and sign-up limits."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from datetime import timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from gongwen.errors import AccountSuspended, InvalidInput, NotAuthenticated, NotFound
from gongwen.library import Library
from gongwen.model.member import Member, Role
from gongwen.platform import limits
from gongwen.platform.access import NOWHERE, Client, Viewer, require_admin, require_member
from gongwen.store import accounts as store
from gongwen.store import audit
from gongwen.util.clock import now
from gongwen.util.text import plain_text, printable

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MIN_PASSWORD = 8
VISIT_GAP = timedelta(minutes=30)
# The audit entries that record where an account was used from ("ip" in their detail): signing
# up and signing in. Reports use them to tell a reseller from the puppet account they report.
ACCOUNT_ADDRESS_ACTIONS = ("register", "login")


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id with the library's current recommended parameters


def token_hash(token: str) -> str:
    """Secrets are stored hashed: a leaked table does not leak sessions, feeds or codes."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def normalise_email(email: str) -> str:
    """One spelling per address: NFKC (full-width ｍ → m), no format characters (zero-width
    spaces and joiners, bidi marks) or control characters, no surrounding space, lower case."""
    folded = unicodedata.normalize("NFKC", printable(email))
    folded = "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")
    return folded.strip().lower()


def _check_email(email: str) -> str:
    email = normalise_email(email)
    if not _EMAIL.fullmatch(email) or len(email) > 254 or not email.isprintable():
        raise InvalidInput("email", "邮箱格式不正确")
    return email


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput("password", f"密码至少 {MIN_PASSWORD} 位")
    if len(password) > 1024:
        raise InvalidInput("password", "密码过长")


def _hash(password: str) -> str:
    return _hasher().hash(password.encode("utf-8", "surrogatepass"))


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher().verify(stored, password.encode("utf-8", "surrogatepass"))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def register(lib: Library, email: str, password: str, client: Client) -> Member:
    """A visitor signs up as a member; sign-ups are limited per address."""
    email = _check_email(email)
    _check_password(password)
    try:
        limits.take(lib, "register.address", client.address)
    except limits.Refused as refused:
        if refused.first:
            with lib.db.write() as conn:
                audit.record(
                    conn, None, "register.rate_limited", email, {"ip": client.address}, True
                )
        raise
    return _create(lib, email, password, Role.MEMBER, None, client)


def create_user(lib: Library, actor: Member, email: str, password: str, role: Role) -> Member:
    """An admin (or the operator) adds a user of any role."""
    require_admin(actor)
    email = _check_email(email)
    _check_password(password)
    return _create(lib, email, password, role, actor.id)


def _create(
    lib: Library,
    email: str,
    password: str,
    role: Role,
    actor_id: int | None,
    client: Client | None = None,
) -> Member:
    hashed = _hash(password)
    with lib.db.write() as conn:
        user_id = store.insert(conn, email, hashed, role)
        if user_id is None:
            raise InvalidInput("email", "该邮箱已注册")
        audit.record(conn, actor_id or user_id, "user.create", email, {"role": str(role)})
        if client is not None:  # signing up is using the account from an address, like a login
            audit.record(conn, user_id, "register", email, {"ip": client.address})
        from gongwen.platform.reports import apply_pending  # reports imports this module

        apply_pending(conn, user_id, email)
    return get_member(lib, user_id)


def get_member(lib: Library, user_id: int) -> Member:
    with lib.db.read() as conn:
        found = store.by_id(conn, user_id)
    if found is None:
        raise NotFound(f"没有编号为 {user_id} 的用户")
    return found.member


def find_member(lib: Library, actor: Member, email: str) -> Member:
    require_admin(actor)
    with lib.db.read() as conn:
        found = store.by_email(conn, normalise_email(email))
    if found is None:
        raise NotFound(f"没有用户 {email}")
    return found.member


def first_admin(lib: Library) -> Member | None:
    with lib.db.read() as conn:
        return store.has_admin(conn)


def authenticate(lib: Library, email: str, password: str, client: Client = NOWHERE) -> Member:
    """The member with these credentials; failures are counted per email and per address."""
    email = normalise_email(email)
    found = _checked(lib, email, password, client)
    member = found.member
    if member.suspended:
        raise AccountSuspended(
            "账号已被停用" + (f"：{found.suspended_reason}" if found.suspended_reason else "")
        )
    rehash = _hash(password) if _hasher().check_needs_rehash(found.password_hash) else None
    limits.forget(lib, "login.email", email)  # the member is back: earlier failures are forgiven
    with lib.db.write() as conn:
        if rehash:
            store.update_user(conn, member.id, password_hash=rehash)
        audit.record(conn, member.id, "login", email, {"ip": client.address})
    return member


def check_password(lib: Library, email: str, password: str, client: Client = NOWHERE) -> Member:
    """The member with these credentials, suspended or not (a suspended member's appeal is
    signed this way); the same limits and failure counting as a login."""
    return _checked(lib, normalise_email(email), password, client).member


def _checked(lib: Library, email: str, password: str, client: Client) -> store.UserRow:
    ip = client.address
    # Each attempt is counted before its password is hashed, and stays counted if it fails:
    # however many arrive at once, no more than the limit are ever checked.
    try:
        attempt = limits.take_all(lib, ("login.email", email), ("login.ip", ip))
    except limits.Refused as refused:
        if refused.first:  # once per window, not once per refused attempt
            with lib.db.write() as conn:
                audit.record(conn, None, "login.rate_limited", email, {"ip": ip}, flagged=True)
        raise
    with lib.db.read() as conn:
        found = store.by_email(conn, email)
    if found is not None:
        ok = _verify(found.password_hash, password)
    else:
        _hash(password)  # same cost as a real check: no user enumeration by timing
        ok = False
    if not ok or found is None:
        with lib.db.write() as conn:
            audit.record(
                conn, found.member.id if found else None, "login.failed", email, {"ip": ip}
            )
        raise NotAuthenticated("邮箱或密码错误")
    limits.give_back(lib, attempt)  # a right password is no failure
    return found


def change_password(lib: Library, member: Member, old: str, new: str) -> None:
    require_member(member)
    _check_password(new)
    with lib.db.read() as conn:
        found = store.by_id(conn, member.id)
    if found is None or not _verify(found.password_hash, old):
        raise InvalidInput("old_password", "原密码不正确")
    hashed = _hash(new)
    with lib.db.write() as conn:
        store.update_user(conn, member.id, password_hash=hashed)
        # Every other session ends: a changed password should lock out whoever knew the old one.
        store.end_sessions(conn, member.id)
        audit.record(conn, member.id, "password.change", member.email)


def set_role(lib: Library, actor: Member, user_id: int, role: Role) -> None:
    require_admin(actor)
    with lib.db.write() as conn:
        if not store.update_user(conn, user_id, role=str(role)):
            raise NotFound(f"没有编号为 {user_id} 的用户")
        audit.record(conn, actor.id, "user.role", str(user_id), {"role": str(role)})


def suspend(lib: Library, actor: Member, user_id: int, reason: str) -> None:
    """Suspend an account (used for leakers): its sessions end at once."""
    require_admin(actor)
    reason = plain_text("reason", reason, multiline=True)
    with lib.db.write() as conn:
        if not store.suspend(conn, user_id, reason):
            raise NotFound(f"没有编号为 {user_id} 的用户")
        audit.record(conn, actor.id, "user.suspend", str(user_id), {"reason": reason})


def list_members(lib: Library, actor: Member, limit: int = 500) -> list[Member]:
    require_admin(actor)
    with lib.db.read() as conn:
        return store.all_users(conn, limit)


# Sessions -------------------------------------------------------------------------------------


def start_session(lib: Library, member: Member) -> tuple[str, str]:
    """A new session: (cookie token, CSRF token). Only the token's hash is stored."""
    require_member(member)
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(24)
    with lib.db.write() as conn:
        store.insert_session(
            conn,
            token_hash(token),
            member.id,
            csrf,
            now() + timedelta(days=lib.settings.session_days),
        )
        store.begin_visit(conn, member.id)  # a login always starts a visit
    return token, csrf


def viewer_for_session(lib: Library, token: str | None) -> tuple[Viewer, str] | None:
    """(viewer, CSRF token) for a session cookie in one query, or None if it is not valid."""
    if not token:
        return None
    moment = now()
    with lib.db.read() as conn:
        found = store.session(conn, token_hash(token), moment)
    if found is None or found.expires_at < moment or found.member.suspended:
        return None
    return Viewer(found.member, found.subscription), found.csrf


def touch(lib: Library, member: Member) -> None:
    """Note a visit: after a 30-minute gap, what the member saw last becomes "before this visit".

    Called on every authenticated page view, so it writes at most once per gap (the hot path
    stays a read).
    """
    if member.last_seen_at is not None and now() - member.last_seen_at < VISIT_GAP:
        return
    with lib.db.write() as conn:
        store.begin_visit(conn, member.id)


def end_session(lib: Library, token: str | None) -> None:
    if token:
        with lib.db.write() as conn:
            store.end_session(conn, token_hash(token))
