"""The admin works in all five reference languages, Persian right-to-left."""

import pytest

from catalog.languages import language_codes
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["en", "tr", "fi", "az", "fa"])
def test_the_admin_index_speaks_the_chosen_language(client, code):
    client.force_login(make_user("root", superuser=True))
    client.post("/i18n/setlang/", {"language": code, "next": "/admin/"})
    response = client.get("/admin/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'lang="{code}"' in html
    assert ('dir="rtl"' in html) == (code == "fa")
    assert 'name="language"' in html  # the switcher is on every page


def test_every_configured_language_is_offered(client):
    response = client.get("/admin/login/")
    html = response.content.decode()
    for code in language_codes():
        assert f'value="{code}"' in html


def test_admin_pages_load_nothing_from_the_internet(client):
    """Translation tabs and every script and stylesheet are served by this site."""
    import re

    from django.contrib import admin

    client.force_login(make_user("root", superuser=True))
    for model in admin.site._registry:
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/add/"
        html = client.get(url).content.decode()
        external = re.findall(r'(?:src|href)="((?:https?:)?//[^"]+)"', html)
        assert external == [], url
