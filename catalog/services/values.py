"""Validation of family attribute values: one path for admin, API and import.

Values use one stable shape everywhere (Akeneo's):
``{"weight": [{"locale": None, "channel": None, "data": "1.25"}], ...}``.
``locale`` is set only for localizable attributes, ``channel`` only for per-channel ones.
"""

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import nh3
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext as _

from catalog.languages import language_codes
from catalog.models import Attribute, AttributeType, Channel

RICH_TEXT_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "sub",
    "sup",
}
RICH_TEXT_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan"}, "th": {"colspan"}}


def sanitize_rich_text(html: str) -> str:
    """Keep editorial markup only: no scripts, styles, event handlers or foreign URLs schemes."""
    if not html:
        return ""  # most translated fields are empty: skip the parser
    return nh3.clean(
        html or "",
        tags=RICH_TEXT_TAGS,
        attributes=RICH_TEXT_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    ).strip()


# Digits of a number attribute's value: the same bound as its minimum and maximum fields, so
# every value can be compared with them and stays exact in JSON clients (JavaScript too).
VALUE_MAX_DIGITS = 18


def decimal_check(number: Decimal, *, max_digits: int, decimal_places: int) -> None:
    """A finite number whose whole part fits ``max_digits - decimal_places`` digits.

    The one rule for prices and number values (API, admin, import): NaN, infinity and
    numbers like 1e400 are refused here, before anything rounds or stores them.
    """
    whole_digits = max_digits - decimal_places
    if not number.is_finite() or (number != 0 and number.adjusted() >= whole_digits):
        raise ValidationError(
            _(
                "must be a finite number with at most %(digits)s digits "
                "(%(whole)s before the decimal point)."
            )
            % {"digits": max_digits, "whole": whole_digits},
            code="out_of_range",
        )


def text_fields_check(*, instance: models.Model) -> dict[str, list[ValidationError]]:
    """Every text field of ``instance`` within its max_length and free of NUL characters:
    the errors by field name.

    Covers the translated copies (``name_fi``) too and names their language, so the
    admin, the API and imports refuse such text the same way instead of storing it
    (SQLite) or failing in the database (PostgreSQL refuses both).
    """
    errors: dict[str, list[ValidationError]] = {}
    fields = instance._meta.concrete_fields
    # modeltranslation's original field only mirrors the active language's copy: its copies
    # are checked instead (and name their language).
    mirrors = {f.translated_field.name for f in fields if hasattr(f, "translated_field")}
    for field in fields:
        if not isinstance(field, models.CharField | models.TextField) or field.name in mirrors:
            continue
        value = getattr(instance, field.attname)
        if not isinstance(value, str):
            continue
        language = getattr(field, "language", None)  # modeltranslation's per-language copy
        label = getattr(getattr(field, "translated_field", field), "verbose_name", field.name)
        if "\x00" in value:
            errors[field.attname] = [nul_error(str(label), language)]
            continue
        if not field.max_length or len(value) <= field.max_length:
            continue
        params = {"field": str(label), "max": field.max_length, "length": len(value)}
        if language:
            message = _(
                "%(field)s (%(language)s): at most %(max)s characters; this one has %(length)s."
            ) % {**params, "language": language}
        else:
            message = _("%(field)s: at most %(max)s characters; this one has %(length)s.") % params
        errors[field.attname] = [
            ValidationError(message, code="too_long", params={"locale": language})
        ]
    return errors


def nul_error(where: str, language: str | None = None) -> ValidationError:
    """NUL characters are invisible and PostgreSQL cannot store them: refused everywhere."""
    if language:
        message = _("%(field)s (%(language)s): contains a NUL character (\\0).") % {
            "field": where,
            "language": language,
        }
    else:
        message = _("%(field)s: contains a NUL character (\\0).") % {"field": where}
    return ValidationError(message, code="null_character", params={"locale": language})


