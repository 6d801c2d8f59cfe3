"""The ceiling: a bare Flask app with one JSON route, served exactly like the real app.

Whatever gunicorn, the sockets, wrk and Flask itself cost on this machine, this route pays too
and does nothing else; a scenario's requests per second divided by this one's is the share of
the machine's "hello world" throughput that the real endpoint keeps.
"""

from __future__ import annotations

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/ceiling")
def ceiling():
    return jsonify({"ok": True})
