"""The registry's ID and phone numbers are encrypted at rest (core/crypto.py, ADR 0026): no
clear value in the table, rotation with `gridgov reencrypt`, existing rows encrypted by the
data migration, the bulk import writes ciphertext and stays idempotent."""

import datetime

import pytest
from django.core.management import call_command

from gridgov.core import crypto
from gridgov.registry.identity import make_resident_id

ID = make_resident_id("430702", datetime.date(1980, 1, 1), 11)


@pytest.fixture
def keys(settings):
    old, new = crypto.generate_key(), crypto.generate_key()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    return settings, old, new


def test_registry_person_is_stored_encrypted_and_reencrypt_rotates(keys, tree, admin_user, capsys):
    from django.db import connection

    from gridgov.registry import actions
    from gridgov.registry.models import Person

    settings, old, new = keys
    p = actions.register_person(actor=admin_user, grid=tree["430702004001001"], data={
        "name": "加密", "id_number": ID, "phone": "13807360001"})
    with connection.cursor() as cur:  # what a dump or a backup holds
        cur.execute("SELECT id_number_enc, phone_enc FROM registry_person WHERE id = %s", [p.pk])
        stored = " ".join(cur.fetchone())
    assert ID not in stored and "13807360001" not in stored
    assert Person.objects.get(pk=p.pk).id_number_plain == ID
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    call_command("reencrypt")
    assert "registry.person.id_number_enc: 已重新加密 1 行" in capsys.readouterr().out
    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key removed after re-encrypting
    p = Person.objects.get(pk=p.pk)
    assert p.id_number_plain == ID and p.phone_plain == "13807360001"
    call_command("reencrypt", "--check")
    assert "待重新加密 0 行" in capsys.readouterr().out


def test_data_migration_encrypts_rows_stored_in_clear(keys, tree, admin_user):
    import importlib

    from django.apps import apps

    from gridgov.registry import actions
    from gridgov.registry.models import Person

    p = actions.register_person(actor=admin_user, grid=tree["430702004001001"], data={
        "name": "旧数据", "id_number": ID, "phone": "13807360001"})
    Person.objects.filter(pk=p.pk).update(id_number_enc=ID, phone_enc="13807360001")
    importlib.import_module("gridgov.registry.migrations.0008_encrypt_personal_numbers").encrypt_plain_rows(apps, None)
    p = Person.objects.get(pk=p.pk)
    assert p.id_number_enc != ID and p.id_number_plain == ID
    assert p.phone_plain == "13807360001"


def test_bulk_import_writes_ciphertext(place, admin_user):
    from django.db import connection

    from gridgov.core.importing import run_import
    from gridgov.registry.importers import PersonImport
    from gridgov.registry.models import Person

    from .test_import import csv, person_rows

    run_import(PersonImport(admin_user), csv(person_rows(5)), actor=admin_user, apply=True, filename="p.csv")
    with connection.cursor() as cur:
        cur.execute("SELECT id_number_enc, phone_enc FROM registry_person WHERE phone_enc <> ''")
        stored = cur.fetchall()
    assert stored and all(len(a) > 40 and len(b) > 40 for a, b in stored)
    p = Person.objects.exclude(phone_enc="").order_by("-pk").first()
    assert p.phone_plain.isdigit() and p.id_number_plain[:6].isdigit()
