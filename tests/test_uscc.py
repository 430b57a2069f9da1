"""The unified social credit code (统一社会信用代码, GB 32100-2015): the validator and the model field."""
import pytest
from django.core.exceptions import ValidationError

from pilots.choices import OrganisationType
from pilots.models import County, Organisation
from pilots.validators import uscc_check_character, validate_uscc

# Real codes, published by their holders.
VALID = ["914403001922038216", "91350100M000100Y43"]


@pytest.mark.parametrize("code", VALID)
def test_a_real_code_is_accepted(code):
    assert validate_uscc(code) is None


@pytest.mark.parametrize("first17, check", [
    ("91440300192203821", "6"),
    ("91350100M000100Y4", "3"),
    ("91A40300192203821", "E"),
    # Weighted sum ≡ 0 (mod 31): the check value is 0, not 31.
    ("9144030019220382Y", "0"),
    # Weighted sum ≡ 1 (mod 31): the check value is 30, the last character "Y".
    ("91440300192203829", "Y"),
])
def test_the_check_character_is_computed_per_gb_32100(first17, check):
    assert uscc_check_character(first17) == check


@pytest.mark.parametrize("code", ["91350100m000100y43", " 914403001922038216 ", "91350100M000100y43"])
def test_lower_case_and_surrounding_blanks_are_accepted_by_the_validator(code):
    # validate_uscc strips and upper-cases before checking.
    assert validate_uscc(code) is None


@pytest.mark.parametrize("code, error_code, message", [
    ("914403001922038217", "uscc_check", "统一社会信用代码校验位不正确，请核对。"),
    ("91350100M000100Y44", "uscc_check", "统一社会信用代码校验位不正确，请核对。"),
    ("91440300192203821", "uscc_length", "统一社会信用代码应为18位。"),
    ("9144030019220382160", "uscc_length", "统一社会信用代码应为18位。"),
    ("", "uscc_length", "统一社会信用代码应为18位。"),
    (None, "uscc_length", "统一社会信用代码应为18位。"),
    ("91440300I922038216", "uscc_charset", "统一社会信用代码只能包含数字和大写字母(不含I、O、S、V、Z)。"),
    ("91440300O922038216", "uscc_charset", "统一社会信用代码只能包含数字和大写字母(不含I、O、S、V、Z)。"),
    ("91440300S922038216", "uscc_charset", "统一社会信用代码只能包含数字和大写字母(不含I、O、S、V、Z)。"),
    ("91440300V922038216", "uscc_charset", "统一社会信用代码只能包含数字和大写字母(不含I、O、S、V、Z)。"),
    ("91440300Z922038216", "uscc_charset", "统一社会信用代码只能包含数字和大写字母(不含I、O、S、V、Z)。"),
    ("91440300i922038216", "uscc_charset", "统一社会信用代码只能包含数字和大写字母(不含I、O、S、V、Z)。"),
    ("9144030019220382-6", "uscc_charset", "统一社会信用代码只能包含数字和大写字母(不含I、O、S、V、Z)。"),
    ("91440300192203821６", "uscc_charset", "统一社会信用代码只能包含数字和大写字母(不含I、O、S、V、Z)。"),
    # The check character is right for these 17, so only the region part (3rd-8th) is wrong.
    ("91A40300192203821E", "uscc_region", "统一社会信用代码第3至8位应为行政区划代码。"),
])
def test_a_malformed_code_is_rejected_with_its_reason(code, error_code, message):
    with pytest.raises(ValidationError) as caught:
        validate_uscc(code)
    assert caught.value.code == error_code
    assert caught.value.messages == [message]


def _organisation(credit_code):
    return Organisation(
        name="宜州区测试单位", org_type=OrganisationType.SCHOOL,
        county=County.objects.get(code="yizhou"), credit_code=credit_code,
        contact_name="联系人", contact_phone="0778-3100000",
    )


@pytest.mark.parametrize("code", ["914403001922038217", "91A40300192203821E", "9144030019220382"])
def test_an_organisation_with_a_bad_code_does_not_validate(db, code):
    organisation = _organisation(code)
    with pytest.raises(ValidationError) as caught:
        organisation.full_clean()
    assert list(caught.value.message_dict) == ["credit_code"]


def test_an_organisation_with_a_wrong_check_digit_gets_the_check_message(db):
    with pytest.raises(ValidationError) as caught:
        _organisation("914403001922038217").full_clean()
    assert caught.value.message_dict == {"credit_code": ["统一社会信用代码校验位不正确，请核对。"]}


@pytest.mark.parametrize("code, stored", [
    ("914403001922038216", "914403001922038216"),
    ("91350100M000100Y43", "91350100M000100Y43"),
    ("91350100m000100y43", "91350100M000100Y43"),
])
def test_an_organisation_with_a_valid_code_validates_and_keeps_it_upper_case(db, code, stored):
    organisation = _organisation(code)
    assert organisation.full_clean() is None
    assert organisation.credit_code == stored
