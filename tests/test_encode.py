"""Normalised identifiers, folded names, keyed encodings and the linkage key file."""

from __future__ import annotations

import os
import stat

import pytest

from reach import encode, linkkey

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("+7 701 123 45 67", "KAZ", "+77011234567"),
        ("8 (701) 123-45-67", "KAZ", "+77011234567"),
        ("87011234567", "KAZ", "+77011234567"),
        ("7011234567", "KAZ", "+77011234567"),
        ("77011234567", "KAZ", "+77011234567"),
        ("8-701-123-45-67", "KAZ", "+77011234567"),
        ("+7 (701) 123 45 67", "KGZ", "+77011234567"),
        ("77011234567", "KGZ", "+77011234567"),
        ("+7 774 000 12 34", "KAZ", "+77740001234"),
        ("87740001234", "KAZ", "+77740001234"),
        ("8 727 250 12 34", "KAZ", "+77272501234"),
        ("+996 555 123 456", "KAZ", "+996555123456"),
        ("0 555 123 456", "KGZ", "+996555123456"),
        ("0555-12-34-56", "KGZ", "+996555123456"),
        ("996555123456", "KAZ", "+996555123456"),
        ("+998 90 123 45 67", "KAZ", "+998901234567"),
        ("90 123 45 67", "UZB", "+998901234567"),
        ("998901234567", "KAZ", "+998901234567"),
        ("+992 93 123 4567", "KAZ", "+992931234567"),
        ("93 123 45 67", "TJK", "+992931234567"),
        ("00 992 93 123 45 67", "KAZ", "+992931234567"),
        (87011234567, "KAZ", "+77011234567"),
        (87011234567.0, "KAZ", "+77011234567"),  # a spreadsheet cell read as a number
        ("0555 123 456", "KG", "+996555123456"),
    ],
)
def test_phone_formats_in_use_give_the_same_e164_number(raw, country, expected):
    assert encode.phone(raw, default_country=country) == expected


@pytest.mark.parametrize(
    "raw",
    [None, "", "-", "нет", "12345", "abc", "8 700 000 00 00", "+7 701 123 45 6", float("nan")],
)
def test_what_is_not_a_phone_number_gives_none(raw):
    assert encode.phone(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Zhanar.S@Mail.RU", "zhanar.s@mail.ru"),
        ("  zhanar.s@mail.ru\u200b ", "zhanar.s@mail.ru"),
        ("mailto:ZHANAR.S@MAIL.RU", "zhanar.s@mail.ru"),
    ],
)
def test_e_mail_addresses_are_trimmed_and_lower_cased(raw, expected):
    assert encode.email(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "zhanar", "zhanar@", "@mail.ru", "a@b", "a b@mail.ru"])
def test_what_is_not_an_e_mail_address_gives_none(raw):
    assert encode.email(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("abk-1m-85", "ABK1M85"),
        (" ABK 1M 85 ", "ABK1M85"),
        ("АВК1М85", "ABK1M85"),  # typed on the Cyrillic layout: А, В, К, М look like A, B, K, M
        ("ГЛЖ2Ж90", "ГЛЖ2Ж90"),
    ],
)
def test_uic_codes_are_upper_cased_without_spaces_or_dashes(raw, expected):
    assert encode.uic(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "-", "AB", "AB#12"])
def test_what_is_not_a_uic_code_gives_none(raw):
    assert encode.uic(raw) is None


