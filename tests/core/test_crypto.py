import base64
import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from cyberweek.core.crypto import DecryptionError, new_key_ring_spec, parse_key_ring


def ring(algorithm="aes-256-gcm"):
    return parse_key_ring(json.dumps(new_key_ring_spec(algorithm=algorithm)), source="test")


@pytest.mark.parametrize("algorithm", ["aes-256-gcm", "sm4-gcm"])
@given(text=st.text(max_size=300))
def test_any_text_round_trips(algorithm, text):
    keys = ring(algorithm)
    token = keys.encrypt(text, context="accounts.user.email")
    assert token.startswith(f"cw1:{keys.active.key_id}:")
    assert keys.decrypt(token, context="accounts.user.email") == text


def test_the_same_value_encrypts_differently_each_time():
    keys = ring()
    assert keys.encrypt("13812345678", context="c") != keys.encrypt("13812345678", context="c")


def test_a_value_moved_to_another_column_does_not_decrypt():
    keys = ring()
    token = keys.encrypt("secret", context="accounts.user.email")
    with pytest.raises(DecryptionError):
        keys.decrypt(token, context="accounts.user.mobile")


@pytest.mark.parametrize("algorithm", ["aes-256-gcm", "sm4-gcm"])
def test_a_tampered_value_is_refused(algorithm):
    keys = ring(algorithm)
    prefix, key_id, body = keys.encrypt("secret", context="c").split(":")
    raw = bytearray(base64.urlsafe_b64decode(body))
    raw[-1] ^= 1
    tampered = f"{prefix}:{key_id}:{base64.urlsafe_b64encode(bytes(raw)).decode()}"
    with pytest.raises(DecryptionError, match="does not authenticate"):
        keys.decrypt(tampered, context="c")


@pytest.mark.parametrize("token", ["plain text", "cw1:nokey:AAAA", "cw2:x:y", "cw1:k:!!!"])
def test_values_that_are_not_ours_are_refused(token):
    with pytest.raises(DecryptionError):
        ring().decrypt(token, context="c")


def test_an_old_key_still_decrypts_after_a_new_one_becomes_active():
    spec = new_key_ring_spec(key_id="old")
    old = parse_key_ring(json.dumps(spec), source="t")
    token = old.encrypt("李华", context="c")
    newer = new_key_ring_spec(algorithm="sm4-gcm", key_id="new")
    spec["keys"].update(newer["keys"])
    spec["active"] = "new"
    rotated = parse_key_ring(json.dumps(spec), source="t")
    assert rotated.decrypt(token, context="c") == "李华"
    assert rotated.encrypt("x", context="c").startswith("cw1:new:")


def test_blind_indexes_are_stable_keyed_and_separated_by_purpose():
    keys, other = ring(), ring()
    assert keys.blind_index("a@b.cn", purpose="email") == keys.blind_index(
        "a@b.cn", purpose="email"
    )
    assert keys.blind_index("a@b.cn", purpose="email") != keys.blind_index("a@b.cn", purpose="x")
    assert keys.blind_index("a@b.cn", purpose="email") != other.blind_index(
        "a@b.cn", purpose="email"
    )
    sm3 = ring("sm4-gcm")
    assert sm3.index_algorithm == "hmac-sm3"
    assert len(sm3.blind_index("a", purpose="p")) == 64


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda s: s.pop("index"), "a key ring is JSON"),
        (lambda s: s.update(active="missing"), "active key 'missing' is not in 'keys'"),
        (lambda s: next(iter(s["keys"].values())).update(algorithm="des"), "unknown algorithm"),
        (lambda s: next(iter(s["keys"].values())).update(key="c2hvcnQ="), "must be 32 bytes"),
        (lambda s: next(iter(s["keys"].values())).update(key="***"), "not valid base64"),
        (lambda s: s["index"].update(key="c2hvcnQ="), "at least 32 bytes"),
        (lambda s: s["index"].update(algorithm="md5"), "unknown index algorithm"),
    ],
)
def test_a_bad_key_ring_is_refused_with_the_reason(mutate, message):
    spec = new_key_ring_spec()
    mutate(spec)
    with pytest.raises(ImproperlyConfigured, match=message):
        parse_key_ring(json.dumps(spec), source="CYBERWEEK_KEYS")


def test_a_key_ring_that_is_not_json_is_refused():
    with pytest.raises(ImproperlyConfigured, match="CYBERWEEK_KEYS: a key ring is JSON"):
        parse_key_ring("{not json", source="CYBERWEEK_KEYS")
