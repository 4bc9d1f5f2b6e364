"""Graded tests of exercise 8.2: the body arrives in several http.request messages."""

from course.asgi import call_asgi


def test_echoes_a_single_chunk(exercise):
    response = call_asgi(exercise.app, "POST", "/", body_chunks=[b"hello"],
                         headers={"Content-Type": "text/plain"})
    assert response.status == 200, f"expected status 200, got {response.status!r}"
    assert response.body == b"hello", f"expected b'hello' back, got {response.body!r}"
    assert response.header("content-type") == "text/plain", (
        f"the response's content-type should be the request's ('text/plain'), "
        f"got {response.header('content-type')!r}")
    assert response.header("content-length") == "5", (
        f"expected content-length '5', got {response.header('content-length')!r}")


def test_reads_every_more_body_chunk(exercise):
    chunks = [b"one,", b"two,", b"", b"three,", b"four"]
    response = call_asgi(exercise.app, "POST", "/", body_chunks=chunks)
    assert response.body == b"".join(chunks), (
        f"the body came in {len(chunks)} http.request messages (more_body=True until the last); "
        f"expected {b''.join(chunks)!r}, got {response.body!r} -- keep calling receive()")
    assert response.header("content-length") == str(len(b"".join(chunks))), (
        f"content-length should count every chunk, got {response.header('content-length')!r}")


def test_empty_body_and_default_content_type(exercise):
    response = call_asgi(exercise.app, "POST", "/", body_chunks=[b""])
    assert response.status == 200 and response.body == b"", (
        f"an empty request body is echoed as an empty 200 response, got "
        f"{response.status!r} {response.body!r}")
    assert response.header("content-type") == "application/octet-stream", (
        f"with no request content-type answer application/octet-stream, "
        f"got {response.header('content-type')!r}")


def test_large_body_in_many_chunks(exercise):
    chunks = [bytes([n]) * 1000 for n in range(200)]
    response = call_asgi(exercise.app, "POST", "/", body_chunks=chunks)
    assert len(response.body) == 200_000 and response.body == b"".join(chunks), (
        f"expected the 200000 bytes sent in 200 messages, got {len(response.body)} bytes")
