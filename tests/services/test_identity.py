from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.services import identity
from server.services.identity import Cipher

VALID = ["11010519491231002X", "440524188001010014", "330802195001010012", "330881195001010018"]


def make_id(region: str, birth: date, sequence: int) -> str:
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + identity.id_check_char(first17)


@pytest.mark.parametrize("number", VALID)
def test_policy_examples_are_valid(number):
    assert identity.id_number_problem(number) is None


def test_lower_case_x_is_accepted():
    assert identity.id_number_problem("11010519491231002x") is None


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("33080219500101001", "18 位"),
        ("3308021950010100123", "18 位"),
        ("33080219500101001A", "前 17 位"),
        ("33080X195001010012", "前 17 位"),
        ("990802195001010012", "地区码"),
        ("330802195002300012", "出生日期不存在"),
        ("330802175001010012", "出生日期不正确"),
        ("330802195001010013", "校验位"),
    ],
)
def test_invalid_numbers_say_why(number, reason):
    assert reason in identity.id_number_problem(number)


def test_a_birth_date_in_the_future_is_refused():
    number = make_id("330802", date(2030, 1, 1), 1)
    assert "出生日期不正确" in identity.id_number_problem(number, today=date(2026, 11, 30))


ids = st.builds(
    make_id,
    st.sampled_from(["110105", "330802", "330881", "440524", "650102"]),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)),
    st.integers(min_value=0, max_value=999),
)


@given(ids)
def test_every_correctly_built_number_is_valid(number):
    assert identity.id_number_problem(number) is None


@given(ids, st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9))
def test_changing_any_one_digit_is_caught(number, position, delta):
    digit = (int(number[position]) + delta) % 10
    changed = number[:position] + str(digit) + number[position + 1 :]
    assert identity.id_number_problem(changed) is not None


@given(ids)
def test_masked_id_keeps_first_six_and_last_four_only(number):
    masked = identity.mask_id_number(number)
    assert masked == number[:6] + "*" * 8 + number[-4:]
    assert number[6:14] not in masked


def test_phone_numbers():
    assert identity.phone_problem("13812345678") is None
    for bad in ["12812345678", "1381234567", "138123456789", "138-1234-567", "abc"]:
        assert identity.phone_problem(bad) == "请填写 11 位手机号码。"
    assert identity.mask_phone("13812345678") == "138****5678"


@pytest.mark.parametrize(
    ("name", "masked"), [("张", "*"), ("张三", "张*"), ("张晓明", "张**"), ("欧阳晓明", "欧***")]
)
def test_names_keep_the_surname_only(name, masked):
    assert identity.mask_name(name) == masked


KEY = "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE="


@given(st.text(min_size=1, max_size=40))
def test_encryption_round_trips(value):
    cipher = Cipher.from_data_key(KEY)
    assert cipher.decrypt(cipher.encrypt(value)) == value


@given(st.one_of(ids, st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)))
def test_ciphertext_never_shows_the_number(value):
    token = Cipher.from_data_key(KEY).encrypt(value)
    assert value not in token and value[-8:] not in token


def test_the_same_value_encrypts_differently_but_hashes_the_same():
    cipher = Cipher.from_data_key(KEY)
    assert cipher.encrypt("13812345678") != cipher.encrypt("13812345678")
    assert cipher.lookup_hash("phone", "13812345678") == cipher.lookup_hash("phone", "13812345678")


def test_the_lookup_hash_depends_on_the_key_and_the_kind():
    one = Cipher.from_data_key(KEY)
    other = Cipher.from_data_key("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVoxMjM0NTY=")
    assert one.lookup_hash("phone", "13812345678") != other.lookup_hash("phone", "13812345678")
    assert one.lookup_hash("phone", "1") != one.lookup_hash("id_number", "1")


def test_a_short_data_key_is_refused():
    with pytest.raises(ValueError, match="32 bytes"):
        Cipher.from_data_key("c2hvcnQ=")


def test_ciphertext_from_another_key_does_not_decrypt():
    from cryptography.exceptions import InvalidTag

    token = Cipher.from_data_key(KEY).encrypt("secret")
    with pytest.raises(InvalidTag):
        Cipher.from_data_key("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVoxMjM0NTY=").decrypt(token)
