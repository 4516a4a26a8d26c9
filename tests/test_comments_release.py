"""Comments in results (METHOD.md §14): shown only for a shown group with at least k commenters,
in a random order fixed per release, never with demographics; theme counts only of at least k;
frozen with the release. One test builds a group of k−1 commenters and scans every output."""
# ruff: noqa: F811 - pytest fixtures imported from tests are parameters here

import json
import shutil
import zipfile

from django.urls import reverse

from budaya.cli import main
from budaya.instruments.themes import stems, themes_of
from budaya.results.comments import release_order
from budaya.results.models import ReleasedComments
from budaya.results.services import reopen_period
from budaya.survey.models import Response
from tests.test_reports_outputs import csv_files, download, workbook_cells
from tests.test_results_support import pdf_text
from tests.web_fixtures import _fast_passwords, add_responses, instrument, release, world  # noqa: F401

K = 10
THEMED = [
    "Kepemimpinannya kurang memberi teladan, pemimpin jarang hadir",  # kepemimpinan
    "Beban kerja berat, sering lembur sampai malam",  # beban_kerja
    "Pimpinan perlu lebih mendengar dan beban kerja dibagi adil",  # kepemimpinan, beban, integritas
]


def comment_units(world, plan: dict[str, list[str]]) -> None:
    """Give the first responses of each unit of institution A the comments of `plan`."""
    for code, texts in plan.items():
        pks = list(
            Response.objects.filter(unit=world["units"][code])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        assert len(pks) >= len(texts)
        for pk, text in zip(pks, texts, strict=False):
            Response.objects.filter(pk=pk).update(comment=text)


def marker(i: int) -> str:
    return f"Komentar rahasia ZQX{i:02d} tentang pimpinan dan beban kerja"


def test_stemming_finds_themes_in_every_form(instrument):
    themes = instrument.comment_themes
    assert stems("Kepemimpinannya") == ("pimpin",)
    for text in ("pemimpin kami", "kepemimpinannya lemah", "memimpin rapat", "pimpinan baru"):
        assert "kepemimpinan" in themes_of(text, themes), text
    assert themes_of("beban kerja berat", themes) == ["beban_kerja"]
    assert themes_of("kesejahteraan pegawai dan tunjangan", themes) == ["kesejahteraan"]
    assert themes_of("pelatihan dan pengembangan karier", themes) == ["pengembangan_diri"]
    assert themes_of("Saya menggunakan aplikasi baru", themes) == []
    labels = {t.code: (t.label.id, t.label.en) for t in themes}
    assert labels["kepemimpinan"] == ("Kepemimpinan", "Leadership")


def test_the_order_is_fixed_per_release_and_differs_between_releases():
    texts = [f"komentar {i}" for i in range(30)]
    key = ("institution", "ID", "INST-A")
    first = release_order(texts, "P", 1, key)
    assert first == release_order(list(reversed(texts)), "P", 1, key)  # not the stored order
    assert sorted(first) == sorted(texts)
    assert first != release_order(texts, "P", 2, key)
    assert first != sorted(texts)


def test_a_group_of_k_commenters_shows_them_with_themes_of_at_least_k(client, world):
    # BESAR (16 responses, shown) gets 12 comments; the other units none.
    texts = [THEMED[0]] * 5 + [THEMED[1]] * 4 + [THEMED[2]] * 3
    texts = [f"{text} ({i})" for i, text in enumerate(texts)]
    comment_units(world, {"BESAR": texts})
    result_set = release(world["period"])
    rows = {(r.level, r.code): r for r in ReleasedComments.objects.filter(result_set=result_set)}
    assert set(rows) == {("nation", "ID"), ("institution", "INST-A"), ("unit", "BESAR")}
    unit = rows[("unit", "BESAR")]
    assert unit.commenters == 12 and sorted(e["text"] for e in unit.texts) == sorted(texts)
    # kepemimpinan: 5 + 3 = 8 < k, beban_kerja: 4 + 3 = 7 < k; "pimpin"/"beban" below k
    assert unit.themes == {}
    assert rows[("nation", "ID")].texts == []  # the nation keeps themes only
    assert all(set(entry) == {"text", "themes"} for entry in unit.texts)  # no demographics
    client.force_login(world["admin_a"])
    page = client.get(reverse("results", args=["P-2026", "INST-A"])).content.decode()
    assert 'id="comments"' in page and "12 responden menulis komentar" in page
    section = page.split('id="comments"')[1]
    positions = [section.index(entry["text"]) for entry in rows[("institution", "INST-A")].texts]
    assert positions == sorted(positions)  # the release's order
    again = client.get(reverse("results", args=["P-2026", "INST-A"])).content.decode()
    assert again.split('id="comments"')[1] == section  # stable on reload


def test_theme_counts_of_at_least_k_are_shown_with_examples(client, world):
    texts = [f"{THEMED[0]} ({i})" for i in range(11)] + [f"{THEMED[1]} ({i})" for i in range(3)]
    comment_units(world, {"BESAR": texts})
    result_set = release(world["period"])
    row = ReleasedComments.objects.get(result_set=result_set, level="unit", code="BESAR")
    assert row.themes == {"kepemimpinan": 11}  # beban_kerja: 3 < k, not kept
    client.force_login(world["liaison_a"])
    page = client.get(reverse("unit_results", args=["P-2026", "INST-A", "BESAR"])).content.decode()
    section = page.split('id="comments"')[1]
    assert '<th scope="row">Kepemimpinan</th>' in section
    assert '<th scope="row">Beban kerja</th>' not in section
    sheets = workbook_cells(
        download(client, "unit_results_download", ["P-2026", "INST-A", "BESAR"], "xlsx")
    )
    assert ["Kepemimpinan", 11] in sheets["Tema komentar"]
    assert sorted(r[1] for r in sheets["Komentar"][1:]) == sorted(texts)
    files = csv_files(
        download(client, "unit_results_download", ["P-2026", "INST-A", "BESAR"], "csv")
    )
    assert any(name.endswith("-tema-komentar.csv") for name in files)
    assert not any("ZQX" in text or THEMED[0] in text for text in files.values())


def test_comments_of_k_minus_one_commenters_appear_in_no_output(client, world, tmp_path, capsys):
    # BESAR is shown (16 responses) but only k − 1 = 9 of them wrote a comment.
    comment_units(world, {"BESAR": [marker(i) for i in range(K - 1)]})
    period = world["period"]
    result_set = release(period)
    assert not ReleasedComments.objects.filter(result_set=result_set).exists()
    outputs = {}
    client.force_login(world["admin_a"])
    for name, args in (
        ("results", ["P-2026", "INST-A"]),
        ("unit_results", ["P-2026", "INST-A", "BESAR"]),
    ):
        outputs[f"page {args}"] = client.get(reverse(name, args=args)).content.decode()
        download_name = "results_download" if name == "results" else "unit_results_download"
        outputs[f"xlsx {args}"] = repr(
            workbook_cells(download(client, download_name, args, "xlsx"))
        )
        outputs[f"csv {args}"] = repr(csv_files(download(client, download_name, args, "csv")))
        if shutil.which("pdftotext"):
            outputs[f"pdf {args}"] = pdf_text(
                download(client, download_name, args, "pdf"), tmp_path
            )
    client.force_login(world["national"])
    outputs["national page"] = client.get(
        reverse("national_results", args=["P-2026"])
    ).content.decode()
    assert main(["results", "P-2026", "--out", str(tmp_path / "r.json")]) == 0
    outputs["results json"] = (tmp_path / "r.json").read_text("utf-8")
    assert main(["report", "P-2026", "INST-A", "--press"]) == 0
    outputs["cli press"] = capsys.readouterr().out
    assert main(["backup", "--out", str(tmp_path / "b.zip"), "--quiet"]) == 0
    with zipfile.ZipFile(tmp_path / "b.zip") as archive:
        # The released results of a backup (the raw responses are backed up by design).
        outputs["backup results"] = "".join(
            archive.read(name).decode()
            for name in archive.namelist()
            if name.startswith("data/results.")
        )
    for label, text in outputs.items():
        assert "ZQX" not in text, f"a comment of fewer than k commenters leaked into the {label}"
    assert (
        "Komentar ditampilkan bila sedikitnya 10 responden" in outputs["page ['P-2026', 'INST-A']"]
    )
    # The comments are there to be found: the k rule, not luck, keeps them out.
    assert Response.objects.filter(comment__contains="ZQX").count() == K - 1


def test_complementary_suppression_hides_a_unit_whose_comments_the_institution_would_reveal(world):
    # BESAR 12 commenters (would show), SEDANG (suppressed) 3: the institution's 15 minus
    # BESAR's 12 would be SEDANG's 3, so BESAR's list is withheld too.
    comment_units(
        world,
        {"BESAR": [marker(i) for i in range(12)], "SEDANG": [marker(50 + i) for i in range(3)]},
    )
    result_set = release(world["period"])
    rows = {
        (r.level, r.code): r.commenters
        for r in ReleasedComments.objects.filter(result_set=result_set)
    }
    assert rows == {("nation", "ID"): 15, ("institution", "INST-A"): 15}


def test_a_later_release_keeps_the_released_comments_of_a_carried_over_group(world, instrument):
    comment_units(world, {"BESAR": [marker(i) for i in range(12)]})
    period = world["period"]
    first = release(period)
    before = {(r.level, r.code): (r.commenters, r.texts) for r in first.comment_groups.all()}
    reopen_period(period, "koreksi data", actor=None)
    # Three more respondents of BESAR answer with comments: fewer than k changed.
    add_responses(period, world["inst_a"], world["units"]["BESAR"], 3, instrument, seed=77)
    Response.objects.filter(period=period, first_release__isnull=True, comment="").update(
        comment="Komentar baru ZQX99 pimpinan"
    )
    second = release(period)
    assert second.version == first.version + 1
    after = {(r.level, r.code): (r.commenters, r.texts) for r in second.comment_groups.all()}
    assert after == before
    carried = second.comment_groups.get(level="unit", code="BESAR")
    assert carried.carried_from == first.version
    assert not any("ZQX99" in json.dumps(texts) for _n, texts in after.values())


def test_another_institution_sees_no_comments_and_english_labels_are_translated(client, world):
    texts = [f"{THEMED[0]} ({i})" for i in range(12)]
    comment_units(world, {"BESAR": texts})
    release(world["period"])
    client.force_login(world["admin_b"])
    for name, args in (
        ("results", ["P-2026", "INST-A"]),
        ("unit_results", ["P-2026", "INST-A", "BESAR"]),
        ("results_download", ["P-2026", "INST-A", "xlsx"]),
    ):
        response = client.get(reverse(name, args=args))
        assert response.status_code in (403, 404), name
        assert THEMED[0].encode() not in response.content
    client.force_login(world["admin_a"])
    client.cookies["django_language"] = "en"
    page = client.get(reverse("results", args=["P-2026", "INST-A"]), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "Respondents&#x27; comments" in text or "Respondents' comments" in text
    assert '<th scope="row">Leadership</th>' in text
