"""Two gunicorn servers run by one user each get a control socket of their own (gunicorn 27's default, one
path per user, made the second server take the first one's)."""

from types import SimpleNamespace

from gunicorn.config import Config

from chibo import gunicorn_conf


def started(bind: str, monkeypatch) -> str:
    config = Config()
    config.set("bind", [bind])
    config.set("control_socket", gunicorn_conf.control_socket)
    gunicorn_conf.on_starting(SimpleNamespace(cfg=config))
    return config.control_socket


def test_two_servers_of_one_user_have_two_control_sockets(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))

    first, second = started("0.0.0.0:8000", monkeypatch), started("127.0.0.1:8123", monkeypatch)

    assert first != second
    assert first.startswith(str(tmp_path)) and second.startswith(str(tmp_path))
    assert first.endswith("gunicorn-0.0.0.0-8000.ctl")


def test_a_control_socket_named_in_the_environment_is_kept(monkeypatch, tmp_path):
    config = Config()
    config.set("control_socket", str(tmp_path / "web.ctl"))
    gunicorn_conf.on_starting(SimpleNamespace(cfg=config))

    assert config.control_socket == str(tmp_path / "web.ctl")
