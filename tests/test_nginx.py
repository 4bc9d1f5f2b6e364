"""course.nginx: a real nginx in a temp prefix; config errors carry nginx's own message."""

from __future__ import annotations

import sys

import pytest
import requests

from course import nginx, servers


def test_find_nginx_and_version():
    binary = nginx.find_nginx()
    assert binary.exists()
    assert nginx.nginx_version(binary).startswith("nginx/")


def test_render_fills_placeholders_and_rejects_missing_ones():
    rendered = nginx.render("listen {{port}}; root {{ dir }};", port=80, dir="/x")
    assert rendered == "listen 80; root /x;"
    with pytest.raises(KeyError, match="backend"):
        nginx.render("proxy_pass http://{{backend}};")


def test_proxy_reload_and_logs(tmp_path):
    (tmp_path / "index.html").write_text("hello from disk")
    config = """
    server {
        listen 127.0.0.1:{{port}};
        location /static/ { alias {{dir}}/; }
        location / { proxy_pass http://127.0.0.1:{{app}}; proxy_http_version 1.1; }
    }"""
    with servers.start([sys.executable, "-m", "http.server", "--bind", "{host}", "{port}",
                        "--directory", str(tmp_path)], name="http.server") as app, \
            nginx.Nginx(config, app=app.port, dir=tmp_path) as web:
        assert requests.get(web.url + "/static/index.html", timeout=5).text == "hello from disk"
        assert requests.get(web.url + "/", timeout=5).status_code == 200
        gone = "location = /gone { return 410; }\n location / {"
        web.reload(config.replace("location / {", gone))
        assert requests.get(web.url + "/gone", timeout=5).status_code == 410
        log = web.access_log()
        assert any('"GET /static/index.html HTTP/1.1" 200' in line for line in log)
        assert "start worker process" in web.error_log()
        prefix = web.prefix
    assert not prefix.exists(), "the temp prefix is removed on stop"


def test_config_error_shows_nginx_message_with_your_line_number():
    with pytest.raises(nginx.NginxConfigError) as info:
        bad = "server {\n    listen 127.0.0.1:{{port}};\n    proxy_buffering maybe;\n}"
        nginx.Nginx(bad).start()
    message = str(info.value)
    assert "nginx rejected the configuration" in message
    assert "proxy_buffering" in message and "in your config, line 3" in message


def test_nginx_env_var_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("NGINX", str(tmp_path / "missing"))
    with pytest.raises(nginx.NginxNotFound, match="not a file"):
        nginx.find_nginx()
