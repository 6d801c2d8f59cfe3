import json

import pytest
from sqlalchemy import select, text

from server.errors import Conflict, NotFound, ValidationFailed
from server.models.users import User
from server.services import users
from server.services.identity import Cipher
from tests.factories import make_user

CIPHER = Cipher.from_data_key("MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=")


def test_find_or_create_makes_a_resident_once(session):
    first = users.find_or_create(session, openid="o-new")
    again = users.find_or_create(session, openid="o-new")
    assert first.id == again.id
    assert first.roles == ["resident"]
    assert (
        session.scalar(select(User).where(User.openid == "o-new").with_only_columns(User.id))
        == first.id
    )


def test_update_profile_encrypts_and_masks(session):
    user = make_user(session)
    users.update_profile(
        session,
        user_id=user.id,
        cipher=CIPHER,
        real_name="张晓明",
        id_number="330881195001010018",
        phone="13812345678",
        region_code="330802001001",
    )
    row = session.execute(
        text("SELECT id_number_enc, id_number_hash, phone_enc, phone_hash FROM users WHERE id=:i"),
        {"i": user.id},
    ).one()
    joined = " ".join(row)
    assert "330881195001010018" not in joined and "13812345678" not in joined
    shown = users.profile(user, cipher=CIPHER)
    assert shown["id_number"] == "330881********0018"
    assert shown["phone"] == "138****5678"
    assert shown["real_name"] == "张**"
    assert shown["profile_complete"] is True


def test_every_wrong_field_is_named_and_nothing_changes(session):
    user = make_user(session, real_name="李四")
    with pytest.raises(ValidationFailed) as caught:
        users.update_profile(
            session,
            user_id=user.id,
            cipher=CIPHER,
            real_name="王",
            id_number="330802195001010013",
            phone="12345",
            region_code="999999",
        )
    assert set(caught.value.errors["json"]) == {"real_name", "id_number", "phone", "region_code"}
    session.refresh(user)
    assert user.real_name == "李四" and user.id_number_enc is None


def test_an_id_number_belongs_to_one_user(session):
    one, two = make_user(session), make_user(session)
    users.update_profile(session, user_id=one.id, cipher=CIPHER, id_number="330881195001010018")
    with pytest.raises(Conflict) as caught:
        users.update_profile(session, user_id=two.id, cipher=CIPHER, id_number="330881195001010018")
    assert caught.value.error == "id_number_taken"
    # Setting one's own number again is fine.
    users.update_profile(session, user_id=one.id, cipher=CIPHER, id_number="330881195001010018")


def test_find_by_id_number_uses_the_keyed_hash(session):
    user = make_user(session)
    users.update_profile(session, user_id=user.id, cipher=CIPHER, id_number="11010519491231002x")
    assert users.find_by_id_number(session, id_number="11010519491231002X", cipher=CIPHER) is user


def test_grant_worker_needs_a_region_of_that_level(session):
    user = make_user(session)
    with pytest.raises(ValidationFailed) as caught:
        users.grant_worker(session, openid=user.openid, level="township", region_code="330802")
    assert "region_code" in caught.value.errors["json"]
    with pytest.raises(ValidationFailed):
        users.grant_worker(session, openid=user.openid, level="chief", region_code="330802")
    with pytest.raises(NotFound):
        users.grant_worker(session, openid="nobody", level="county", region_code="330802")
    users.grant_worker(session, openid=user.openid, level="township", region_code="330802001")
    assert user.roles == ["resident", "worker"]
    assert users.principal_of(user).worker_region_code == "330802001"


def test_the_cached_entry_round_trips(session):
    user = make_user(session, is_admin=True)
    principal, shown = users.parse_cached_entry(users.cached_entry(user, cipher=CIPHER))
    assert principal == users.principal_of(user)
    assert json.loads(shown) == users.profile(user, cipher=CIPHER)


def test_a_cache_entry_that_is_not_one_reads_as_a_miss():
    assert users.parse_cached_entry('{"principal": {}, "profile": {}}') is None
    assert users.parse_cached_entry("garbage") is None
