"""The group bot hears about publications; a broken bot never blocks publishing."""

from __future__ import annotations

import json
import queue
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

from gongwen.library import Library
from gongwen.model.member import Member
from gongwen.platform import publishing, webhook

PLAN = "2020年下半年工作计划（科技局）\n一、总体思路\n推进科技创新。\n"


def _receiver() -> tuple[HTTPServer, queue.Queue[dict[str, object]]]:
    received: queue.Queue[dict[str, object]] = queue.Queue()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.put({"type": self.headers["Content-Type"], "json": json.loads(body)})
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"errcode":0}')

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, received


def test_publication_posts_to_the_group_bot(seeded: Library, editor: Member) -> None:
    server, received = _receiver()
    url = f"http://127.0.0.1:{server.server_address[1]}/cgi-bin/webhook/send?key=k"
    seeded.add_listener(webhook.listener(url, "http://gongwen.test"))
    try:
        [saved] = publishing.publish_upload(seeded, editor, "plan.txt", PLAN.encode())
        message = received.get(timeout=5)
    finally:
        seeded.listeners.clear()
        server.shutdown()
        server.server_close()
    assert message["type"] == "application/json"
    content = message["json"]["text"]["content"]  # type: ignore[index]
    assert message["json"]["msgtype"] == "text"  # type: ignore[index]
    assert "2020年下半年工作计划（科技局）" in content
    assert f"http://gongwen.test/materials/{saved.material_id}" in content


def test_a_dead_bot_does_not_block_publishing(seeded: Library, editor: Member) -> None:
    with socket.socket() as s:  # a port with nobody listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    seeded.add_listener(webhook.listener(f"http://127.0.0.1:{port}/hook", ""))
    try:
        [saved] = publishing.publish_upload(seeded, editor, "plan.txt", PLAN.encode())
    finally:
        seeded.listeners.clear()
    assert saved.status == "new"
