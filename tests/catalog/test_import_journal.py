"""An import killed while applying (SIGKILL, power loss) stays all or nothing: its undo journal
is on disk, and the recovery (the worker's housekeeping, the next ``import_products``) undoes
the batches it committed, newest first, then removes the journal."""

import uuid

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db.models import F

from catalog import jobs
from catalog.models import Price, Product
from catalog.services.spreadsheet import import_undo, importing, products_import
from catalog.tasks import import_progress, import_progress_key, imports_recover_stale
from tests.catalog.test_import_transactions import csv_file, rows, snapshot
from tests.factories import make_category, make_product, make_user, value

pytestmark = pytest.mark.django_db(transaction=True)


class Killed(BaseException):
    """The process ends here: nothing after it runs (no undo, no journal removal)."""


def _die(*args, **kwargs):
    raise Killed


@pytest.fixture(autouse=True)
def _journal_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    caches["shared"].clear()
    yield
    caches["shared"].clear()


def _journals() -> list:
    folder = import_undo.journal_dir()
    return sorted(folder.glob("*.journal")) if folder.exists() else []


def _catalog(lamp_family, web):
    lighting = make_category("lighting")
    make_category("outdoor")
    for number in range(0, 12, 3):  # every 3rd row updates an existing product
        product = make_product(
            lamp_family,
            sku=f"N-{number}",
            channels=[web] if number % 2 else [],
            names={"en": f"Old {number}", "fi": "Vanha"},
            values={"weight": value("3")},
            brand="Before",
        )
        product.categories.set([lighting] if number % 2 else [])
        Price.objects.create(product=product, channel=web, currency="EUR", amount="5.00")


def _kill_in_third_batch(monkeypatch):
    """Batches of 3 rows; the process dies after the third batch's journal record is on disk
    but before that batch commits (the first two have committed)."""
    monkeypatch.setattr(importing, "_FIRST_BATCH", 3)
    monkeypatch.setattr(importing, "_MAX_BATCH", 3)
    monkeypatch.setattr(importing, "_undo", _die)
    merge = import_undo._Journal.merge
    merged = []

    def merge_then_die(journal, batch):
        merge(journal, batch)
        merged.append(batch)
        if len(merged) == 3:
            raise Killed

    monkeypatch.setattr(import_undo._Journal, "merge", merge_then_die)
    return merged


OVERRIDES = {n: {"categories": "outdoor", "price-web-EUR": "7.00"} for n in range(0, 12, 2)}


def test_the_next_import_products_undoes_an_import_killed_mid_apply(
    lamp_family, web, monkeypatch, tmp_path
):
    """The catalog ends as before the killed import (products, relations, prices,
    completeness), and the journal is gone."""
    _catalog(lamp_family, web)
    before = snapshot()
    _kill_in_third_batch(monkeypatch)
    with pytest.raises(Killed):
        products_import(fileobj=csv_file(rows(12, overrides=OVERRIDES)), name="p.csv")
    monkeypatch.undo()
    assert snapshot() != before  # two batches committed and stayed
    [journal] = _journals()
    with journal.open("ab") as handle:  # the kill also cut a record short
        handle.write(import_undo._LENGTH.pack(10_000) + b"partial")
    # The process that wrote it was this one, which lives on: only the stale bound tells.
    assert import_undo.import_journals_recover() == []
    monkeypatch.setattr(import_undo, "stale_seconds", lambda: -1)
    empty = tmp_path / "empty.csv"
    empty.write_text("sku,name-en\n")
    call_command("import_products", str(empty), "--dry-run")
    assert snapshot() == before
    assert _journals() == []


