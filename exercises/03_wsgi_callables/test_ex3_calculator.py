"""Graded tests of exercise 3.3: the query-string calculator (run under wsgiref.validate).

Run: python -m course check 3   (or: python -m pytest exercises/03_wsgi_callables)
"""

from __future__ import annotations

import json

import pytest

from course.testing import call_wsgi


def ask(exercise, path, query="", method="GET"):
    response = call_wsgi(exercise.app, method=method, path=path, query=query)
    assert (response.header("Content-Type") or "").startswith("application/json"), (
        f"{method} {path}?{query}: every answer is JSON; Content-Type was "
        f"{response.header('Content-Type')!r}")
    assert response.header("Content-Length") == str(len(response.body)), (
        f"Content-Length {response.header('Content-Length')!r} != {len(response.body)} body bytes")
    return response, json.loads(response.body)


@pytest.mark.parametrize("path, query, expected", [
    ("/add", "a=2&b=3", 5), ("/sub", "a=2&b=3", -1), ("/mul", "a=2.5&b=4", 10),
    ("/div", "a=7&b=2", 3.5), ("/add", "a=-1.5&b=1e3", 998.5),
])
def test_operations(exercise, path, query, expected):
    response, data = ask(exercise, path, query)
    assert response.status_code == 200 and data == {"result": pytest.approx(expected)}, (
        f"GET {path}?{query}: expected 200 {{'result': {expected}}}, got "
        f"{response.status!r} {data}")


@pytest.mark.parametrize("query, why", [
    ("b=3", "a is missing"), ("a=2", "b is missing"), ("", "both are missing"),
    ("a=two&b=3", "'two' is not a number"), ("a=&b=3", "an empty value is not a number"),
    ("a=1&a=2&b=3", "a is given twice"), ("a=nan&b=1", "nan is not a finite number"),
    ("a=inf&b=1", "inf is not a finite number"),
    ("a=1&b=inf&op=div", "inf is not a finite number, even where 1/inf would be 0.0"),
    ("a=1e308&b=1e308&op=mul", "1e308 * 1e308 overflows to inf"),
])
def test_bad_input_is_a_400_with_a_json_error(exercise, query, why):
    query, _, operation = query.partition("&op=")
    path = "/" + (operation or "add")
    response, data = ask(exercise, path, query)
    assert response.status_code == 400, (
        f"GET {path}?{query}: {why}, so expected 400 Bad Request, got {response.status!r}")
    assert isinstance(data.get("error"), str) and data["error"], (
        f"a 400 should say what was wrong: expected {{'error': '...'}}, got {data}")


def test_division_by_zero_is_a_400_not_a_crash(exercise):
    response, data = ask(exercise, "/div", "a=1&b=0")
    assert response.status_code == 400 and "error" in data, (
        f"1/0 is bad input: expected 400 with an error message, got {response.status!r} {data}")


def test_unknown_operation_is_a_404(exercise):
    response, data = ask(exercise, "/pow", "a=2&b=3")
    assert response.status_code == 404, (
        f"/pow does not exist: expected 404, got {response.status!r}")


def test_unknown_path_is_a_404_whatever_the_method(exercise):
    response, _ = ask(exercise, "/pow", "a=2&b=3", method="POST")
    assert response.status_code == 404, (
        "POST /pow: /pow does not exist for any method, so expected 404 Not Found (405 means "
        f"the path exists but not with this method); got {response.status!r}")


def test_wrong_method_is_a_405_with_allow(exercise):
    response, _ = ask(exercise, "/add", "a=1&b=2", method="POST")
    assert response.status_code == 405, f"POST /add: expected 405, got {response.status!r}"
    assert response.header("Allow") == "GET", (
        "RFC 9110 §15.5.6: a 405 response must carry an Allow header listing the methods "
        f"that work, here 'GET'; got {response.header('Allow')!r}")
