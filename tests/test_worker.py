import threading

from flask import Flask

from server import worker


def test_the_in_process_worker_starts_once_with_the_first_request(monkeypatch):
    calls = []
    done = threading.Event()

    def fake_run(app):
        calls.append(app)
        done.set()

    monkeypatch.setattr(worker, "run", fake_run)
    app = Flask("probe")
    app.add_url_rule("/", "index", lambda: "ok")
    worker.start_in_process(app)
    client = app.test_client()
    client.get("/")
    client.get("/")
    assert done.wait(2)
    assert calls == [app]


def test_development_on_embedded_redis_runs_the_worker_in_process_and_production_never():
    from server.config import Config, DevelopmentConfig, ProductionConfig, TestingConfig

    assert DevelopmentConfig.OUTBOX_IN_PROCESS is Config.REDIS_URL.startswith("memory://")
    assert ProductionConfig.OUTBOX_IN_PROCESS is False
    assert TestingConfig.OUTBOX_IN_PROCESS is False
