"""phone.normalize and phone.mask: the number formats AI Flow uses, and numbers fit for logs."""

from __future__ import annotations

import pytest

from aiflow.phone import InvalidPhoneNumber, mask, normalize

FULLWIDTH_DIGITS = {ord(digit): ord(digit) + 0xFEE0 for digit in "0123456789"}  # "4" -> "\uff14" and so on


@pytest.mark.parametrize(
    "given",
    [
        "+4915790000687",
        "004915790000687",
        "4915790000687",
        "+49 157 90000687",
        "+49-157-9000-0687",
        "+49 (157) 9000.0687",
        "0049/157/90000687",
        "  +4915790000687\n",
        "\t4915790000687 ",
    ],
)
def test_international_forms_normalise_to_digits_only_e164(given: str) -> None:
    assert normalize(given) == "4915790000687"
    assert normalize(given, plus=True) == "+4915790000687"


@pytest.mark.parametrize(
    ("given", "country", "expected"),
    [
        ("015790000687", "49", "4915790000687"),
        ("0157 9000 0687", "49", "4915790000687"),
        ("0211 5566 0", "49", "4921155660"),
        ("0761 123456", "41", "41761123456"),
        ("+4915790000687", "41", "4915790000687"),  # an international number ignores the default
        ("004915790000687", "41", "4915790000687"),
    ],
)
def test_national_numbers_need_a_default_country(given: str, country: str, expected: str) -> None:
    assert normalize(given, default_country=country) == expected
    if given.startswith(("+", "00")):
        assert normalize(given) == expected
    else:
        with pytest.raises(InvalidPhoneNumber, match="national"):
            normalize(given)


@pytest.mark.parametrize("country", ["+49", "DE", "", "4 9"])
def test_default_country_must_be_a_calling_code(country: str) -> None:
    with pytest.raises(InvalidPhoneNumber):
        normalize("015790000687", default_country=country)


@pytest.mark.parametrize(
    "given",
    [
        pytest.param("", id="empty"),
        pytest.param("   ", id="blank"),
        pytest.param("+", id="plus-only"),
        pytest.param("anonymous", id="word"),
        pytest.param("+49 157 CALL ME", id="letters"),
        pytest.param("+49157900006x7", id="one-letter"),
        pytest.param("+49 157 9000 0687 ext 12", id="extension"),
        pytest.param("+" + "4915790000687".translate(FULLWIDTH_DIGITS), id="fullwidth-digits"),
        pytest.param("+123456", id="six-digits"),
        pytest.param("+4915790000687123", id="sixteen-digits"),
        pytest.param("+049157900006", id="plus-zero"),
        pytest.param("00049157900006", id="triple-zero"),
        pytest.param("++4915790000687", id="double-plus"),
        pytest.param("49+15790000687", id="inner-plus"),
    ],
)
def test_rejects_what_is_not_a_dialable_number(given: str) -> None:
    with pytest.raises(InvalidPhoneNumber):
        normalize(given)


@pytest.mark.parametrize("given", ["+49 (0)157 9000 0687", "+49 (0) 157 90000687", "0049 (0)15790000687"])
def test_trunk_zero_in_parentheses_never_yields_a_different_number(given: str) -> None:
    # "+49 (0)157 ..." is a common way to print a German number; the (0) is dialled only nationally.
    # Whether it is understood or rejected, it must never become a different, dialable number.
    try:
        normalized = normalize(given)
    except InvalidPhoneNumber:
        return
    assert normalized == "4915790000687"


@pytest.mark.parametrize("given", ["1234567", "123456789012345"])
def test_length_limits_are_inclusive(given: str) -> None:
    assert normalize(given) == given


def test_non_string_is_rejected() -> None:
    with pytest.raises(InvalidPhoneNumber):
        normalize(4915790000687)  # type: ignore[arg-type]


def test_error_messages_do_not_reveal_the_whole_number() -> None:
    with pytest.raises(InvalidPhoneNumber) as raised:
        normalize("015790000687")
    assert "015790000687" not in str(raised.value)
    assert "7900006" not in str(raised.value)


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("+4915790000687", "+4915*******87"),
        ("4915790000687", "49157******87"),
        ("12345678", "12345*78"),
        ("1234567", "*******"),
        ("123", "***"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_hides_the_middle(number: str | None, masked: str) -> None:
    assert mask(number) == masked
    if number:
        assert len(mask(number)) == len(number)


def test_mask_hides_the_subscriber_digits() -> None:
    assert "900006" not in mask("+4915790000687")
