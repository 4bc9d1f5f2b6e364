"""Graded tests of exercise 11.4: range requests, checked against RFC 9110 §14."""

from __future__ import annotations

import pytest

from course.testing import call_wsgi

CONTENT = bytes(range(48, 58)) * 10        # b"0123456789" ten times: 100 bytes
ETAG = '"v1"'
DATE = "Tue, 01 Dec 2026 10:00:00 GMT"


@pytest.fixture
def app(exercise):
    return exercise.make_app(CONTENT, etag=ETAG, last_modified=DATE)


def get(app, headers=None, method="GET"):
    return call_wsgi(app, method=method, path="/file.bin", headers=headers or {})


def expect_partial(response, first, last, request):
    assert response.status_code == 206, (
        f"{request}: expected 206 Partial Content (RFC 9110 §15.3.7), got {response.status}")
    expected = f"bytes {first}-{last}/{len(CONTENT)}"
    assert response.header("content-range") == expected, (
        f"{request}: expected Content-Range: {expected} (RFC 9110 §14.4), got "
        f"{response.header('content-range')!r}")
    assert response.body == CONTENT[first:last + 1], (
        f"{request}: expected bytes {first}..{last} (both included), got {response.body!r}")
    assert response.header("content-length") == str(last - first + 1), (
        f"{request}: Content-Length is the length of the part sent ({last - first + 1}), got "
        f"{response.header('content-length')!r}")


def expect_whole(response, request):
    assert response.status_code == 200 and response.body == CONTENT, (
        f"{request}: expected 200 with the whole content, got {response.status} with "
        f"{len(response.body)} bytes")
    assert response.header("content-range") is None, (
        f"{request}: a 200 has no Content-Range, got {response.header('content-range')!r}")


def test_no_range_is_the_whole_file(app):
    response = get(app)
    expect_whole(response, "GET without Range")
    for name, value in [("accept-ranges", "bytes"), ("etag", ETAG), ("last-modified", DATE),
                        ("content-type", "application/octet-stream"),
                        ("content-length", str(len(CONTENT)))]:
        assert response.header(name) == value, (
            f"GET: expected {name}: {value}, got {response.header(name)!r} -- Accept-Ranges "
            "tells clients they may ask for parts (RFC 9110 §14.3)")


@pytest.mark.parametrize("spec, first, last", [
    ("bytes=0-9", 0, 9), ("bytes=10-19", 10, 19), ("bytes=99-99", 99, 99),
    ("bytes=95-", 95, 99), ("bytes=0-", 0, 99), ("bytes=-5", 95, 99), ("bytes=-1", 99, 99)])
def test_one_range(app, spec, first, last):
    expect_partial(get(app, {"Range": spec}), first, last, f"Range: {spec}")


def test_last_beyond_the_end_is_cut(app):
    expect_partial(get(app, {"Range": "bytes=90-500"}), 90, 99, "Range: bytes=90-500")


def test_suffix_longer_than_the_file_is_the_whole_file(app):
    expect_partial(get(app, {"Range": "bytes=-500"}), 0, 99, "Range: bytes=-500")


def test_partial_responses_keep_the_validators(app):
    response = get(app, {"Range": "bytes=0-9"})
    for name, value in [("accept-ranges", "bytes"), ("etag", ETAG), ("last-modified", DATE),
                        ("content-type", "application/octet-stream")]:
        assert response.header(name) == value, (
            f"a 206 carries {name}: {value} too, got {response.header(name)!r} -- the client "
            "needs the validator to resume with If-Range, and the type of what it gets")


@pytest.mark.parametrize("spec", ["bytes=100-", "bytes=100-200", "bytes=-0", "bytes=1000-1001"])
def test_unsatisfiable_range_is_416(app, spec):
    response = get(app, {"Range": spec})
    assert response.status_code == 416, (
        f"Range: {spec} on a {len(CONTENT)}-byte file: expected 416 Range Not Satisfiable "
        f"(RFC 9110 §15.5.17), got {response.status}")
    assert response.header("content-range") == f"bytes */{len(CONTENT)}", (
        f"a 416 says the real length: Content-Range: bytes */{len(CONTENT)}, got "
        f"{response.header('content-range')!r}")


@pytest.mark.parametrize("spec", ["items=0-1", "bytes=abc", "bytes=-", "bytes=5-2", "bytes 0-1",
                                  "bytes=0-1,4-5"])
def test_ranges_this_app_does_not_honour_are_ignored(app, spec):
    expect_whole(get(app, {"Range": spec}), f"Range: {spec} (ignored, RFC 9110 §14.2)")


def test_if_range_with_the_current_etag_or_date(app):
    expect_partial(get(app, {"Range": "bytes=10-19", "If-Range": ETAG}), 10, 19,
                   f"Range: bytes=10-19, If-Range: {ETAG} (matches the ETag)")
    expect_partial(get(app, {"Range": "bytes=10-19", "If-Range": DATE}), 10, 19,
                   f"Range: bytes=10-19, If-Range: {DATE} (matches Last-Modified)")


@pytest.mark.parametrize("validator", ['"v0"', 'W/"v1"', "Mon, 30 Nov 2026 10:00:00 GMT"])
def test_if_range_mismatch_sends_everything(app, validator):
    expect_whole(get(app, {"Range": "bytes=10-19", "If-Range": validator}),
                 f"Range: bytes=10-19, If-Range: {validator} (RFC 9110 §13.1.5: the file "
                 "changed, or a weak tag -- send the whole new content)")


def test_head_has_the_headers_and_no_body(app):
    for headers, status in [({}, 200), ({"Range": "bytes=0-9"}, 206)]:
        head = get(app, headers, method="HEAD")
        full = get(app, headers)
        assert head.status_code == status and head.body == b"", (
            f"HEAD {headers}: expected {status} with an empty body, got {head.status} with "
            f"{len(head.body)} bytes")
        assert dict(head.headers) == dict(full.headers), (
            f"HEAD {headers} must send the headers GET sends: {full.headers}, got {head.headers}")


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_other_methods_are_405(app, method):
    response = call_wsgi(app, method=method, path="/file.bin", body=b"x")
    assert response.status_code == 405, f"{method}: expected 405, got {response.status}"
    assert response.header("allow") == "GET, HEAD", (
        f"a 405 lists what is allowed (RFC 9110 §15.5.6): Allow: GET, HEAD, got "
        f"{response.header('allow')!r}")