def localized_texts_clean(
    *, texts, fields: Iterable[str], locales: Iterable[str] | None = None
) -> dict[str, dict[str, str]]:
    """``{field: {language: text}}`` checked: known fields, known languages, text values.

    Anything else (a list, a number, a nested object) is refused with an error that
    names the field and the language, instead of being stored as its Python repr.
    None means empty text.
    """
    if texts in (None, ""):
        return {}
    if not isinstance(texts, Mapping):
        raise ValidationError(
            {
                "texts": ValidationError(
                    _("Expected an object keyed by field name."), "invalid_shape"
                )
            }
        )
    known_fields = set(fields)
    known = set(locales if locales is not None else language_codes())
    errors: dict[str, list[ValidationError]] = {}
    cleaned: dict[str, dict[str, str]] = {}
    for field, by_language in texts.items():
        if field not in known_fields:
            errors.setdefault(str(field), []).append(
                ValidationError(
                    _("“%(field)s” is not a translated field.") % {"field": field},
                    code="unknown_field",
                )
            )
            continue
        if not isinstance(by_language, Mapping):
            errors.setdefault(field, []).append(
                ValidationError(
                    _("%(field)s: expected an object of texts keyed by language code.")
                    % {"field": field},
                    code="invalid_shape",
                )
            )
            continue
        for code, text in by_language.items():
            if code not in known:
                errors.setdefault(f"{field}_{code}" if isinstance(code, str) else field, []).append(
                    ValidationError(
                        _("%(field)s: unknown language “%(language)s”.")
                        % {"field": field, "language": code},
                        code="unknown_locale",
                        params={"locale": code},
                    )
                )
            elif text is not None and not isinstance(text, str):
                errors.setdefault(f"{field}_{code}", []).append(
                    ValidationError(
                        _("%(field)s (%(language)s): expected text.")
                        % {"field": field, "language": code},
                        code="wrong_type",
                        params={"locale": code},
                    )
                )
            elif text and "\x00" in text:
                errors.setdefault(f"{field}_{code}", []).append(nul_error(field, code))
            else:
                cleaned.setdefault(field, {})[code] = text or ""
    if errors:
        raise ValidationError(errors)
    return cleaned


@dataclass(frozen=True)
class ValueSchema:
    """Everything needed to validate values for one family, loaded once."""

    attributes: Mapping[str, Attribute]
    options: Mapping[str, frozenset[str]]
    channel_codes: frozenset[str]
    locales: frozenset[str]


def value_schema_for_family(family) -> ValueSchema:
    attributes = {a.code: a for a in family.attributes.all()}
    return value_schema_for_attributes(attributes.values())


def value_schema_for_attributes(attributes: Iterable[Attribute]) -> ValueSchema:
    by_code = {a.code: a for a in attributes}
    select_ids = {
        a.pk: a.code
        for a in by_code.values()
        if a.type in (AttributeType.SELECT, AttributeType.MULTI_SELECT)
    }
    options: dict[str, set[str]] = {code: set() for code in select_ids.values()}
    if select_ids:
        from catalog.models import AttributeOption

        for attribute_id, code in AttributeOption.objects.filter(
            attribute_id__in=select_ids
        ).values_list("attribute_id", "code"):
            options[select_ids[attribute_id]].add(code)
    return ValueSchema(
        attributes=by_code,
        options={k: frozenset(v) for k, v in options.items()},
        channel_codes=frozenset(Channel.objects.values_list("code", flat=True)),
        locales=frozenset(language_codes()),
    )


def _error(message: str, code: str, attribute: str, locale=None, channel=None) -> ValidationError:
    return ValidationError(
        message, code=code, params={"attribute": attribute, "locale": locale, "channel": channel}
    )


def _where(attribute: str, locale, channel) -> str:
    parts = [attribute]
    if locale:
        parts.append(_("locale %(locale)s") % {"locale": locale})
    if channel:
        parts.append(_("channel %(channel)s") % {"channel": channel})
    return ", ".join(parts)


def values_clean(
    *, schema: ValueSchema, values, media_ids: Iterable[int] | None = None
) -> dict[str, list[dict]]:
    """Return the values normalized, or raise ValidationError listing every problem.

    Each error names the attribute, locale and channel in its message and in its params.
    Empty data (None, "", []) means "no value" and is dropped.
    """
    if values in (None, ""):
        return {}
    if not isinstance(values, Mapping):
        raise ValidationError(
            _("Attribute values must be an object keyed by attribute code."), code="invalid_shape"
        )
    allowed_media = set(media_ids) if media_ids is not None else None
    errors: list[ValidationError] = []
    cleaned: dict[str, list[dict]] = {}
    for code, entries in values.items():
        attribute = schema.attributes.get(code)
        if attribute is None:
            errors.append(
                _error(
                    _("Unknown attribute “%(attribute)s”: it is not part of this family.")
                    % {"attribute": code},
                    "unknown_attribute",
                    code,
                )
            )
            continue
        if isinstance(entries, Mapping):
            entries = [entries]
        if not isinstance(entries, list):
            errors.append(
                _error(
                    _("%(where)s: expected a list of {locale, channel, data} entries.")
                    % {"where": code},
                    "invalid_shape",
                    code,
                )
            )
            continue
        seen: set[tuple] = set()
        for entry in entries:
            result = _clean_entry(attribute, entry, schema, allowed_media, seen, errors)
            if result is not None:
                cleaned.setdefault(code, []).append(result)
    if errors:
        raise ValidationError({"values": errors})
    for entries in cleaned.values():
        entries.sort(key=lambda e: (e["channel"] or "", e["locale"] or ""))
    return cleaned


