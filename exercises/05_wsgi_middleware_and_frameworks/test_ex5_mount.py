"""Graded tests for exercise 5.5: mount apps under path prefixes (SCRIPT_NAME / PATH_INFO)."""

from __future__ import annotations

import json

from course.testing import call_wsgi


def reporter(name: str):
    def app(environ, start_response):
        body = json.dumps({"app": name, "SCRIPT_NAME": environ.get("SCRIPT_NAME", ""),
                           "PATH_INFO": environ.get("PATH_INFO", "")}).encode()
        start_response("200 OK", [("Content-Type", "application/json"),
                                  ("Content-Length", str(len(body)))])
        return [body]
    return app


def seen(app, path: str, script_name: str = "") -> dict:
    response = call_wsgi(app, path=path, SCRIPT_NAME=script_name)
    assert response.status_code == 200, f"GET {path}: expected 200, got {response.status!r}"
    return json.loads(response.body)


def test_prefix_moves_from_path_info_to_script_name(exercise):
    mount = exercise.PathPrefixMount({"/api": reporter("api"), "/admin/": reporter("admin")})
    got = seen(mount, "/api/users/7")
    assert got == {"app": "api", "SCRIPT_NAME": "/api", "PATH_INFO": "/users/7"}, (
        "GET /api/users/7 with /api mounted: the api app should see SCRIPT_NAME='/api' and "
        f"PATH_INFO='/users/7' (PEP 3333); it saw {got}")
    got = seen(mount, "/api")
    assert got == {"app": "api", "SCRIPT_NAME": "/api", "PATH_INFO": ""}, (
        f"GET /api (exactly the prefix): PATH_INFO should be ''; the app saw {got}")
    got = seen(mount, "/admin/x")
    assert got == {"app": "admin", "SCRIPT_NAME": "/admin", "PATH_INFO": "/x"}, (
        f"a prefix given as '/admin/' means '/admin'; the app saw {got}")


def test_existing_script_name_is_kept(exercise):
    mount = exercise.PathPrefixMount({"/api": reporter("api")})
    got = seen(mount, "/api/users", script_name="/site")
    assert got["SCRIPT_NAME"] == "/site/api" and got["PATH_INFO"] == "/users", (
        "we may be mounted ourselves: SCRIPT_NAME '/site' + prefix '/api' = '/site/api'; "
        f"the app saw {got}")


def test_longest_prefix_wins_at_segment_boundaries(exercise):
    mount = exercise.PathPrefixMount({"/api": reporter("v1"), "/api/v2": reporter("v2")},
                                     default=reporter("home"))
    got = seen(mount, "/api/v2/users")
    assert got == {"app": "v2", "SCRIPT_NAME": "/api/v2", "PATH_INFO": "/users"}, (
        f"/api/v2 is longer than /api, so it wins for /api/v2/users; got {got}")
    got = seen(mount, "/api/v2x")
    assert got["app"] == "v1" and got["PATH_INFO"] == "/v2x", (
        f"/api/v2x is not under /api/v2 (segment boundary) but is under /api; got {got}")
    got = seen(mount, "/apix/y")
    assert got == {"app": "home", "SCRIPT_NAME": "", "PATH_INFO": "/apix/y"}, (
        f"/apix is not under /api: the default app gets the environ unchanged; got {got}")


def test_no_match_without_default_is_404(exercise):
    mount = exercise.PathPrefixMount({"/api": reporter("api")})
    response = call_wsgi(mount, path="/elsewhere")
    assert response.status_code == 404, (
        f"nothing mounted at /elsewhere: expected 404, got {response.status!r}")
    assert (response.header("Content-Type") or "").startswith("text/plain") and response.body, (
        "the 404 should be text/plain with a short body")
