"""Test data built through the catalog services, so tests exercise the real write path."""

import io
import itertools

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog.models import (
    Attribute,
    AttributeOption,
    Audience,
    Category,
    Channel,
    Family,
    FamilyAttribute,
    FamilyChannelRequirement,
)
from catalog.services.products import product_create
from catalog.services.roles import roles_ensure_groups

_counter = itertools.count(1)


def make_channel(code="web", *, kind="web", locales=("en", "tr", "fi", "az", "fa"), currency="EUR"):
    return Channel.objects.create(
        code=code, name_en=code.title(), kind=kind, locales=list(locales), currency=currency
    )


def make_audience(code="end-customer", *, is_public=False):
    return Audience.objects.create(code=code, name_en=code.title(), is_public=is_public)


def make_category(code, *, parent=None, **names):
    return Category.objects.create(code=code, parent=parent, name_en=code.title(), **names)


def make_attribute(code, type="text", *, options=(), **fields):
    attribute = Attribute.objects.create(code=code, label_en=code.title(), type=type, **fields)
    for position, option in enumerate(options):
        AttributeOption.objects.create(
            attribute=attribute, code=option, label_en=option.title(), position=position
        )
    return attribute


def make_family(code="lamps", *, attributes=(), requirements=None):
    """``requirements``: {channel: {"attributes": [...], "fields": [...], "roles": [...]}}."""
    family = Family.objects.create(code=code, name_en=code.title())
    for position, attribute in enumerate(attributes):
        FamilyAttribute.objects.create(family=family, attribute=attribute, position=position)
    for channel, rule in (requirements or {}).items():
        requirement = FamilyChannelRequirement.objects.create(
            family=family,
            channel=channel,
            translated_fields=list(rule.get("fields", [])),
            asset_roles=list(rule.get("roles", [])),
        )
        # One by one: the link order (what "missing" lists follow) is then the given order,
        # whatever the ids (add() of several goes through a set).
        for attribute in rule.get("attributes", []):
            requirement.attributes.add(attribute)
    return family


def make_product(family, *, sku=None, channels=(), names=None, values=None, **fields):
    return product_create(
        sku=sku or f"SKU-{next(_counter):05d}",
        family=family,
        texts={"name": names or {"en": "Desk lamp"}},
        values=values or {},
        channels=channels,
        **fields,
    )


def value(data, locale=None, channel=None):
    return [{"locale": locale, "channel": channel, "data": data}]


def image_bytes(fmt="PNG", size=(64, 48), color=(200, 40, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


def pdf_bytes(pages=1, *, password=""):
    """A real PDF (pypdf writes it), optionally locked with a user password."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _page in range(pages):
        writer.add_blank_page(width=200, height=200)
    if password:
        writer.encrypt(user_password=password, owner_password="owner", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image_upload(name="lamp.png", fmt="PNG", **kwargs):
    return SimpleUploadedFile(name, image_bytes(fmt, **kwargs), content_type="image/png")


def make_user(username, *, role=None, languages=None, superuser=False):
    user_model = get_user_model()
    if superuser:
        return user_model.objects.create_superuser(username, f"{username}@example.com", "pw")
    user = user_model.objects.create_user(username, f"{username}@example.com", "pw", is_staff=True)
    if role:
        user.groups.add(roles_ensure_groups()[role])
    if languages is not None:
        from catalog.models import EditorProfile

        EditorProfile.objects.create(user=user, languages=list(languages))
    return user


def admin_form_data(response, **overrides) -> dict:
    """The POST data a browser would send for the admin form in ``response``, changed by
    ``overrides`` (None removes a key). Inline management forms are included."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(value)
    for formset in response.context.get("inline_admin_formsets", []):
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = str(management[name].value())
        for inline_form in formset.formset.forms:
            for name, field in inline_form.fields.items():
                value = inline_form[name].value()
                if value is None or field.disabled:
                    continue
                key = inline_form.add_prefix(name)
                if isinstance(value, (list, tuple)):
                    data[key] = [str(v) for v in value]
                elif isinstance(value, bool):
                    if value:
                        data[key] = "on"
                else:
                    data[key] = str(value)
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data
