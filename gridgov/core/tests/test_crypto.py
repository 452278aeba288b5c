"""Encryption at rest of the `*_enc` columns (core/crypto.py, ADR 0026): nothing is stored in
clear, keys rotate with `gridgov reencrypt`, the column name is bound to the value."""

import pytest

from gridgov.core import crypto


@pytest.fixture
def keys(settings):
    old, new = crypto.generate_key(), crypto.generate_key()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    return settings, old, new


def test_round_trip_and_fresh_nonce(keys):
    a = crypto.encrypt("430702198001010011", "registry.person.id_number_enc")
    b = crypto.encrypt("430702198001010011", "registry.person.id_number_enc")
    assert a != b and "430702" not in a and len(a) <= 128
    assert crypto.decrypt(a, "registry.person.id_number_enc") == "430702198001010011"
    assert crypto.encrypt("", "x") == "" and crypto.decrypt("", "x") == ""


def test_a_value_moved_to_another_column_does_not_decrypt(keys):
    token = crypto.encrypt("13807360001", "registry.person.phone_enc")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, "registry.person.id_number_enc")


def test_rotation_old_key_still_decrypts_until_reencrypted(keys):
    settings, old, new = keys
    token = crypto.encrypt("13807360001", "c")
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    assert crypto.decrypt(token, "c") == "13807360001"
    assert not crypto.cipher().is_current(token)
    settings.FIELD_ENCRYPTION_KEYS = [new]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, "c")