SAME_NAME = [
    ("Жумабаева Жанар", "Janar Zhumabaeva"),
    ("Жумабаева Жанар", "Zhanar Zhumabayeva"),
    ("Жумабаева Жанар", "ZHUMABAEVA  ZHANAR ERIKOVNA"),
    ("Жумабаева Жанар Ериковна", "Janar Zhumabaeva"),
    ("Жумабаева Жанар", "Zhumabaeva Zhanar Erik qyzy"),
    ("Юлия", "Yulia"),
    ("Юлия", "Iuliia"),
    ("Юлия", "Julija"),
    ("Юлия", "Yuliya"),
    ("Хасанов", "Khasanov"),
    ("Хасанов", "Hasanov"),
    ("Хасанов", "Xasanov"),
    ("Ерлан", "Yerlan"),
    ("Ерлан", "Erlan"),
    ("Қайрат", "Kairat"),
    ("Қайрат", "Qairat"),
    ("Қайрат", "Kayrat"),
    ("Әлия", "Aliya"),
    ("Әлия", "Aliia"),
    ("Әлия", "Älia"),
    ("Шынар", "Şynar"),
    ("Шынар", "Shynar"),
    ("Цой Сергей", "Sergei Tsoi"),
    ("Евгений", "Yevgeny"),
    ("Евгений", "Evgenii"),
    ("Данияр", "Daniiar"),
    ("Ғалым", "Galym"),
    ("Айгерим Садыкова", "aygerim   sadikova"),
]


@pytest.mark.parametrize(("a", "b"), SAME_NAME)
def test_common_spellings_of_one_name_fold_to_the_same_skeleton(a, b):
    assert encode.name_key(a) == encode.name_key(b)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Жумабаева Жанар Ериковна", "janar jumabaeva"),
        ("Иванов Сергей Петрович", "ivanov sergei"),
        ("Roman Arkadyevich Abramovich", "abramovich roman"),
        ("Abramovich Roman", "abramovich roman"),  # two parts: a surname, not a patronymic
        ("Нурлан Серик улы Абенов", "abenov nurlan"),
    ],
)
def test_a_patronymic_is_dropped_but_a_surname_is_kept(raw, expected):
    assert encode.name_key(raw) == expected


def test_the_patronymic_is_kept_when_asked():
    assert encode.name_key("Жумабаева Жанар Ериковна", drop_patronymic=False) == (
        "erikovna janar jumabaeva"
    )


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Жумабаева Жанар", "Zhumabaeva Zhanat"),
        ("Жумабаева Жанар", "Zhumabaevа Zanar"),
        ("Айгерим Садыкова", "Aigerim Sadykowa"),
        ("Aigerim Sadykova", "Aigerim Sadykova Sadykova"),
        ("Нурсултан Назарбаев", "Nursultan Nazarbayev"),
        ("Хасанов Рустам", "Hasanov Rustan"),
    ],
)
def test_names_one_letter_apart_have_a_dice_of_at_least_0_8(a, b):
    assert encode.dice(encode.name_bloom(KEY, a), encode.name_bloom(KEY, b)) >= 0.8


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Айгерим Садыкова", "Жанар Жумабаева"),
        ("Хасанов Рустам", "Ерлан Қайратов"),
        ("Юлия Цой", "Әлия Нурланова"),
    ],
)
def test_different_names_have_a_dice_below_0_6(a, b):
    assert encode.dice(encode.name_bloom(KEY, a), encode.name_bloom(KEY, b)) < 0.6


def test_the_same_name_under_two_keys_gives_unrelated_filters():
    name = "Жумабаева Жанар"
    assert encode.dice(encode.name_bloom(KEY, name), encode.name_bloom(OTHER_KEY, name)) < 0.7


def test_a_bloom_filter_has_the_asked_length_and_equals_itself():
    bloom = encode.name_bloom(KEY, "Janar Zhumabaeva", bits=512, k=10)
    assert len(bloom) == 64
    assert bloom == encode.name_bloom(KEY, "Жумабаева Жанар", bits=512, k=10)
    assert encode.dice(bloom, bloom) == 1.0


@pytest.mark.parametrize(("bits", "k"), [(1000, 20), (32, 20), (1024, 0), (1024, 40)])
def test_a_bloom_filter_of_an_unsupported_shape_is_refused(bits, k):
    with pytest.raises(ValueError):
        encode.name_bloom(KEY, "Janar", bits=bits, k=k)


