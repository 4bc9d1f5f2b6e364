"""Graded tests for exercise 5.2: HTTP Basic authentication middleware (RFC 7617)."""

from __future__ import annotations

import base64
import hmac
import secrets

from course.testing import call_wsgi

USERS = {"ada": "lovelace", "grace": "hop:per", "zoë": "pässwörd"}


def basic(user_pass: str | bytes) -> dict[str, str]:
    raw = user_pass.encode() if isinstance(user_pass, str) else user_pass
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


class Protected:
    def __init__(self) -> None:
        self.calls: list[str | None] = []

    def __call__(self, environ, start_response):
        self.calls.append(environ.get("REMOTE_USER"))
        body = f"secret for {environ.get('REMOTE_USER')}".encode()
        start_response("200 OK", [("Content-Type", "text/plain"),
                                  ("Content-Length", str(len(body)))])
        return [body]


def assert_challenge(response, inner: Protected, why: str, realm: str = "course") -> None:
    assert response.status_code == 401, f"{why}: expected 401 Unauthorized, got {response.status!r}"
    challenge = response.header("WWW-Authenticate")
    assert challenge == f'Basic realm="{realm}"', (
        f"{why}: a 401 must carry WWW-Authenticate: Basic realm=\"{realm}\" (RFC 9110 §11.6.1, "
        f"the realm given to basic_auth); got {challenge!r}")
    content_type = response.header("Content-Type") or ""
    assert content_type.startswith("text/plain"), (
        f"{why}: the 401 should be Content-Type: text/plain (rule 2), got {content_type!r}")
    assert response.body, f"{why}: give the 401 a short text body"
    assert not inner.calls, f"{why}: the protected app must not be called"


def test_no_credentials_is_401_with_a_challenge(exercise):
    inner = Protected()
    response = call_wsgi(exercise.basic_auth(inner, USERS), path="/")
    assert_challenge(response, inner, "no Authorization header")


def test_valid_credentials_reach_the_app_with_remote_user(exercise):
    inner = Protected()
    app = exercise.basic_auth(inner, USERS)
    response = call_wsgi(app, path="/", headers=basic("ada:lovelace"))
    assert response.status_code == 200, f"valid credentials: expected 200, got {response.status!r}"
    assert inner.calls == ["ada"], (
        f"set environ['REMOTE_USER'] to the username before calling the app; it saw {inner.calls}")
    assert response.body == b"secret for ada", (
        f"the app's body must pass through: {response.body!r}")
    lower = call_wsgi(app, path="/", headers={"Authorization": basic("ada:lovelace")
                                              ["Authorization"].replace("Basic", "basic")})
    assert lower.status_code == 200, "the scheme name is case-insensitive: 'basic' must work too"


def test_password_may_contain_a_colon(exercise):
    inner = Protected()
    app = exercise.basic_auth(inner, USERS)
    response = call_wsgi(app, path="/", headers=basic("grace:hop:per"))
    assert response.status_code == 200 and inner.calls == ["grace"], (
        "only the FIRST ':' separates user and password (RFC 7617): 'grace:hop:per' is user "
        f"'grace' with password 'hop:per'; got {response.status!r}")


def test_wrong_or_malformed_credentials_are_401_never_500(exercise):
    cases = {
        "wrong password": basic("ada:babbage"),
        "unknown user": basic("eve:lovelace"),
        "no colon": basic("ada"),
        "not base64": {"Authorization": "Basic !!!not-base64!!!"},
        "another scheme": {"Authorization": "Bearer abc.def"},
        "empty token": {"Authorization": "Basic "},
        "not UTF-8": basic(b"ada:\xff\xfe"),
    }
    for why, headers in cases.items():
        inner = Protected()
        try:
            response = call_wsgi(exercise.basic_auth(inner, USERS), path="/", headers=headers)
        except NotImplementedError:
            raise
        except Exception as exc:   # noqa: BLE001
            raise AssertionError(f"{why} ({headers}): a malformed header must give 401, but "
                                 f"your middleware raised {type(exc).__name__}: {exc}") from None
        assert_challenge(response, inner, f"{why} ({headers['Authorization']!r})")


def test_the_realm_argument_names_the_realm(exercise):
    inner = Protected()
    response = call_wsgi(exercise.basic_auth(inner, USERS, realm="staff area"), path="/")
    assert_challenge(response, inner, "basic_auth(app, users, realm='staff area')",
                     realm="staff area")


def test_credentials_are_utf8(exercise):
    inner = Protected()
    app = exercise.basic_auth(inner, USERS)
    response = call_wsgi(app, path="/", headers=basic("zoë:pässwörd"))
    assert response.status_code == 200 and inner.calls == ["zoë"], (
        "user 'zoë' with password 'pässwörd', base64 of their UTF-8 bytes, should get in "
        f"(rule 3: decode the bytes as UTF-8, the charset RFC 7617 §2.1 names); "
        f"got {response.status!r}")


def test_passwords_are_compared_with_compare_digest(exercise, monkeypatch):
    calls = []
    real = hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    monkeypatch.setattr(secrets, "compare_digest", spy)
    if hasattr(exercise, "compare_digest"):                # from hmac import compare_digest
        monkeypatch.setattr(exercise, "compare_digest", spy)
    inner = Protected()
    response = call_wsgi(exercise.basic_auth(inner, USERS), path="/", headers=basic("ada:babbage"))
    assert_challenge(response, inner, "wrong password")
    assert calls, (
        "a wrong password was refused without hmac.compare_digest: `==` stops at the first "
        "different character, and that timing difference leaks the password (rule 4: compare "
        "passwords with hmac.compare_digest)")