def _clean_entry(attribute, entry, schema, allowed_media, seen, errors):
    code = attribute.code
    if not isinstance(entry, Mapping) or "data" not in entry:
        errors.append(
            _error(
                _("%(where)s: each value needs “locale”, “channel” and “data”.") % {"where": code},
                "invalid_shape",
                code,
            )
        )
        return None
    locale = entry.get("locale") or None
    channel = entry.get("channel") or None
    where = _where(code, locale, channel)
    problem = _scope_problem(attribute, locale, channel, schema)
    if problem is not None:
        message, error_code = problem
        errors.append(_error(message % {"where": where}, error_code, code, locale, channel))
        return None
    key = (locale, channel)
    if key in seen:
        errors.append(
            _error(
                _("%(where)s: given twice.") % {"where": where}, "duplicate", code, locale, channel
            )
        )
        return None
    seen.add(key)
    data = entry["data"]
    if data is None or data == "" or data == []:
        return None
    try:
        data = _clean_data(attribute, data, schema, allowed_media)
    except ValidationError as exc:
        errors.append(
            _error(
                f"{where}: {exc.messages[0]}",
                exc.error_list[0].code or "invalid",
                code,
                locale,
                channel,
            )
        )
        return None
    if data is None or data == "" or data == []:
        return None
    return {"locale": locale, "channel": channel, "data": data}


def _scope_problem(attribute, locale, channel, schema) -> tuple[str, str] | None:
    """Whether (locale, channel) fits the attribute: a message template and code, or None."""
    if attribute.is_localizable and locale is None:
        return _("%(where)s: this attribute is localizable, so a locale is required."), (
            "missing_locale"
        )
    if not attribute.is_localizable and locale is not None:
        return _("%(where)s: this attribute is not localizable; leave the locale empty."), (
            "unexpected_locale"
        )
    if locale is not None and locale not in schema.locales:
        known = ", ".join(sorted(schema.locales)).replace("%", "%%")
        return _("%(where)s: unknown locale; configured locales are %(locales)s.").replace(
            "%(locales)s", known
        ), "unknown_locale"
    if attribute.is_scopable and channel is None:
        return _("%(where)s: this attribute is per channel, so a channel is required."), (
            "missing_channel"
        )
    if not attribute.is_scopable and channel is not None:
        return _("%(where)s: this attribute is not per channel; leave the channel empty."), (
            "unexpected_channel"
        )
    if channel is not None and channel not in schema.channel_codes:
        return _("%(where)s: unknown channel."), "unknown_channel"
    return None


