"""Graded tests for exercise 10.1: Sec-WebSocket-Accept and the key check."""

import pytest

# (key, accept) pairs; the first is RFC 6455 §1.3's example, the last has '+' and '/' in it
PAIRS = [
    ("dGhlIHNhbXBsZSBub25jZQ==", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
    ("x3JJHMbDL1EzLkh9GBhXDw==", "HSmrc0sMlYUkAGmm5OPpG2HaGWk="),
    ("AQIDBAUGBwgJCgsMDQ4PEA==", "C/0nmHhBztSRGR1CwL6Tf4ZjwpY="),
    ("/+/+/+/+/+/+/+/+/+/+/w==", "YdypOIlszlAa8WZtOS9miNhQsaE="),
]

BAD_KEYS = {
    "": "an empty key",
    "dGhlIHNhbXBsZSBub25jZQ": "base64 without its padding",
    "dGhlIHNhbXBsZSBub25j": "15 bytes",
    "dGhlIHNhbXBsZSBub25jZQ==AAAA": "base64 of 19 bytes",
    "dGhlIHNhbXBsZSBub25jZQAB": "18 bytes",
    "dGhlIHNhbXBsZSBub25jZQ!=": "a character outside the base64 alphabet",
    "dGhlIHNhbXBs ZSBub25jZQ==": "a space inside",
    "_-_-_-_-_-_-_-_-_-_-_w==": "the URL-safe alphabet",
}


def test_rfc_example(exercise):
    got = exercise.accept_key("dGhlIHNhbXBsZSBub25jZQ==")
    assert got == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", (
        "RFC 6455 §1.3: the key 'dGhlIHNhbXBsZSBub25jZQ==' gives the accept value "
        f"'s3pPLMBiTxaQ9kYGzzhZRbK+xOo=' (base64 of the SHA-1 digest of key + GUID); got {got!r}")


@pytest.mark.parametrize("key, expected", PAIRS[1:],
                         ids=["random", "counting", "plus-slash"])
def test_other_keys(exercise, key, expected):
    got = exercise.accept_key(key)
    assert isinstance(got, str), f"accept_key should return a str (a header value), got {got!r}"
    assert got == expected, (
        f"accept_key({key!r}): expected {expected!r}, got {got!r} -- use the key's 24 "
        "characters as they are, the SHA-1 *digest* (not hexdigest), standard base64 "
        "(RFC 6455 §4.2.2)")


@pytest.mark.parametrize("key", [key for key, _ in PAIRS])
def test_valid_keys_pass_the_check(exercise, key):
    try:
        result = exercise.check_key(key)
    except ValueError as exc:
        pytest.fail(f"check_key({key!r}) raised ValueError({exc}); it is 16 bytes of strict "
                    "base64, a valid key (RFC 6455 §4.1)", pytrace=False)
    assert result is None, f"check_key should return None for a valid key, got {result!r}"


@pytest.mark.parametrize("key", list(BAD_KEYS), ids=list(BAD_KEYS.values()))
def test_invalid_keys_raise_value_error(exercise, key):
    try:
        exercise.check_key(key)
    except ValueError:
        return
    pytest.fail(f"check_key({key!r}) should raise ValueError ({BAD_KEYS[key]}): a key must be "
                "strict base64 of exactly 16 bytes (RFC 6455 §4.1); a server answers 400",
                pytrace=False)
