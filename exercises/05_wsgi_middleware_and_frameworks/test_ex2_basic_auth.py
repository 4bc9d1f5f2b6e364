"""Graded tests for exercise 5.2: HTTP Basic authentication middleware (RFC 7617)."""

from __future__ import annotations

import base64

from course.testing import call_wsgi

USERS = {"ada": "lovelace", "grace": "hop:per"}


def basic(user_pass: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(user_pass.encode()).decode()}


class Protected:
    def __init__(self) -> None:
        self.calls: list[str | None] = []

    def __call__(self, environ, start_response):
        self.calls.append(environ.get("REMOTE_USER"))
        body = f"secret for {environ.get('REMOTE_USER')}".encode()
        start_response("200 OK", [("Content-Type", "text/plain"),
                                  ("Content-Length", str(len(body)))])
        return [body]


def assert_challenge(response, inner: Protected, why: str) -> None:
    assert response.status_code == 401, f"{why}: expected 401 Unauthorized, got {response.status!r}"
    challenge = response.header("WWW-Authenticate")
    assert challenge == 'Basic realm="course"', (
        f"{why}: a 401 must carry WWW-Authenticate: Basic realm=\"course\" (RFC 9110 §11.6.1); "
        f"got {challenge!r}")
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
    assert response.body == b"secret for ada", f"the app's body must pass through: {response.body!r}"
    lower = call_wsgi(app, path="/", headers={"Authorization": basic("ada:lovelace")
                                              ["Authorization"].replace("Basic", "basic")})
    assert lower.status_code == 200, "the scheme name is case-insensitive: 'basic' must work too"


def test_password_may_contain_a_colon(exercise):
    inner = Protected()
    response = call_wsgi(exercise.basic_auth(inner, USERS), path="/", headers=basic("grace:hop:per"))
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
