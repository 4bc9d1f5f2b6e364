"""Graded tests for exercise 5.3: a router with path parameters, 404 and 405 + Allow."""

from __future__ import annotations

import json

from course.testing import call_wsgi


def handler(name: str):
    def app(environ, start_response):
        args = environ.get("wsgiorg.routing_args", ((), {}))
        body = json.dumps({"handler": name, "params": args[1],
                           "types": {k: type(v).__name__ for k, v in args[1].items()}}).encode()
        start_response("200 OK", [("Content-Type", "application/json"),
                                  ("Content-Length", str(len(body)))])
        return [body]
    return app


def make_router(exercise):
    router = exercise.Router()
    router.add("GET", "/", handler("home"))
    router.add("GET", "/users", handler("list"))
    router.add("POST", "/users", handler("create"))
    router.add("GET", "/users/<int:user_id>", handler("show"))
    router.add("DELETE", "/users/<int:user_id>", handler("delete"))
    router.add("GET", "/files/<name>", handler("file"))
    router.add("GET", "/users/<int:user_id>/posts/<slug>", handler("post"))
    return router


def get(router, method: str, path: str):
    return call_wsgi(router, method=method, path=path)


def test_static_routes_and_methods(exercise):
    router = make_router(exercise)
    for method, path, expected in [("GET", "/", "home"), ("GET", "/users", "list"),
                                   ("POST", "/users", "create")]:
        response = get(router, method, path)
        assert response.status_code == 200, (
            f"{method} {path}: expected 200, got {response.status!r}")
        got = json.loads(response.body)["handler"]
        assert got == expected, (
            f"{method} {path} should reach the {expected!r} handler, reached {got!r}")


def test_path_parameters_arrive_in_routing_args_with_types(exercise):
    router = make_router(exercise)
    data = json.loads(get(router, "GET", "/users/42").body)
    assert data["handler"] == "show" and data["params"] == {"user_id": 42}, (
        "GET /users/42 should call 'show' with environ['wsgiorg.routing_args'] == "
        f"((), {{'user_id': 42}}); the handler saw {data}")
    assert data["types"] == {"user_id": "int"}, (
        f"<int:user_id> must give an int, got {data['types']}")
    data = json.loads(get(router, "GET", "/users/7/posts/hello-world").body)
    assert data["params"] == {"user_id": 7, "slug": "hello-world"}, f"two parameters: got {data}"
    data = json.loads(get(router, "GET", "/files/report.pdf").body)
    assert data["params"] == {"name": "report.pdf"} and data["types"] == {"name": "str"}, data


def test_unknown_paths_are_404(exercise):
    router = make_router(exercise)
    for path in ["/nope", "/users/abc", "/users/42/extra", "/files/a/b", "/files/", "/users/"]:
        response = get(router, "GET", path)
        assert response.status_code == 404, (
            f"GET {path}: no pattern matches the whole path (<int:…> is digits only, <name> is "
            f"one segment), so expected 404 Not Found, got {response.status!r}")
        assert (response.header("Content-Type") or "").startswith("text/plain") and response.body, (
            f"GET {path}: a 404 should have Content-Type text/plain and a short body")


def test_wrong_method_is_405_with_allow(exercise):
    router = make_router(exercise)
    cases = [("DELETE", "/users", "GET, POST"), ("PUT", "/users/42", "DELETE, GET"),
             ("POST", "/files/x", "GET")]
    for method, path, allow in cases:
        response = get(router, method, path)
        assert response.status_code == 405, (
            f"{method} {path}: the path exists but not for {method}: expected 405 Method Not "
            f"Allowed (not 404), got {response.status!r}")
        assert response.header("Allow") == allow, (
            f"{method} {path}: RFC 9110 §15.5.6 -- a 405 MUST carry Allow; expected "
            f"Allow: {allow!r} (sorted, ', '-joined), got {response.header('Allow')!r}")


def test_the_first_route_added_wins(exercise):
    router = exercise.Router()
    router.add("GET", "/files/<name>", handler("file"))
    router.add("GET", "/files/latest", handler("latest"))
    data = json.loads(get(router, "GET", "/files/latest").body)
    assert data["handler"] == "file", (
        "GET /files/latest matches both '/files/<name>' (added first) and '/files/latest': the "
        f"first route added wins (rule 2), so expected the 'file' handler, got {data['handler']!r}")
