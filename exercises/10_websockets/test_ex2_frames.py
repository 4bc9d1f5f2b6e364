"""Graded tests for exercise 10.2: frames encoded byte for byte, decoded, and refused."""

import struct

import pytest

KEY = bytes.fromhex("37fa213d")           # the masking key of RFC 6455 §5.7's examples
TEXT, BINARY, CONTINUATION, CLOSE, PING, PONG = 0x1, 0x2, 0x0, 0x8, 0x9, 0xA


def masked(opcode: int, payload: bytes, *, fin: bool = True) -> bytes:
    """A client frame built independently of your code (the RFC layout, by struct)."""
    first = (0x80 if fin else 0) | opcode
    if len(payload) <= 125:
        head = struct.pack("!BB", first, 0x80 | len(payload))
    elif len(payload) <= 0xFFFF:
        head = struct.pack("!BBH", first, 0x80 | 126, len(payload))
    else:
        head = struct.pack("!BBQ", first, 0x80 | 127, len(payload))
    body = bytes(b ^ KEY[i % 4] for i, b in enumerate(payload))
    return head + KEY + body


ENCODED = [
    # (description, args, kwargs, expected bytes)  -- the first five are RFC 6455 §5.7
    ("unmasked text 'Hello'", (TEXT, b"Hello"), {}, "81 05 48 65 6c 6c 6f"),
    ("masked text 'Hello'", (TEXT, b"Hello"), {"mask_key": KEY},
     "81 85 37 fa 21 3d 7f 9f 4d 51 58"),
    ("first fragment 'Hel'", (TEXT, b"Hel"), {"fin": False}, "01 03 48 65 6c"),
    ("last fragment 'lo'", (CONTINUATION, b"lo"), {}, "80 02 6c 6f"),
    ("unmasked ping 'Hello'", (PING, b"Hello"), {}, "89 05 48 65 6c 6c 6f"),
    ("empty close", (CLOSE, b""), {}, "88 00"),
]


@pytest.mark.parametrize("what, args, kwargs, expected", ENCODED,
                         ids=[case[0] for case in ENCODED])
def test_encode_small_frames_byte_for_byte(exercise, what, args, kwargs, expected):
    got = exercise.encode_frame(*args, **kwargs)
    assert isinstance(got, bytes), f"encode_frame should return bytes, got {type(got).__name__}"
    assert got.hex(" ") == expected, (
        f"{what}: expected {expected}, got {got.hex(' ')} (RFC 6455 §5.2: FIN|RSV|opcode, "
        "MASK|length, [key], payload)")


@pytest.mark.parametrize("length, header", [
    (125, "82 7d"), (126, "82 7e 00 7e"), (256, "82 7e 01 00"), (65535, "82 7e ff ff"),
    (65536, "82 7f 00 00 00 00 00 01 00 00")])
def test_encode_uses_the_shortest_length_form(exercise, length, header):
    got = exercise.encode_frame(BINARY, b"\x00" * length)
    size = len(bytes.fromhex(header))
    assert got[:size].hex(" ") == header and len(got) == size + length, (
        f"a {length}-byte binary frame should start {header} (RFC 6455 §5.2: 0-125 in 7 bits, "
        f"126 + 16 bits up to 65535, else 127 + 64 bits), got {got[:size].hex(' ')} and "
        f"{len(got)} bytes in all")


def test_encode_masks_long_payloads(exercise):
    payload = bytes(range(256)) * 300                       # 76800 bytes: the 64-bit form
    got = exercise.encode_frame(BINARY, payload, mask_key=KEY)
    assert got == masked(BINARY, payload), (
        "a masked 76800-byte frame: expected 82 ff, the 64-bit length, the key, then every "
        "byte XOR key[i % 4] (RFC 6455 §5.3) -- compare your header and masking")


def test_decode_the_rfc_example(exercise):
    got = exercise.decode_frame(bytes.fromhex("818537fa213d7f9f4d5158"))
    assert got == (TEXT, True, b"Hello", 11), (
        f"the RFC 6455 §5.7 masked 'Hello' should decode to (1, True, b'Hello', 11), got {got!r}")


def test_decode_reports_what_it_consumed(exercise):
    two_frames = masked(TEXT, b"Hel", fin=False) + masked(CONTINUATION, b"lo")
    first = exercise.decode_frame(two_frames)
    assert first == (TEXT, False, b"Hel", 9), (
        f"the first of two frames: expected (1, False, b'Hel', 9), got {first!r} -- consumed "
        "counts the 2 header bytes, the 4 key bytes and the payload")
    second = exercise.decode_frame(two_frames[9:])
    assert second == (CONTINUATION, True, b"lo", 8), (
        f"the second frame: expected (0, True, b'lo', 8), got {second!r}")


