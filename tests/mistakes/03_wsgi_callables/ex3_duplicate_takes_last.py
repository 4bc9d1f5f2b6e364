"""Mistake: a parameter given twice silently takes the last value instead of a 400"""

from __future__ import annotations

import json
import math
import operator
from collections.abc import Callable, Iterable
from urllib.parse import parse_qs

OPERATIONS = {"/add": operator.add, "/sub": operator.sub, "/mul": operator.mul,
              "/div": operator.truediv}


def _respond(start_response: Callable, status: str, payload: dict,
             extra: list[tuple[str, str]] = ()) -> list[bytes]:
    body = json.dumps(payload).encode("utf-8")
    start_response(status, [("Content-Type", "application/json"),
                            ("Content-Length", str(len(body))), *extra])
    return [body]


def _number(params: dict[str, list[str]], name: str) -> float:
    values = params.get(name)
    if not values:
        raise ValueError(f"missing parameter {name!r}")
    try:
        number = float(values[-1])
    except ValueError:
        raise ValueError(f"{name}={values[0]!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{name}={values[0]!r} is not a finite number")
    return number


def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
    operation = OPERATIONS.get(environ.get("PATH_INFO", ""))
    if operation is None:
        return _respond(start_response, "404 Not Found",
                        {"error": f"unknown operation; use one of {sorted(OPERATIONS)}"})
    if environ["REQUEST_METHOD"] != "GET":
        return _respond(start_response, "405 Method Not Allowed",
                        {"error": "use GET"}, [("Allow", "GET")])
    params = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    try:
        a, b = _number(params, "a"), _number(params, "b")
        result = operation(a, b)
    except ZeroDivisionError:
        return _respond(start_response, "400 Bad Request", {"error": "division by zero"})
    except ValueError as exc:
        return _respond(start_response, "400 Bad Request", {"error": str(exc)})
    if not math.isfinite(result):
        return _respond(start_response, "400 Bad Request", {"error": "the result overflows"})
    return _respond(start_response, "200 OK", {"result": result})
