"""Graded tests for exercise 5.4: trust X-Forwarded-* only from configured proxies."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from course import servers
from course.testing import call_wsgi


def seen(exercise, trusted, remote_addr: str, **headers: str) -> dict:
    app = exercise.TrustedProxyMiddleware(exercise.whoami, trusted=trusted)
    response = call_wsgi(app, path="/", REMOTE_ADDR=remote_addr, headers=headers)
    return json.loads(response.body)


def test_spoofed_headers_from_an_untrusted_peer_are_ignored(exercise):
    got = seen(exercise, ["10.0.0.1"], "198.51.100.9",
               **{"X-Forwarded-For": "1.2.3.4", "X-Forwarded-Proto": "https"})
    assert got == {"client": "198.51.100.9", "scheme": "http"}, (
        "the peer 198.51.100.9 is not a trusted proxy, so its X-Forwarded-For/-Proto are its "
        f"own claims: REMOTE_ADDR and wsgi.url_scheme must stay as they were; the app saw {got}")


def test_a_trusted_proxy_is_believed(exercise):
    got = seen(exercise, ["10.0.0.1"], "10.0.0.1",
               **{"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "HTTPS"})
    assert got == {"client": "203.0.113.7", "scheme": "https"}, (
        "the peer 10.0.0.1 is our proxy: the client is the address it appended and the scheme "
        f"is what it says (https, case-insensitive); the app saw {got}")
    got = seen(exercise, ["10.0.0.1"], "10.0.0.1", **{"X-Forwarded-Proto": "gopher"})
    assert got == {"client": "10.0.0.1", "scheme": "http"}, (
        f"no X-Forwarded-For and a bogus X-Forwarded-Proto change nothing; the app saw {got}")


def test_walk_from_the_right_past_trusted_hops_and_networks(exercise):
    trusted = ["10.0.0.0/8", "127.0.0.1"]
    got = seen(exercise, trusted, "127.0.0.1",
               **{"X-Forwarded-For": "6.6.6.6, 203.0.113.7, 10.1.2.3"})
    assert got["client"] == "203.0.113.7", (
        "X-Forwarded-For '6.6.6.6, 203.0.113.7, 10.1.2.3' via trusted 127.0.0.1: 10.1.2.3 is a "
        "trusted hop (10.0.0.0/8), 203.0.113.7 is the first untrusted entry from the right -- "
        f"the client. 6.6.6.6 was written by the client itself. The app saw {got['client']!r}")
    got = seen(exercise, trusted, "127.0.0.1", **{"X-Forwarded-For": "10.9.9.9, 10.1.1.1"})
    assert got["client"] == "10.9.9.9", f"every entry trusted: use the leftmost; got {got}"
    got = seen(exercise, trusted, "127.0.0.1", **{"X-Forwarded-For": "203.0.113.7, nonsense"})
    assert got["client"] == "127.0.0.1", (
        f"an entry that is not an IP address before the client: leave REMOTE_ADDR; got {got}")


def test_under_gunicorn_the_spoofed_left_entry_is_ignored(exercise, exercise_file):
    # `app` in your file is whoami behind your middleware, trusting 127.0.0.1: gunicorn's peer
    # for our request is 127.0.0.1, so we play the proxy here.
    with servers.gunicorn(f"{exercise_file.stem}:app", chdir=exercise_file.parent) as server:
        request = urllib.request.Request(
            server.url + "/", headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.7"})
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                got = json.loads(reply.read())
        except urllib.error.HTTPError as exc:
            raise AssertionError(
                f"under gunicorn your app answered {exc.code}; gunicorn's log:\n"
                f"{server.output()[-1500:]}") from None
    assert got["client"] == "203.0.113.7", (
        "under real gunicorn, from the trusted peer 127.0.0.1 with X-Forwarded-For "
        f"'6.6.6.6, 203.0.113.7', the client is 203.0.113.7; the app saw {got}")
