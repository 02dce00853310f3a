"""The admin import page: dry run report with rows and columns, export downloads."""

from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import Product
from catalog.tasks import import_progress, products_import_task
from tests.factories import make_user


def upload(text: str, name="p.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_admin_dry_run_then_import_and_export(client, lamp_family):
    client.force_login(make_user("boss", superuser=True))
    url = "/admin/catalog/import-export/"
    response = client.post(
        url, {"file": upload("sku,family,name-fa\nA,lamps,چراغ\nB,nope,x\n"), "dry_run": "on"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "nope" in page and "<code>family</code>" in page and not Product.objects.exists()
    response = client.post(url, {"file": upload("sku,family,name-fa\nA,lamps,چراغ\n")})
    assert Product.objects.get(sku="A").name_fa == "چراغ"
    response = client.get(url + "?export=csv")
    assert "چراغ" in response.content.decode("utf-8-sig")


def test_large_imports_run_as_a_task_with_progress(lamp_family):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    path = default_storage.save("imports/job.csv", ContentFile(b"sku,family\nT-1,lamps\n"))
    result = products_import_task.enqueue("job1", path, "job.csv")
    assert result.return_value["applied"]
    assert import_progress("job1")["state"] == "done"
    assert Product.objects.filter(sku="T-1").exists()