@pytest.mark.parametrize("length", [0, 125, 126, 65535, 65536])
def test_decode_every_length_form(exercise, length):
    payload = bytes(i % 251 for i in range(length))
    got = exercise.decode_frame(masked(BINARY, payload) + b"next")
    header = 2 + (2 if 126 <= length <= 0xFFFF else 8 if length > 0xFFFF else 0) + 4
    assert got is not None and got[0] == BINARY and got[2] == payload, (
        f"a masked {length}-byte binary frame should decode to its payload, unmasked; got "
        f"{None if got is None else (got[0], got[1], got[2][:8], got[3])!r}")
    assert got[3] == header + length, (
        f"consumed: a {length}-byte frame takes {header} + {length} bytes, you said {got[3]}")


@pytest.mark.parametrize("frame", [masked(TEXT, b"Hello"), masked(BINARY, b"x" * 300),
                                   masked(BINARY, b"y" * 70000)],
                         ids=["7-bit", "16-bit", "64-bit"])
def test_decode_returns_none_for_every_incomplete_prefix(exercise, frame):
    cuts = sorted({0, 1, 2, 3, 5, 9, 10, 13, 14, len(frame) - 1} & set(range(len(frame))))
    for cut in cuts:
        try:
            got = exercise.decode_frame(frame[:cut])
        except Exception as exc:
            pytest.fail(f"decode_frame of the first {cut} of {len(frame)} bytes raised "
                        f"{exc!r}; an incomplete frame is not an error: return None and wait "
                        "for more bytes", pytrace=False)
        assert got is None, (
            f"decode_frame of the first {cut} of {len(frame)} bytes should be None "
            f"(incomplete), got {got!r}")


def assert_refused(exercise, data: bytes, code: int, rule: str) -> None:
    try:
        got = exercise.decode_frame(data)
    except exercise.ProtocolError as exc:
        assert exc.code == code, f"{rule}: expected close code {code}, got {exc.code}"
        return
    pytest.fail(f"{rule}: decode_frame should raise ProtocolError({code}), it returned {got!r}",
                pytrace=False)


def test_unmasked_client_frame_is_refused(exercise):
    assert_refused(exercise, bytes.fromhex("810548656c6c6f"), 1002,
                   "an unmasked frame from a client (RFC 6455 §5.1)")


@pytest.mark.parametrize("bit", [0x40, 0x20, 0x10], ids=["RSV1", "RSV2", "RSV3"])
def test_rsv_bits_are_refused(exercise, bit):
    frame = bytearray(masked(TEXT, b"hi"))
    frame[0] |= bit
    assert_refused(exercise, bytes(frame), 1002, f"a frame with {bit:#x} (an RSV bit) set "
                   "but no extension agreed (RFC 6455 §5.2)")


@pytest.mark.parametrize("opcode", [0x3, 0x7, 0xB, 0xF])
def test_unknown_opcodes_are_refused(exercise, opcode):
    assert_refused(exercise, masked(opcode, b""), 1002,
                   f"opcode {opcode:#x} (reserved, RFC 6455 §5.2)")


def test_fragmented_control_frame_is_refused(exercise):
    assert_refused(exercise, masked(PING, b"p", fin=False), 1002,
                   "a ping with FIN = 0 (control frames are never fragmented, §5.5)")


@pytest.mark.parametrize("opcode", [PING, CLOSE])
def test_long_control_frame_is_refused(exercise, opcode):
    assert_refused(exercise, masked(opcode, b"x" * 126), 1002,
                   f"a control frame (opcode {opcode:#x}) of 126 bytes (at most 125, §5.5)")


def test_long_data_frames_are_fine(exercise):
    got = exercise.decode_frame(masked(TEXT, b"x" * 126))
    assert got is not None and got[2] == b"x" * 126, (
        "a 126-byte TEXT frame is valid: the 125-byte limit is for control frames only; "
        f"got {got!r:.80}")


def test_64_bit_length_with_top_bit_is_refused(exercise):
    frame = bytes([0x82, 0x80 | 127]) + (1 << 63 | 5).to_bytes(8, "big") + KEY + b"x" * 5
    assert_refused(exercise, frame, 1002, "a 64-bit length with its most significant bit set")


def test_too_big_is_refused_from_the_header_alone(exercise):
    limit = exercise.MAX_PAYLOAD
    header_only = bytes([0x82, 0x80 | 127]) + (limit + 1).to_bytes(8, "big") + KEY
    assert_refused(exercise, header_only, 1009,
                   f"a frame announcing {limit + 1} bytes (over MAX_PAYLOAD; raise as soon as "
                   "the length is known, before the payload arrives)")


def test_exactly_max_payload_is_fine(exercise):
    limit = exercise.MAX_PAYLOAD
    got = exercise.decode_frame(masked(BINARY, b"z" * limit))
    assert got is not None and len(got[2]) == limit, (
        f"a frame of exactly MAX_PAYLOAD ({limit}) bytes is allowed; got "
        f"{'None' if got is None else len(got[2])}")
