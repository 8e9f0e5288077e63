"""The members' group bot: a WeCom/DingTalk-style JSON POST for each publication.

Sent from a background thread with a short timeout: a slow or failing bot never blocks or undoes
a publication; failures are logged.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.request

from gongwen.model.platform import Event

log = logging.getLogger(__name__)
TIMEOUT_S = 5


def message(event: Event, base_url: str) -> dict[str, object]:
    verb = {"published": "新材料", "revised": "材料修订", "request": "需求进展"}.get(
        event.kind, event.kind
    )
    # A request's answer may still be a draft: the group is pointed at the requests board.
    link = (
        f"{base_url}/materials/{event.material_id}"
        if event.material_id and event.kind != "request"
        else f"{base_url}/requests"
    )
    text = f"【公文库·{verb}】{event.title}\n{link}"
    # Both bots accept {"msgtype": "text", "text": {"content": …}}.
    return {"msgtype": "text", "text": {"content": text}}


def post(url: str, payload: dict[str, object]) -> None:
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310 (operator-configured URL)
            response.read()
    except Exception as err:  # network errors of every kind: log and go on
        log.warning("group webhook failed: %s", err)


def listener(url: str, base_url: str):  # type: ignore[no-untyped-def]
    """An events listener that announces publications in the background."""

    def on_event(event: Event) -> None:
        if event.kind in ("published", "revised", "request"):
            threading.Thread(target=post, args=(url, message(event, base_url)), daemon=True).start()

    return on_event