def test_housekeeping_undoes_a_dead_worker_import_and_fails_its_job_saying_so(
    lamp_family, web, monkeypatch
):
    """A product someone edited after the import touched it is left alone and reported; the
    rest is undone, and the job says so."""
    _catalog(lamp_family, web)
    user = make_user("boss", superuser=True)
    job = uuid.uuid4().hex
    caches["shared"].set(import_progress_key(job), {"state": "running", "at": 0, "path": ""})
    _kill_in_third_batch(monkeypatch)
    with pytest.raises(Killed):
        products_import(
            fileobj=csv_file(rows(12, overrides=OVERRIDES)), name="p.csv", user=user, job_id=job
        )
    monkeypatch.undo()
    assert [p.name for p in _journals()] == [f"{job}.journal"]
    # An editor saves N-0 (updated by the first batch) after the import touched it.
    Product.objects.filter(sku="N-0").update(name_en="Editor's", version=F("version") + 1)
    before_recovery = {p.sku: p.name_en for p in Product.objects.all()}
    assert before_recovery["N-3"] == "Lamp 3"
    jobs.runner_mark_dead(jobs.runner_id())  # as the worker supervisor does when it dies
    try:
        imports_recover_stale()
    finally:
        jobs._dead_runners.discard(jobs.runner_id())
    names = {p.sku: p.name_en for p in Product.objects.all()}
    assert names == {"N-0": "Editor's", "N-3": "Old 3", "N-6": "Old 6", "N-9": "Old 9"}
    assert Product.objects.get(sku="N-3").brand == "Before"
    state = import_progress(job)
    assert state["state"] == "failed"
    assert "undone" in state["error"] and "2" in state["error"]
    assert [(p["row"], p["code"]) for p in state["undo_problems"]] == [(2, "not_undone")]
    assert _journals() == []


def test_a_live_import_journal_is_left_alone(lamp_family, monkeypatch):
    """While its owner holds it, a journal is never undone, however old it looks."""
    monkeypatch.setattr(import_undo, "stale_seconds", lambda: -1)
    journal = import_undo._Journal.create(job_id="")
    try:
        assert import_undo.import_journals_recover() == []
        assert _journals() == [journal.path]
    finally:
        journal.remove()


def test_a_finished_import_removes_its_journal(lamp_family, web):
    """Applied, or failed and undone: no journal is left behind."""
    make_category("lighting")
    assert products_import(fileobj=csv_file(rows(5)), name="p.csv").applied
    assert _journals() == []
    gtin = "4006381333931"

    def progress(done, total):
        if done and not Product.objects.filter(sku="OTHER").exists():
            make_product(lamp_family, sku="OTHER", gtin=gtin)

    report = products_import(
        fileobj=csv_file(rows(5, start=10, overrides={12: {"gtin": gtin}})),
        name="p.csv",
        progress=progress,
    )
    assert not report.applied
    assert _journals() == []


def test_a_recovery_killed_in_turn_carries_on_without_false_reports(lamp_family, web, monkeypatch):
    """Each undo step is noted once committed: the next recovery undoes only the rest, and
    reports no product as changed by someone else."""
    _catalog(lamp_family, web)
    before = snapshot()
    _kill_in_third_batch(monkeypatch)
    with pytest.raises(Killed):
        products_import(fileobj=csv_file(rows(12, overrides=OVERRIDES)), name="p.csv")
    monkeypatch.undo()
    monkeypatch.setattr(import_undo, "stale_seconds", lambda: -1)
    monkeypatch.setattr(import_undo, "_UNDO_BATCH", 1)
    restore = import_undo._restore
    restored = []

    def restore_and_note(part, journal, user):
        restored.append(part)
        return restore(part, journal, user)

    def die_after_the_first_restore():
        # New products deleted; N-6 (its batch never committed) skipped, N-3 restored.
        if len(restored) == 2:
            raise Killed

    monkeypatch.setattr(import_undo, "_restore", restore_and_note)
    monkeypatch.setattr(import_undo, "_let_others_write", die_after_the_first_restore)
    with pytest.raises(Killed):
        import_undo.import_journals_recover()
    assert snapshot() != before
    monkeypatch.setattr(import_undo, "_let_others_write", lambda: None)
    [recovered] = import_undo.import_journals_recover()
    assert recovered.problems == []
    assert snapshot() == before
    assert _journals() == []
