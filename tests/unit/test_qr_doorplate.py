"""Door-plate payloads: every kind of scanned text is told apart, and nothing forged ever verifies."""

from __future__ import annotations

import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from sync import doorplate as dp
from sync.doorplate import PlateStatus

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
OTHER = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
KEYS = {"K1": dp.public_key_text(KEY)}
BID = "0190a3b2-7c4d-7e8f-9a0b-1c2d3e4f5a6b"


def test_valid_payload_round_trips_and_is_alphanumeric_qr_text() -> None:
    payload = dp.make_payload(BID, KEY, "K1")
    assert payload.startswith("GP1.")
    assert set(payload) <= set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.")  # QR alphanumeric mode
    assert len(payload) <= 140
    check = dp.verify(payload, KEYS)
    assert check.status is PlateStatus.VALID and check.ok
    assert check.building_id == BID and check.key_id == "K1"


def test_upper_case_uuid_gives_the_canonical_id() -> None:
    check = dp.verify(dp.make_payload(BID.upper(), KEY, "K1"), KEYS)
    assert check.building_id == BID


@pytest.mark.parametrize("text", [
    "wxp://f2f0abcdefghijklmnopqrstuvwxyz0123",
    "https://qr.alipay.com/fkx12345abcdef",
    "https://example.com/gp1",
    "东莞市南城街道金龙新邨七巷16号",
    "",
    "GPS 22.99,113.7",
    "hello world",
])
def test_foreign_codes(text: str) -> None:
    check = dp.verify(text, KEYS)
    assert check.status is PlateStatus.FOREIGN
    assert check.building_id is None
    assert "Not a GridPad door plate" in check.message


def test_truncated_and_garbled_are_damaged() -> None:
    payload = dp.make_payload(BID, KEY, "K1")
    for cut in (4, 10, 31, 40, len(payload) - 1):
        assert dp.verify(payload[:cut], KEYS).status is PlateStatus.DAMAGED, cut
    assert dp.verify("GP1.", KEYS).status is PlateStatus.DAMAGED
    assert dp.verify("GP1.abc.K1.def", KEYS).status is PlateStatus.DAMAGED
    assert dp.verify(payload.lower(), KEYS).status is PlateStatus.DAMAGED
    assert dp.verify(payload + ".X", KEYS).status is PlateStatus.DAMAGED
    assert dp.verify("GP2." + payload[4:], KEYS).status is PlateStatus.DAMAGED


def test_signed_by_another_key_is_forged() -> None:
    forged = dp.make_payload(BID, OTHER, "K1")  # claims our key id
    check = dp.verify(forged, KEYS)
    assert check.status is PlateStatus.FORGED and not check.ok


def test_signature_of_another_building_is_forged() -> None:
    a = dp.make_payload(BID, KEY, "K1").split(".")
    b = dp.make_payload(str(uuid.uuid4()), KEY, "K1").split(".")
    spliced = ".".join([a[0], b[1], a[2], a[3]])
    assert dp.verify(spliced, KEYS).status is PlateStatus.FORGED


def test_unknown_key_and_rotation() -> None:
    new_id = dp.key_id_for(OTHER)
    payload = dp.make_payload(BID, OTHER, new_id)
    assert dp.verify(payload, KEYS).status is PlateStatus.UNKNOWN_KEY
    both = {"K1": dp.load_public_key(KEYS["K1"]), new_id: OTHER.public_key()}
    assert dp.verify(payload, both).status is PlateStatus.VALID
    assert dp.verify(dp.make_payload(BID, KEY, "K1"), both).status is PlateStatus.VALID


def test_every_status_has_its_own_message() -> None:
    assert len({dp.MESSAGES[s] for s in PlateStatus}) == len(PlateStatus)


def test_bad_inputs_to_make_payload() -> None:
    with pytest.raises(ValueError, match="key id"):
        dp.make_payload(BID, KEY, "k1")
    with pytest.raises(ValueError, match="building id"):
        dp.make_payload("not-a-uuid", KEY, "K1")


def test_key_text_helpers() -> None:
    text = dp.public_key_text(KEY)
    assert dp.public_key_text(dp.load_public_key(text)) == text
    with pytest.raises(ValueError, match="32 bytes"):
        dp.load_public_key("AAAA")
    with pytest.raises(ValueError, match="base64"):
        dp.load_public_key("not base64!")
    pem = dp.private_key_pem(KEY)
    assert dp.public_key_text(dp.load_private_key_pem(pem)) == text
    assert len(dp.key_id_for(KEY)) == 4 and dp.key_id_for(KEY) == dp.key_id_for(KEY.public_key())


PAYLOAD = dp.make_payload(BID, KEY, "K1")


@given(st.integers(0, len(PAYLOAD) * 8 - 1))
@settings(max_examples=400, deadline=None)
def test_bit_flip_anywhere_never_verifies(bit: int) -> None:
    raw = bytearray(PAYLOAD.encode("ascii"))
    raw[bit // 8] ^= 1 << (bit % 8)
    text = raw.decode("latin-1")
    status = dp.verify(text, KEYS).status
    key_id_span = range(len("GP1.") + 26 + 1, len("GP1.") + 26 + 1 + len("K1"))
    if bit // 8 in key_id_span:
        # A changed key id names a key this device does not have: say so, never VALID.
        assert status in (PlateStatus.DAMAGED, PlateStatus.UNKNOWN_KEY)
    else:
        assert status in (PlateStatus.DAMAGED, PlateStatus.FORGED)


def test_every_single_bit_flip_exhaustively() -> None:
    raw = PAYLOAD.encode("ascii")
    for i in range(len(raw)):
        for b in range(8):
            flipped = bytearray(raw)
            flipped[i] ^= 1 << b
            assert dp.verify(flipped.decode("latin-1"), KEYS).status is not PlateStatus.VALID


@given(st.text(max_size=200))
@settings(max_examples=300, deadline=None)
def test_arbitrary_text_never_verifies(text: str) -> None:
    assert dp.verify(text, KEYS).status is not PlateStatus.VALID


@given(st.uuids(), st.from_regex(r"[A-Z0-9]{1,8}", fullmatch=True))
@settings(max_examples=50, deadline=None)
def test_any_building_and_key_id_round_trip(bid: uuid.UUID, key_id: str) -> None:
    check = dp.verify(dp.make_payload(str(bid), KEY, key_id), {key_id: KEY.public_key()})
    assert check.status is PlateStatus.VALID and check.building_id == str(bid)


@given(st.uuids(), st.binary(min_size=32, max_size=32))
@settings(max_examples=50, deadline=None)
def test_any_other_key_claiming_our_key_id_is_forged(bid: uuid.UUID, seed: bytes) -> None:
    other = Ed25519PrivateKey.from_private_bytes(seed)
    if dp.public_key_text(other) == KEYS["K1"]:
        return  # the one seed that is our key
    check = dp.verify(dp.make_payload(str(bid), other, "K1"), KEYS)
    assert check.status is PlateStatus.FORGED and not check.ok
