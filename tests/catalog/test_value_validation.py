"""Attribute values are validated against the family, naming attribute, locale and channel."""

import pytest
from django.core.exceptions import ValidationError

from catalog.services.values import sanitize_rich_text, value_schema_for_family, values_clean
from tests.factories import make_attribute, make_family, value


@pytest.fixture
def schema(web):
    family = make_family(
        "all-types",
        attributes=[
            make_attribute("title", "text", is_localizable=True, max_length=10),
            make_attribute("body", "rich_text", is_localizable=True),
            make_attribute("code", "text", pattern=r"[A-Z]{2}-\d{3}"),
            make_attribute("watts", "integer", min_value=1, max_value=2000),
            make_attribute("weight", "decimal", unit="kg", decimal_places=2, min_value=0),
            make_attribute("dimmable", "boolean"),
            make_attribute("launch", "date"),
            make_attribute("colour", "select", options=("red", "blue")),
            make_attribute("rooms", "multi_select", options=("kitchen", "bath", "office")),
            make_attribute("manual_url", "url"),
            make_attribute("web_note", "text", is_scopable=True),
            make_attribute("drawing", "media"),
        ],
    )
    return value_schema_for_family(family)


def errors_of(schema, values, **kwargs):
    with pytest.raises(ValidationError) as caught:
        values_clean(schema=schema, values=values, **kwargs)
    return caught.value.error_dict["values"]


def test_valid_values_are_normalized(schema):
    """Numbers, booleans, dates and option lists come back in one canonical form."""
    cleaned = values_clean(
        schema=schema,
        values={
            "title": value("Lamba", locale="tr"),
            "watts": value("60"),
            "weight": value("1,50"),
            "dimmable": value("yes"),
            "launch": value("2026-03-01"),
            "colour": value("red"),
            "rooms": value("kitchen, office"),
            "web_note": value("Only online", channel="web"),
            "drawing": value(7),
        },
        media_ids=[7],
    )
    assert cleaned["watts"][0]["data"] == 60
    assert cleaned["weight"][0]["data"] == "1.5"
    assert cleaned["dimmable"][0]["data"] is True
    assert cleaned["rooms"][0]["data"] == ["kitchen", "office"]
    assert cleaned["title"] == [{"locale": "tr", "channel": None, "data": "Lamba"}]


def test_empty_data_means_no_value(schema):
    assert values_clean(schema=schema, values={"title": value("", locale="fi")}) == {}


def test_unknown_attribute_is_named(schema):
    (error,) = errors_of(schema, {"lumens": value(800)})
    assert "lumens" in error.message % error.params or "lumens" in str(error.message)
    assert error.code == "unknown_attribute"
    assert error.params["attribute"] == "lumens"


@pytest.mark.parametrize(
    ("values", "code", "locale", "channel"),
    [
        ({"watts": value("sixty")}, "wrong_type", None, None),
        ({"watts": value(5000)}, "above_max", None, None),
        ({"watts": value(0)}, "below_min", None, None),
        ({"watts": value(True)}, "wrong_type", None, None),
        ({"weight": value("1.234")}, "too_precise", None, None),
        ({"weight": value("-1")}, "below_min", None, None),
        ({"title": value("x" * 11, locale="fi")}, "too_long", "fi", None),
        ({"code": value("ab-123")}, "pattern", None, None),
        ({"colour": value("green")}, "unknown_option", None, None),
        ({"rooms": value(["garage"])}, "unknown_option", None, None),
        ({"launch": value("01/03/2026")}, "wrong_type", None, None),
        ({"manual_url": value("javascript:alert(1)")}, "invalid_url", None, None),
        ({"dimmable": value("maybe")}, "wrong_type", None, None),
        ({"title": value("Lamp")}, "missing_locale", None, None),
        ({"title": value("Lamp", locale="de")}, "unknown_locale", "de", None),
        ({"watts": value(60, locale="en")}, "unexpected_locale", "en", None),
        ({"web_note": value("x")}, "missing_channel", None, None),
        ({"web_note": value("x", channel="nowhere")}, "unknown_channel", None, "nowhere"),
        ({"watts": value(60, channel="web")}, "unexpected_channel", None, "web"),
        ({"drawing": value(99)}, "unknown_asset", None, None),
    ],
)
def test_each_bad_value_gets_a_specific_error(schema, values, code, locale, channel):
    """The error carries a code and names the attribute, locale and channel."""
    (error,) = errors_of(schema, values, media_ids=[7])
    attribute = next(iter(values))
    assert error.code == code
    assert error.params == {"attribute": attribute, "locale": locale, "channel": channel}
    assert error.message.startswith(attribute)
    if locale:
        assert locale in error.message