def test_hmac_ids_differ_by_kind_and_by_key_and_are_stable():
    phone = "+77011234567"
    assert encode.hmac_id(KEY, "phone", phone) == encode.hmac_id(KEY, "phone", phone)
    assert encode.hmac_id(KEY, "phone", phone) != encode.hmac_id(OTHER_KEY, "phone", phone)
    assert encode.hmac_id(KEY, "birthyear", "1990") != encode.hmac_id(KEY, "uic", "1990")
    assert len(encode.hmac_id(KEY, "email", "a@b.kz")) == 64


def test_an_unknown_kind_of_identifier_is_refused_without_echoing_the_value():
    with pytest.raises(ValueError) as raised:
        encode.hmac_id(KEY, "name", "Жанар")
    assert "Жанар" not in str(raised.value)


@pytest.mark.parametrize(
    ("kind", "value"),
    [("phone", "+77011234567"), ("email", "zhanar.s@mail.ru"), ("uic", "ABK1M85")],
)
def test_an_hmac_id_does_not_contain_the_value(kind, value):
    encoded = encode.hmac_id(KEY, kind, value)
    assert value not in encoded
    assert value.lstrip("+") not in encoded
    assert value.lower() not in encoded.lower()


@pytest.mark.parametrize("name", ["Жумабаева Жанар", "Janar Zhumabaeva", "ZHUMABAEVA"])
def test_a_bloom_filter_does_not_contain_the_name(name):
    bloom = encode.name_bloom(KEY, name)
    for text in {name, name.lower(), encode.name_key(name), *encode.name_parts(name)}:
        for codec in ("utf-8", "utf-16-le", "cp1251", "latin-1"):
            try:
                needle = text.encode(codec)
            except UnicodeEncodeError:
                continue
            assert needle not in bloom


def test_the_key_file_is_created_private_and_then_reused(tmp_path):
    path = tmp_path / "keys" / "reach.key"
    key = linkkey.load_or_create(path)
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert linkkey.load_or_create(path) == key
    assert list(path.parent.iterdir()) == [path]  # no temporary file is left behind


def test_the_key_file_path_comes_from_reach_key_file(tmp_path, monkeypatch):
    monkeypatch.setenv("REACH_KEY_FILE", str(tmp_path / "elsewhere.key"))
    assert linkkey.key_path() == tmp_path / "elsewhere.key"
    key = linkkey.load_or_create()
    assert (tmp_path / "elsewhere.key").read_bytes() == key


def test_the_key_file_defaults_to_data_reach_key(monkeypatch):
    monkeypatch.delenv("REACH_KEY_FILE", raising=False)
    assert linkkey.key_path() == linkkey.DEFAULT_KEY_FILE
    assert str(linkkey.DEFAULT_KEY_FILE).replace(os.sep, "/") == "data/reach.key"


def test_two_key_files_hold_different_keys(tmp_path):
    assert linkkey.load_or_create(tmp_path / "a.key") != linkkey.load_or_create(tmp_path / "b.key")


@pytest.mark.skipif(os.name == "nt", reason="Windows has no group or other permission bits")
@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660])
def test_a_key_file_others_can_read_is_refused_with_a_sentence(tmp_path, mode):
    path = tmp_path / "reach.key"
    key = linkkey.load_or_create(path)
    path.chmod(mode)
    with pytest.raises(linkkey.KeyFileError, match="other users") as raised:
        linkkey.load_or_create(path)
    assert "chmod 600" in str(raised.value)
    assert key.hex() not in str(raised.value)


@pytest.mark.parametrize("content", [b"", b"short", bytes(31), bytes(33)])
def test_a_damaged_key_file_is_refused_with_a_sentence(tmp_path, content):
    path = tmp_path / "reach.key"
    path.write_bytes(content)
    path.chmod(0o600)
    with pytest.raises(linkkey.KeyFileError, match="is damaged"):
        linkkey.load_or_create(path)
    assert path.read_bytes() == content  # a damaged key is never silently replaced
