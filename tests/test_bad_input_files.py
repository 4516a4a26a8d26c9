"""Bad roster files: the same file gives the same messages on the command line and the web,
never an HTTP 500, and nothing is written (UTF-16, data on sheet 2, truncated XLSX, zip bomb,
too many rows or bytes); one NIP rule for `budaya score --roster` and `import-roster`."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import io
import re
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from budaya.cli import main
from budaya.interchange import InputError, read_roster
from budaya.interchange.errors import Problems
from budaya.interchange.tables import TableLimits, open_table
from budaya.language import Message
from budaya.roster.models import RosterEntry
from tests.web_fixtures import _fast_passwords, draft_period, make_user  # noqa: F401

NIP_L = "198701012010011001"
NIP_P = "199005152015032002"
HEADER = ["nip", "nama", "jenis_kelamin", "jenis_pegawai", "unit"]
ROWS = [[NIP_L, "Budi", "L", "PNS", "SETDA"], [NIP_P, "Siti", "P", "PNS", "SETDA"]]


def csv_text(rows=ROWS, header=HEADER) -> str:
    return "".join(",".join(row) + "\n" for row in [header, *rows])


def xlsx_bytes(sheets) -> bytes:
    """Return a workbook with one sheet per list of rows."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for number, rows in enumerate(sheets, start=1):
        sheet = workbook.create_sheet(f"Lembar{number}")
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def zip_bomb_xlsx() -> bytes:
    """Return a valid-looking XLSX whose sheet unpacks to 600 MB (a few hundred KB packed)."""
    good = zipfile.ZipFile(io.BytesIO(xlsx_bytes([[HEADER, *ROWS]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in good.infolist():
            data = good.read(info)
            if info.filename.endswith("sheet1.xml"):
                data = data + b" " * (600 * 1024 * 1024)
            bomb.writestr(info.filename, data)
    return out.getvalue()


@pytest.fixture
def admin_client(client, draft_period, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # the roster's check job runs at once (test_roster_jobs.py runs the worker)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    _period, institution, _units = draft_period
    client.force_login(make_user("admin_uji", "institution_admin", institution))
    return client


def web_problems(client, period, institution, name: str, content: bytes) -> list[str]:
    """Upload a roster on the web; return its problems (HTTP 400 required, nothing stored)."""
    url = reverse("roster_upload", args=[period.code, institution.code])
    response = client.post(url, {"file": SimpleUploadedFile(name, content)}, follow=True)
    assert response.status_code == 400, response.status_code
    assert name in response.content.decode()  # the page names the file
    assert not RosterEntry.objects.exists()
    return list(response.context["problems"])


def cli_output(period, institution, path, capsys) -> str:
    """Run `budaya import-roster --yes`; return stderr (exit code 1 required)."""
    code = main(["import-roster", period.code, institution.code, str(path), "--yes"])
    assert code == 1
    assert not RosterEntry.objects.exists()
    return capsys.readouterr().err


def same_messages(admin_client, draft_period, tmp_path, capsys, name, content) -> list[str]:
    """Feed one bad file to the web (in Indonesian, then in English) and the command line;
    return the command line's bilingual problems after checking that the web shows the same
    problems, each in the reader's language alone."""
    period, institution, _units = draft_period
    web_id = web_problems(admin_client, period, institution, name, content)
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    web_en = web_problems(admin_client, period, institution, name, content)
    del admin_client.cookies[settings.LANGUAGE_COOKIE_NAME]
    path = tmp_path / name
    path.write_bytes(content)
    err = cli_output(period, institution, path, capsys)
    lines = [line.removeprefix(f"{name}: ") for line in err.splitlines() if line.startswith(name)]
    assert len(lines) == len(web_id) == len(web_en)
    for line, indonesian, english in zip(lines, web_id, web_en, strict=True):
        indonesian_text = re.sub(r"^Baris [^:]*: ", "", indonesian)
        english_text = re.sub(r"^Row [^:]*: ", "", english)
        assert line.endswith(f"{indonesian_text} / {english_text}"), (line, indonesian, english)
        assert english_text not in indonesian and indonesian_text not in english
    return lines


def test_a_utf16_roster_gets_wrong_encoding_on_the_web_and_the_command_line(
    admin_client, draft_period, tmp_path, capsys
):
    content = csv_text().encode("utf-16")
    problems = same_messages(admin_client, draft_period, tmp_path, capsys, "r16.csv", content)
    assert problems == [
        "pengodean salah (UTF-16); simpan ulang sebagai CSV UTF-8 / wrong encoding (UTF-16); "
        "save it again as CSV UTF-8"
    ]


def test_utf16_without_a_byte_order_mark_is_also_wrong_encoding():
    problems = Problems()
    assert open_table(csv_text().encode("utf-16-le"), problems, name="x.csv") is None
    assert "wrong encoding" in str(problems.items[0])


def test_data_on_a_second_sheet_is_refused_naming_the_sheet(
    admin_client, draft_period, tmp_path, capsys
):
    content = xlsx_bytes([[HEADER, *ROWS], [HEADER, [NIP_L, "Lain", "L", "PNS", "SETDA"]]])
    problems = same_messages(admin_client, draft_period, tmp_path, capsys, "dua.xlsx", content)
    assert len(problems) == 1
    assert "ada data di lembar 2 ('Lembar2')" in problems[0]
    assert "data on sheet 2 ('Lembar2')" in problems[0]


def test_an_empty_second_sheet_is_fine(draft_period):
    problems = Problems()
    table = open_table(xlsx_bytes([[HEADER, *ROWS], []]), problems, name="a.xlsx", allow_xlsx=True)
    assert table is not None and len(list(table.rows)) == 2 and not problems


def test_a_truncated_xlsx_is_a_message_not_a_server_error(
    admin_client, draft_period, tmp_path, capsys
):
    whole = xlsx_bytes([[HEADER, *ROWS]])
    for cut in (len(whole) // 2, len(whole) - 30):
        name = f"potong{cut}.xlsx"
        problems = same_messages(admin_client, draft_period, tmp_path, capsys, name, whole[:cut])
        assert len(problems) == 1
        assert "tidak dapat dibaca sebagai XLSX" in problems[0]
        assert "cannot be read as XLSX" in problems[0]


def test_a_damaged_sheet_inside_a_valid_zip_is_a_message(draft_period):
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([[HEADER, *ROWS]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as damaged:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith("sheet1.xml"):
                data = data[: len(data) // 2]  # the XML stops mid-way
            damaged.writestr(info.filename, data)
    problems = Problems()
    table = open_table(out.getvalue(), problems, name="rusak.xlsx", allow_xlsx=True)
    if table is not None:
        list(table.rows)
    assert problems and "cannot be read as XLSX" in str(problems.items[0])


def test_a_zip_bomb_xlsx_is_refused_before_openpyxl_parses_it(
    admin_client, draft_period, tmp_path, capsys, monkeypatch
):
    import openpyxl

    def must_not_parse(*args, **kwargs):
        raise AssertionError("openpyxl was asked to parse a zip bomb")

    monkeypatch.setattr(openpyxl, "load_workbook", must_not_parse)
    content = zip_bomb_xlsx()
    assert len(content) < 5 * 1024 * 1024
    problems = same_messages(admin_client, draft_period, tmp_path, capsys, "bom.xlsx", content)
    assert len(problems) == 1
    assert "isi XLSX 600" in problems[0] and "over the limit of 400 MB" in problems[0]


def test_too_many_rows_are_refused(admin_client, draft_period, tmp_path, capsys, settings):
    settings.BUDAYA_TABLE_MAX_ROWS = 1
    content = csv_text().encode()
    problems = same_messages(admin_client, draft_period, tmp_path, capsys, "banyak.csv", content)
    assert problems == [
        "Baris 3 / row 3: lebih dari 1 baris data; bagi berkasnya / more than 1 data rows; "
        "split the file"
    ]


def test_too_many_bytes_are_refused_before_the_file_is_read(
    admin_client, draft_period, tmp_path, capsys, settings
):
    settings.BUDAYA_TABLE_MAX_BYTES = 50
    content = csv_text().encode()
    assert len(content) > 50
    problems = same_messages(admin_client, draft_period, tmp_path, capsys, "besar.csv", content)
    assert problems == [
        f"berkas {len(content)} byte, melebihi batas 50 byte / file is {len(content)} bytes, "
        f"over the limit of 50 bytes"
    ]


def test_the_limits_default_to_500000_rows_100_mb_and_400_mb_unpacked(settings):
    from budaya.interchange.tables import table_limits

    assert table_limits() == TableLimits(500_000, 100 * 1024 * 1024, 400 * 1024 * 1024)


def test_a_parquet_roster_is_read_by_the_web_import(admin_client, draft_period, settings):
    import polars as pl

    period, institution, _units = draft_period
    out = io.BytesIO()
    pl.DataFrame({name: [row[i] for row in ROWS] for i, name in enumerate(HEADER)}).write_parquet(
        out
    )
    url = reverse("roster_upload", args=[period.code, institution.code])
    response = admin_client.post(
        url, {"file": SimpleUploadedFile("r.parquet", out.getvalue())}, follow=True
    )
    assert response.status_code == 200
    assert response.context["preview"].total == 2


# The one NIP rule: `budaya score --roster` (interchange) and `import-roster` (database) agree.

SCORE_HEADER = "nip,name,gender,employment_type,institution,unit,birth_year\n"


def score_roster_problems(tmp_path, nip, gender="L", year="1987") -> str:
    path = tmp_path / "pegawai.csv"
    path.write_text(SCORE_HEADER + f"{nip},Budi,{gender},PNS,KAB-UJI,SETDA,{year}\n")
    try:
        read_roster(path)
    except InputError as error:
        return str(error)
    return ""


def import_roster_problems(draft_period, nip, gender="L") -> str:
    from budaya.roster.services import RosterImportError, validate_roster

    period, institution, _units = draft_period
    content = (csv_text(rows=[[nip, "Budi", gender, "PNS", "SETDA"]])).encode()
    try:
        validate_roster(period, institution, content, "pegawai.csv")
    except RosterImportError as error:
        return str(error)
    return ""


@pytest.mark.parametrize(
    ("nip", "gender", "verdict"),
    [
        ("19870101.201001.1.001", "L", ""),  # separators are removed by both
        ("'198701012010011001", "L", ""),  # Excel's text apostrophe
        ("19870101 201001 1 001", "L", ""),
        ("198713012010011001", "L", "bukan tanggal lahir YYYYMMDD yang sah"),
        ("198701012010013001", "L", "digit ke-15 (3) harus 1 (L) atau 2 (P)"),
        ("19870101201001100", "L", "harus tepat 18 angka"),
        ("198701012010011001", "P", "tidak sesuai digit ke-15 NIP (L)"),
    ],
)
def test_score_and_import_roster_judge_a_nip_alike(tmp_path, draft_period, nip, gender, verdict):
    from_score = score_roster_problems(tmp_path, nip, gender)
    from_import = import_roster_problems(draft_period, nip, gender)
    if not verdict:
        assert from_score == "" and from_import == ""
    else:
        assert verdict in from_score and verdict in from_import


def test_score_roster_refuses_a_birth_year_that_disagrees_with_the_nip(tmp_path):
    assert "tahun lahir '1990' tidak sesuai NIP (1987)" in score_roster_problems(
        tmp_path, NIP_L, year="1990"
    )


def test_budaya_score_reads_a_parquet_roster_like_the_csv(tmp_path):
    import polars as pl

    rows = [[NIP_L, "Budi", "L", "PNS", "KAB-UJI", "SETDA", 1987]]
    rows.append([NIP_P, "Siti", "P", "PPPK", "KAB-UJI", "DINKES", 1990])
    columns = ["nip", "name", "gender", "employment_type", "institution", "unit", "birth_year"]
    frame = pl.DataFrame({c: [row[i] for row in rows] for i, c in enumerate(columns)})
    frame.write_parquet(tmp_path / "pegawai.parquet")
    (tmp_path / "pegawai.csv").write_text(
        ",".join(columns) + "\n" + "".join(",".join(map(str, row)) + "\n" for row in rows)
    )
    from_parquet = read_roster(tmp_path / "pegawai.parquet")
    from_csv = read_roster(tmp_path / "pegawai.csv")
    assert from_parquet.pairs == from_csv.pairs == [("KAB-UJI", "SETDA"), ("KAB-UJI", "DINKES")]
    assert list(from_parquet.birth_year) == list(from_csv.birth_year) == [1987, 1990]
    assert list(from_parquet.gender) == list(from_csv.gender)


def test_an_xlsx_declaring_too_many_rows_is_refused_before_its_rows_are_read(settings):
    settings.BUDAYA_TABLE_MAX_ROWS = 1
    from budaya.interchange.tables import table_limits

    content = xlsx_bytes([[HEADER, *ROWS]])
    problems = Problems()
    table = open_table(content, problems, name="a.xlsx", allow_xlsx=True, limits=table_limits())
    assert table is None
    assert "more than 1 data rows" in str(problems.items[0])


def test_the_upload_page_shows_each_problem_in_the_readers_language_alone(
    admin_client, draft_period
):
    period, institution, _units = draft_period
    url = reverse("roster_upload", args=[period.code, institution.code])
    content = csv_text([[NIP_L, "Budi", "X", "PNS", "SETDA"]]).encode()

    def page() -> str:
        response = admin_client.post(
            url, {"file": SimpleUploadedFile("jk.csv", content)}, follow=True
        )
        assert response.status_code == 400
        return response.content.decode()

    indonesian = page()
    assert "Baris 2, kolom jenis_kelamin: &#x27;X&#x27; bukan jenis kelamin; isi L atau P" in (
        indonesian
    )
    assert "is not a gender" not in indonesian and "row 2" not in indonesian.lower()
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = page()
    assert "Row 2, column jenis_kelamin: &#x27;X&#x27; is not a gender; use L or P" in english
    assert "bukan jenis kelamin" not in english and "Baris 2" not in english
    assert not RosterEntry.objects.exists()


def test_a_reader_problem_is_one_language_on_the_page_and_both_on_the_command_line():
    problems = Problems()
    assert open_table(b"", problems, name="kosong.csv") is None
    (problem,) = problems.items
    assert str(problem) == "kosong.csv: berkas kosong / the file is empty"
    assert problem.localized("id") == "berkas kosong"
    assert problem.localized("en") == "the file is empty"
    problems = Problems()
    problems.add("a.csv", 3, "unit", Message("kode unit kosong"))
    assert (
        str(problems.items[0])
        == "a.csv: baris 3, kolom unit: kode unit kosong / row 3, column unit: empty unit code"
    )
    assert problems.items[0].localized("en") == "row 3, column unit: empty unit code"
