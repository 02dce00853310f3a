"""API asset URLs while the worker has not built the renditions yet: the original's URL stands
in for each rendition (never null, never an error), and once built the renditions are listed."""

from unittest import mock

from catalog.models import Asset
from catalog.services.renditions import renditions_build


def test_asset_renditions_fall_back_to_the_original_until_built(
    shop, publish, django_capture_on_commit_callbacks
):
    with (
        mock.patch("catalog.tasks_renditions.asset_renditions_task"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        publish("LAMP-1")
    asset = Asset.objects.get()
    response = shop.get(f"/api/v1/assets/{asset.pk}")
    assert response.status_code == 200, response.content
    data = response.json()
    assert set(data["renditions"]) == {"thumb", "web", "print"}
    assert set(data["renditions"].values()) == {data["url"]}
    renditions_build(content_hash=asset.content_hash, file_name=asset.file.name)
    data = shop.get(f"/api/v1/assets/{asset.pk}").json()
    assert all("/renditions/" in url for url in data["renditions"].values())


def test_a_fake_pdf_upload_is_a_422_on_the_file_field(editor_api, publish):
    from django.core.files.uploadedfile import SimpleUploadedFile

    publish("LAMP-1")
    fake = SimpleUploadedFile("manual.pdf", b"%PDF-1.4\njust text\n%%EOF\n")
    response = editor_api.post(
        "/api/v1/assets", {"product": "LAMP-1", "role": "manual", "file": fake}, format="multipart"
    )
    assert response.status_code == 422, response.content
    (error,) = response.json()["errors"]
    assert error["field"] == "file" and error["code"] == "corrupt"
    assert error["message"].startswith("“manual.pdf” is not a valid PDF")
