"""Evidence files: type checked by content, size limit, stored under MEDIA_ROOT, served to the
evaluation's readers only."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from budaya.evaluation import services
from budaya.evaluation.evidence import EvidenceRejected, check_upload
from budaya.evaluation.models import EvidenceFile
from tests.test_evaluation_support import DOCX_TYPES, docx, media, pdf, png, xlsx  # noqa: F401
from tests.web_fixtures import _fast_passwords, instrument, world  # noqa: F401

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
MZ = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120


@pytest.mark.parametrize(
    "upload, kind",
    [(pdf, "pdf"), (png, "png"), (docx, "docx"), (xlsx, "xlsx")],
    ids=["pdf", "png", "docx", "xlsx"],
)
def test_accepted_kinds_are_recognised_by_content(upload, kind):
    assert check_upload(upload()) == kind


def test_a_jpeg_is_recognised_whatever_its_name():
    assert check_upload(SimpleUploadedFile("foto.pdf", b"\xff\xd8\xff\xe0" + b"\x00" * 40)) == "jpg"


@pytest.mark.parametrize(
    "name, content",
    [
        ("laporan.pdf", ELF),
        ("laporan.pdf", MZ),
        ("laporan.docx", MZ),
        ("foto.png", b"<script>alert(1)</script>"),
        ("laporan.docx", b"PK\x03\x04 not really a zip"),
    ],
    ids=["elf-as-pdf", "mz-as-pdf", "mz-as-docx", "html-as-png", "broken-zip"],
)
def test_a_disguised_or_broken_file_is_rejected(name, content):
    with pytest.raises(EvidenceRejected, match="menurut isinya"):
        check_upload(SimpleUploadedFile(name, content))


def test_a_zip_that_is_not_an_office_document_is_rejected():
    from tests.test_evaluation_support import zipped

    upload = SimpleUploadedFile("laporan.docx", zipped({"payload.exe": MZ}))
    with pytest.raises(EvidenceRejected):
        check_upload(upload)


def test_a_macro_enabled_document_is_rejected():
    macro = DOCX_TYPES.replace(
        b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
    )
    with pytest.raises(EvidenceRejected):
        check_upload(docx(types=macro))
    with pytest.raises(EvidenceRejected):
        check_upload(docx(extra={"word/vbaProject.bin": b"\x00"}))


def test_the_size_limit_comes_from_the_settings(settings):
    settings.BUDAYA_EVIDENCE_MAX_BYTES = 40
    with pytest.raises(EvidenceRejected, match="batasnya"):
        check_upload(pdf())
    with pytest.raises(EvidenceRejected, match="kosong"):
        check_upload(SimpleUploadedFile("kosong.pdf", b""))


def test_a_rejected_upload_stores_nothing(world, media):
    evaluation = services.start_evaluation(world["period"], world["inst_a"])
    with pytest.raises(EvidenceRejected):
        services.save_criterion(
            evaluation, "PENGHARGAAN", world["admin_a"], self_level=2, narrative="baru",
            links="", uploads=[pdf(), SimpleUploadedFile("x.pdf", ELF)],
            today=world["period"].opens_on,
        )  # fmt: skip
    assert not EvidenceFile.objects.exists()
    assert evaluation.entries.get(criterion="PENGHARGAAN").narrative == ""
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def upload_through_the_page(client, world, files):
    client.force_login(world["admin_a"])
    period, inst = world["period"], world["inst_a"]
    page = reverse("evaluation:institution", args=[period.code, inst.code])
    client.get(page)  # the administrator's first visit starts the evaluation
    action = reverse("evaluation:institution_action", args=[period.code, inst.code])
    return client.post(
        action,
        {
            "action": "save",
            "criterion": "PENGHARGAAN",
            "PENGHARGAAN-self_level": "2",
            "PENGHARGAAN-narrative": "SK penghargaan",
            "PENGHARGAAN-links": "",
            "PENGHARGAAN-evidence": files,
        },
    )


@pytest.fixture
def before_deadline(world):
    from budaya.evaluation.models import EvaluationSchedule

    EvaluationSchedule.objects.create(period=world["period"], deadline="2099-12-31")


def test_an_executable_named_pdf_is_refused_on_the_page(client, world, media, before_deadline):
    response = upload_through_the_page(client, world, [SimpleUploadedFile("sk.pdf", ELF)])
    assert response.status_code == 400
    assert "menurut isinya" in response.content.decode()
    assert not EvidenceFile.objects.exists()


def test_evidence_is_stored_under_media_root_and_served_only_to_readers(
    client, world, media, before_deadline
):
    response = upload_through_the_page(client, world, [pdf("SK Bupati.pdf"), docx()])
    assert response.status_code == 302
    files = list(EvidenceFile.objects.order_by("kind"))
    assert [f.kind for f in files] == ["docx", "pdf"]
    stored = media / files[1].file.name
    assert stored.is_file() and stored.read_bytes().startswith(b"%PDF-")
    assert files[1].file.name.startswith("evidence/P-2026/INST-A/")
    assert "SK" not in files[1].file.name  # the stored name is random, not the user's
    url = reverse("evaluation:evidence", args=[files[1].pk])
    for name in ("admin_a", "evaluator_a", "national"):
        client.force_login(world[name])
        response = client.get(url)
        assert response.status_code == 200, name
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    for name in ("admin_b", "liaison_a"):  # liaison of a unit: not the institution's evidence
        client.force_login(world[name])
        assert client.get(url).status_code == 403, name
    client.logout()
    assert client.get(url).status_code == 302


def test_removing_evidence_deletes_the_stored_file(client, world, media, before_deadline):
    upload_through_the_page(client, world, [pdf()])
    evidence = EvidenceFile.objects.get()
    path = media / evidence.file.name
    action = reverse("evaluation:institution_action", args=[world["period"].code, "INST-A"])
    client.post(action, {"action": "remove_evidence", "evidence": str(evidence.pk)})
    assert not EvidenceFile.objects.exists()
    assert not path.exists()


@pytest.mark.parametrize(
    "bad_id", ["abc", "", "1", "-1", "x" * 5000, "00000000-0000-0000-0000-00000000000g", "١٢"]
)
def test_a_bad_evidence_id_in_remove_evidence_is_a_message_not_a_server_error(
    client, world, media, before_deadline, bad_id
):
    upload_through_the_page(client, world, [pdf()])
    evidence = EvidenceFile.objects.get()
    action = reverse("evaluation:institution_action", args=[world["period"].code, "INST-A"])
    response = client.post(action, {"action": "remove_evidence", "evidence": bad_id}, follow=True)
    assert response.status_code == 200
    assert "Berkas bukti yang akan dihapus tidak ditemukan" in response.content.decode()
    assert EvidenceFile.objects.get() == evidence  # nothing removed
    assert (media / evidence.file.name).exists()


def test_another_evaluations_evidence_id_removes_nothing(client, world, media, before_deadline):
    upload_through_the_page(client, world, [pdf()])
    evidence = EvidenceFile.objects.get()
    client.force_login(world["admin_b"])
    client.get(reverse("evaluation:institution", args=[world["period"].code, "INST-B"]))
    action = reverse("evaluation:institution_action", args=[world["period"].code, "INST-B"])
    response = client.post(
        action, {"action": "remove_evidence", "evidence": str(evidence.pk)}, follow=True
    )
    assert "Berkas bukti yang akan dihapus tidak ditemukan" in response.content.decode()
    assert EvidenceFile.objects.filter(pk=evidence.pk).exists()
