"""Long work is written in short transactions, so SQLite's single write lock is never held
for long (scans and edits would wait): completeness recomputes and admin bulk actions."""

import pytest
from django.db import connection
from django.urls import reverse

from catalog.admin import product as product_admin
from catalog.models import Category, Completeness, Product
from catalog.services import completeness
from catalog.services.completeness import completeness_recompute
from tests.factories import make_product, make_user

CHANGELIST = "admin:catalog_product_changelist"


def test_a_chunk_stays_small_enough_for_a_short_transaction():
    """200 products (~3,000 rows) were measured well under 200 ms per transaction; 2,000 took
    up to a second on the 2-core bench machine."""
    assert completeness.CHUNK_SIZE <= 250
    assert product_admin.BULK_BATCH <= 50


@pytest.mark.django_db(transaction=True)
def test_a_full_recompute_writes_each_chunk_in_its_own_transaction(lamp_family, web, monkeypatch):
    monkeypatch.setattr(completeness, "CHUNK_SIZE", 3)
    products = [make_product(lamp_family, channels=[web]) for _ in range(8)]
    expected = {
        (r.product_id, r.channel_id, r.locale): (r.ratio, r.missing)
        for r in Completeness.objects.all()
    }
    Completeness.objects.all().delete()
    stores = []
    real_store = completeness._store

    def spy(ids, computed):
        stores.append((len(ids), connection.in_atomic_block))
        real_store(ids, computed)

    monkeypatch.setattr(completeness, "_store", spy)
    assert completeness_recompute() == len(products)
    assert [size for size, _ in stores] == [3, 3, 2]
    assert not any(in_transaction for _, in_transaction in stores), (
        "each chunk commits on its own; none is written inside one long transaction"
    )
    assert {
        (r.product_id, r.channel_id, r.locale): (r.ratio, r.missing)
        for r in Completeness.objects.all()
    } == expected


def test_bulk_category_assignment_commits_in_batches(client, lamp_family, web, monkeypatch):
    """Every selected product gets the category, written in batches of BULK_BATCH products."""
    monkeypatch.setattr(product_admin, "BULK_BATCH", 4)
    products = [make_product(lamp_family, channels=[web]) for _ in range(10)]
    indoor = Category.objects.create(code="indoor", name_en="Indoor")
    batches = []
    real = product_admin.product_assign_categories

    def spy(*, products, **kwargs):
        batches.append(len(products))
        return real(products=products, **kwargs)

    monkeypatch.setattr(product_admin, "product_assign_categories", spy)
    client.force_login(make_user("eddie", role="editor"))
    response = client.post(
        reverse(CHANGELIST),
        {
            "action": "assign_categories",
            "_selected_action": [p.pk for p in products],
            "categories": [indoor.pk],
            "apply": "1",
        },
    )
    assert response.status_code == 302
    assert batches == [4, 4, 2]
    assert Product.objects.filter(categories=indoor).count() == 10


def test_bulk_deletion_deletes_every_selected_product_in_batches(
    client, lamp_family, web, monkeypatch
):
    monkeypatch.setattr(product_admin, "BULK_BATCH", 3)
    products = [make_product(lamp_family, channels=[web]) for _ in range(7)]
    keep = make_product(lamp_family, channels=[web])
    deleted = []
    real = product_admin.admin.ModelAdmin.delete_queryset

    def spy(self, request, queryset):
        deleted.append(queryset.count())
        return real(self, request, queryset)

    monkeypatch.setattr(product_admin.admin.ModelAdmin, "delete_queryset", spy)
    client.force_login(make_user("boss", superuser=True))
    response = client.post(
        reverse(CHANGELIST),
        {"action": "delete_selected", "_selected_action": [p.pk for p in products], "post": "yes"},
    )
    assert response.status_code == 302
    assert deleted == [3, 3, 1]
    assert list(Product.objects.values_list("pk", flat=True)) == [keep.pk]


@pytest.mark.django_db(transaction=True)
def test_a_family_wide_recompute_inside_a_transaction_runs_after_the_commit_in_chunks(
    lamp_family, web, monkeypatch
):
    """An admin save of a family's requirements does not measure thousands of products inside
    its own transaction: they are measured after the commit, one short transaction per chunk."""
    from django.db import transaction

    monkeypatch.setattr(completeness, "CHUNK_SIZE", 3)
    for _ in range(8):
        make_product(lamp_family, channels=[web])
    Completeness.objects.all().delete()
    stores = []
    real_store = completeness._store

    def spy(ids, computed):
        stores.append((len(ids), connection.in_atomic_block))
        real_store(ids, computed)

    monkeypatch.setattr(completeness, "_store", spy)
    with transaction.atomic():
        completeness_recompute(family_ids=[lamp_family.pk])
        assert stores == [], "nothing is measured inside the caller's transaction"
    assert stores == [(3, False), (3, False), (2, False)]
    assert Completeness.objects.count() == 8 * len(web.locales)


@pytest.mark.django_db(transaction=True)
def test_a_recompute_of_one_chunk_joins_the_callers_transaction(lamp_family, web, monkeypatch):
    from django.db import transaction

    monkeypatch.setattr(completeness, "CHUNK_SIZE", 3)
    for _ in range(2):
        make_product(lamp_family, channels=[web])
    Completeness.objects.all().delete()
    with transaction.atomic():
        completeness_recompute(family_ids=[lamp_family.pk])
        assert Completeness.objects.count() == 2 * len(web.locales)