def _clean_data(attribute, data, schema, allowed_media):
    kind = attribute.type
    if kind in (AttributeType.TEXT, AttributeType.RICH_TEXT, AttributeType.URL):
        if not isinstance(data, str):
            raise ValidationError(_("expected text."), code="wrong_type")
        if "\x00" in data:
            raise ValidationError(_("contains a NUL character (\\0)."), code="null_character")
        data = data.strip()
        if kind == AttributeType.RICH_TEXT:
            data = sanitize_rich_text(data)
        if kind == AttributeType.URL:
            try:
                URLValidator(schemes=["http", "https"])(data)
            except ValidationError:
                raise ValidationError(_("not a valid http(s) URL."), code="invalid_url") from None
        if attribute.max_length is not None and len(data) > attribute.max_length:
            raise ValidationError(
                _("longer than %(max)s characters.") % {"max": attribute.max_length},
                code="too_long",
            )
        if attribute.pattern and not re.fullmatch(attribute.pattern, data):
            raise ValidationError(
                _("does not match the pattern %(pattern)s.") % {"pattern": attribute.pattern},
                code="pattern",
            )
        return data
    if kind == AttributeType.INTEGER:
        if isinstance(data, bool):
            raise ValidationError(_("expected a whole number."), code="wrong_type")
        if isinstance(data, str):
            data = data.strip()
        try:
            number = Decimal(str(data))
        except InvalidOperation:
            raise ValidationError(_("expected a whole number."), code="wrong_type") from None
        decimal_check(number, max_digits=VALUE_MAX_DIGITS, decimal_places=0)
        if number != number.to_integral_value():
            raise ValidationError(_("expected a whole number."), code="wrong_type")
        _check_range(attribute, number)
        return int(number)
    if kind == AttributeType.DECIMAL:
        if isinstance(data, bool):
            raise ValidationError(_("expected a number."), code="wrong_type")
        if isinstance(data, str):
            data = data.strip().replace(",", ".")
        try:
            number = Decimal(str(data))
        except InvalidOperation:
            raise ValidationError(_("expected a number."), code="wrong_type") from None
        decimal_check(
            number,
            max_digits=VALUE_MAX_DIGITS,
            decimal_places=min(attribute.decimal_places, VALUE_MAX_DIGITS),
        )
        _check_range(attribute, number)
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > attribute.decimal_places:
            raise ValidationError(
                _("at most %(places)s decimal places.") % {"places": attribute.decimal_places},
                code="too_precise",
            )
        return _decimal_text(number)
    if kind == AttributeType.BOOLEAN:
        if isinstance(data, bool):
            return data
        if isinstance(data, str) and data.strip().lower() in {"1", "true", "yes"}:
            return True
        if isinstance(data, str) and data.strip().lower() in {"0", "false", "no"}:
            return False
        raise ValidationError(_("expected true or false."), code="wrong_type")
    if kind == AttributeType.DATE:
        if isinstance(data, datetime.date):
            return data.isoformat()
        try:
            return datetime.date.fromisoformat(str(data).strip()).isoformat()
        except ValueError:
            raise ValidationError(_("expected a date as YYYY-MM-DD."), code="wrong_type") from None
    if kind == AttributeType.SELECT:
        if not isinstance(data, str):
            raise ValidationError(_("expected one option code."), code="wrong_type")
        if data not in schema.options.get(attribute.code, ()):
            raise ValidationError(
                _("unknown option “%(option)s”.") % {"option": data}, code="unknown_option"
            )
        return data
    if kind == AttributeType.MULTI_SELECT:
        if isinstance(data, str):
            data = [part.strip() for part in data.split(",") if part.strip()]
        if not isinstance(data, list) or not all(isinstance(d, str) for d in data):
            raise ValidationError(_("expected a list of option codes."), code="wrong_type")
        unknown = [d for d in data if d not in schema.options.get(attribute.code, ())]
        if unknown:
            raise ValidationError(
                _("unknown option(s) %(options)s.") % {"options": ", ".join(unknown)},
                code="unknown_option",
            )
        return sorted(set(data), key=data.index)
    if kind == AttributeType.MEDIA:
        try:
            asset_id = int(data)
        except (TypeError, ValueError):
            raise ValidationError(_("expected an asset id."), code="wrong_type") from None
        if allowed_media is not None and asset_id not in allowed_media:
            raise ValidationError(
                _("asset %(id)s does not belong to this product.") % {"id": asset_id},
                code="unknown_asset",
            )
        return asset_id
    raise ValidationError(_("unsupported attribute type."), code="wrong_type")


def _check_range(attribute, number: Decimal) -> None:
    if attribute.min_value is not None and number < attribute.min_value:
        raise ValidationError(
            _("%(value)s is below the minimum %(min)s.")
            % {"value": number, "min": _decimal_text(attribute.min_value)},
            code="below_min",
        )
    if attribute.max_value is not None and number > attribute.max_value:
        raise ValidationError(
            _("%(value)s is above the maximum %(max)s.")
            % {"value": number, "max": _decimal_text(attribute.max_value)},
            code="above_max",
        )


def _decimal_text(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text


def value_lookup(values: Mapping, code: str, *, locale=None, channel=None):
    """The data stored for (attribute, locale, channel), or None."""
    for entry in values.get(code, ()):
        if entry.get("locale") == locale and entry.get("channel") == channel:
            return entry.get("data")
    return None


def values_merge(inherited: Mapping, own: Mapping) -> dict:
    """A variant's effective values: its own entries win over its model's, per locale/channel."""
    merged = {code: list(entries) for code, entries in inherited.items()}
    for code, entries in own.items():
        keys = {(e.get("locale"), e.get("channel")) for e in entries}
        kept = [e for e in merged.get(code, []) if (e.get("locale"), e.get("channel")) not in keys]
        merged[code] = kept + list(entries)
    return merged
