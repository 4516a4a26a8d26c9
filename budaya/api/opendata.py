"""National open data: the released index and values of eligible institutions, without login.

`GET /api/v1/open/{period}/institutions.csv` and `.json`. Only released periods are served
(METHOD.md §12). A row is published for each eligible institution that is not suppressed
(METHOD.md §8: groups below their minimum are left out of published reports; nothing under k
is ever shown), and a national row when the nation's scores exist (METHOD.md §9: at least three
eligible institutions). Scores are the shown (rounded) figures of the released document; a
score the document holds as null (resting on fewer than k respondents, or an Indeks BerAKHLAK
without a finalised evaluation, METHOD.md §5) stays empty.
"""

import csv
import io

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from ninja import Router

from budaya.institutions.models import Institution
from budaya.interchange.exporters import guard
from budaya.periods.models import Period
from budaya.results.models import ResultGroup
from budaya.results.services import not_released_text
from budaya.results.store import latest_set
from budaya.scoring.spec import VALUE_CODES

LICENCE = {
    "name": "CC BY 4.0",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}
INDEX_KEY = "indeks_berakhlak"

# Column name → meaning (the open-data page shows this list; one source for both).
COLUMNS = (
    [
        ("period", "Kode periode / period code"),
        ("release", "Nomor rilis hasil / release number of the results"),
        ("level", "nation (nasional) atau institution (instansi)"),
        ("code", "Kode instansi (ID untuk nasional) / institution code (ID for the nation)"),
        ("name", "Nama instansi / institution name"),
        ("kind", "Jenis: kementerian, lembaga, provinsi, kabupaten, kota"),
        ("region", "Wilayah: barat, tengah, timur, pusat"),
        ("n", "Jumlah responden / number of respondents"),
        ("population", "Jumlah pegawai di daftar / employees on the roster"),
        ("response_rate", "Tingkat respons (0–1) / response rate (0–1)"),
        ("indeks_berakhlak", "Indeks BerAKHLAK (0–100, satu desimal)"),
        ("indeks_berakhlak_category", "Kategori A–D"),
    ]
    + [
        column
        for code in VALUE_CODES
        for column in (
            (code, f"Skor nilai {code} (0–100, satu desimal) / value score"),
            (f"{code}_category", f"Kategori nilai {code} (A–D)"),
        )
    ]
    + [("licence", "Lisensi / licence: CC BY 4.0")]
)

router = Router(auth=None, tags=["open data"])


def _shown(score) -> tuple:
    if not isinstance(score, dict):
        return None, None
    return score.get("shown"), score.get("category")


def published(group: dict) -> bool:
    """Return True for a group open data may show: an eligible, unsuppressed institution, or
    the nation when it has scores (METHOD.md §9: they need three eligible institutions)."""
    if group.get("suppressed"):
        return False
    if group.get("level") == "nation":
        scores = [group.get(INDEX_KEY), *(group.get("values") or {}).values()]
        return any(isinstance(score, dict) for score in scores)
    return bool(group.get("eligible"))


def rows_of(period: Period) -> tuple[int, list[dict]]:
    """Return (release number, the published rows) of a released period; Http404 otherwise."""
    result_set = latest_set(period)
    if result_set is None:
        raise Http404(not_released_text(period))
    institutions = {i.code: i for i in Institution.objects.only("code", "name", "kind", "region")}
    groups = (
        ResultGroup.objects.filter(result_set=result_set, level__in=("nation", "institution"))
        .order_by("position")
        .values_list("data", flat=True)
    )
    rows = []
    for group in groups:
        if not published(group):
            continue
        institution = institutions.get(group["code"])
        index, index_category = _shown(group[INDEX_KEY])
        row = {
            "period": period.code,
            "release": result_set.version,
            "level": group["level"],
            "code": group["code"],
            "name": institution.name
            if institution
            else ("Indonesia" if group["level"] == "nation" else ""),
            "kind": institution.kind if institution else "",
            "region": institution.region if institution else "",
            "n": group.get("n"),
            "population": group.get("population"),
            "response_rate": group.get("response_rate"),
            "indeks_berakhlak": index,
            "indeks_berakhlak_category": index_category,
        }
        values = group.get("values") or {}
        for code in VALUE_CODES:
            row[code], row[f"{code}_category"] = _shown(values.get(code))
        row["licence"] = LICENCE["name"]
        rows.append(row)
    return result_set.version, rows


def _period(code: str) -> Period:
    return get_object_or_404(Period, code=code)


@router.get("/{period}/institutions.json", summary="Data terbuka (JSON) / Open data (JSON)")
def open_json(request, period: str):
    """Released index, seven values and categories of eligible institutions, and the nation."""
    found = _period(period)
    release, rows = rows_of(found)
    return JsonResponse(
        {
            "period": found.code,
            "release": release,
            "licence": LICENCE,
            "columns": {name: meaning for name, meaning in COLUMNS},
            "rows": rows,
        },
        json_dumps_params={"ensure_ascii": False},
    )


@router.get("/{period}/institutions.csv", summary="Data terbuka (CSV) / Open data (CSV)")
def open_csv(request, period: str):
    """The same rows as CSV (UTF-8, comma, decimal point), one header line."""
    found = _period(period)
    _release, rows = rows_of(found)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    names = [name for name, _meaning in COLUMNS]
    writer.writerow(names)
    for row in rows:
        writer.writerow(
            ["" if row[n] is None else guard(row[n]) if isinstance(row[n], str) else row[n]
             for n in names]
        )  # fmt: skip
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="budaya-{found.code}-institutions.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    return response