def test_every_problem_is_reported_at_once(schema):
    errors = errors_of(schema, {"watts": value("x"), "colour": value("green"), "nope": value(1)})
    assert {e.params["attribute"] for e in errors} == {"watts", "colour", "nope"}


def test_the_same_locale_twice_is_refused(schema):
    entries = value("A", locale="fi") + value("B", locale="fi")
    (error,) = errors_of(schema, {"title": entries})
    assert error.code == "duplicate"


@pytest.mark.parametrize("values", [["weight"], "weight", 12])
def test_values_must_be_an_object(schema, values):
    with pytest.raises(ValidationError):
        values_clean(schema=schema, values=values)


def test_rich_text_is_sanitized(schema):
    """Scripts and event handlers never reach a template."""
    cleaned = values_clean(
        schema=schema,
        values={"body": value('<p onclick="x()">Hi<script>alert(1)</script></p>', locale="en")},
    )
    assert cleaned["body"][0]["data"] == "<p>Hi</p>"
    assert "javascript" not in sanitize_rich_text('<a href="javascript:alert(1)">x</a>')


def test_only_select_attributes_have_options(db):
    from catalog.models import AttributeOption

    weight = make_attribute("weight", "decimal")
    with pytest.raises(ValidationError) as caught:
        AttributeOption(attribute=weight, code="heavy", label_en="Heavy").full_clean()
    assert "only select attributes have options" in caught.value.messages[0]
    colour = make_attribute("colour", "select", options=("red",))
    colour.type = "text"
    with pytest.raises(ValidationError) as caught:
        colour.full_clean()
    assert "type" in caught.value.message_dict


@pytest.mark.parametrize("data", ["1e400", "NaN", "sNaN", "Infinity", "1" * 19, float("inf")])
def test_number_values_are_finite_and_bounded(schema, data):
    """NaN, infinity and numbers beyond 18 digits are refused by name before any rounding."""
    with pytest.raises(ValidationError) as caught:
        values_clean(
            schema=schema, values={"weight": [{"locale": None, "channel": None, "data": data}]}
        )
    (error,) = caught.value.error_dict["values"]
    assert error.code == "out_of_range" and error.params["attribute"] == "weight"
    assert "finite number with at most 18 digits" in error.message


def test_integer_values_are_bounded_before_conversion(db):
    from catalog.services.values import value_schema_for_attributes

    count = make_attribute("count", "integer")
    schema = value_schema_for_attributes([count])
    for data in ("1e400", "sNaN", "1" * 19):
        with pytest.raises(ValidationError) as caught:
            values_clean(
                schema=schema, values={"count": [{"locale": None, "channel": None, "data": data}]}
            )
        assert caught.value.error_dict["values"][0].code == "out_of_range"
    cleaned = values_clean(
        schema=schema, values={"count": [{"locale": None, "channel": None, "data": "9" * 18}]}
    )
    assert cleaned["count"][0]["data"] == int("9" * 18)


def test_text_values_refuse_nul_characters(schema):
    with pytest.raises(ValidationError) as caught:
        values_clean(
            schema=schema, values={"title": [{"locale": "fi", "channel": None, "data": "a\x00"}]}
        )
    (error,) = caught.value.error_dict["values"]
    assert error.code == "null_character" and error.params["locale"] == "fi"
