"""`budaya demo --no-serve`: a ready demo (released periods, an open one, roster, answers,
results), twice over."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import re

from budaya.cli import main
from budaya.institutions.models import Institution, Unit
from budaya.interchange.nip import parse_nip
from budaya.periods.models import Period
from budaya.results.models import ResultSet
from budaya.roster.models import RosterEntry
from budaya.survey.models import Invitation, Response
from tests.web_fixtures import _fast_passwords  # noqa: F401


def test_the_demo_sets_everything_up_and_can_run_twice(db, capsys, client):
    assert main(["demo", "--no-serve", "--port", "8123"]) == 0
    first = capsys.readouterr().out
    assert main(["demo", "--no-serve", "--port", "8123"]) == 0
    out = capsys.readouterr().out

    period = Period.objects.get(code="DEMO-2026")
    # Results exist only for closed periods (METHOD.md §12): this year's period was answered
    # through its links, then closed and released.
    assert period.instrument == "berakhlak-2026" and period.state == "closed"
    assert period.sealed_on is not None
    institution = Institution.objects.get()
    assert (institution.name, institution.kind, institution.region) == (
        "Kabupaten Contoh",
        "kabupaten",
        "tengah",
    )
    sizes = [
        RosterEntry.objects.filter(period=period, unit=unit).count() for unit in Unit.objects.all()
    ]
    assert len(sizes) == 12 and sum(sizes) > 500
    assert sum(size < period.threshold for size in sizes) == 2
    for entry in RosterEntry.objects.all()[:50]:
        assert parse_nip(entry.nip) == (entry.birth_date, entry.gender)
    responses = Response.objects.filter(period=period).count()
    assert 200 <= responses < sum(sizes)
    assert ResultSet.objects.filter(period=period).count() == 1  # replaced, not piled up
    assert ResultSet.objects.get(period=period).trigger == "close"
    document = ResultSet.objects.get(period=period).document
    own = next(g for g in document["groups"] if g["code"] == "KAB-CONTOH")
    # The demo's finalised evaluation makes the headline index appear (80 % I + 20 % E).
    assert own["evaluasi"] is not None and own["indeks_berakhlak"] is not None
    assert (
        abs(
            own["indeks_berakhlak"]["score"]
            - (0.8 * own["implementasi"]["score"] + 0.2 * own["evaluasi"]["score"])
        )
        < 1e-9
    )

    # A mandated census: 80-95 % answer, so most units reach their Slovin minimum and the
    # unit ranking is filled; DPUPR stays just below its minimum, the two small Kecamatan are
    # suppressed (fewer than k respondents).
    assert 0.80 <= own["response_rate"] <= 0.95
    units = {g["code"]: g for g in document["groups"] if g["level"] == "unit"}
    assert len(units) == 12
    assert all(0.80 <= g["response_rate"] <= 0.97 for g in units.values())
    eligible = {code for code, g in units.items() if g["eligible"] and not g["suppressed"]}
    assert len(eligible) >= 8 and "DPUPR" not in eligible
    assert units["KEC-UTARA"]["suppressed"] and units["KEC-SELATAN"]["suppressed"]
    ranks = [units[code]["benchmark"]["implementasi"]["rank"] for code in eligible]
    assert sorted(ranks)[0] == 1 and all(rank is not None for rank in ranks)

    # Last year's closed period gives every index a change figure.
    previous = Period.objects.get(code="DEMO-2025")
    assert previous.state == "closed" and previous.closes_on < period.opens_on
    assert Response.objects.filter(period=previous).count() >= 200
    assert ResultSet.objects.filter(period=previous).count() == 1
    assert own["change"]["implementasi"]["shown"] is not None
    assert set(own["change"]["values"]) == {"BP", "AK", "KO", "HA", "LO", "AD", "KL"}
    # The open period: live participation only, no result set, no score on its pages.
    later = Period.objects.get(code="DEMO-2027")
    assert later.state == "open" and not ResultSet.objects.filter(period=later).exists()
    live = Response.objects.filter(period=later).count()
    assert 0 < live < RosterEntry.objects.filter(period=later).count() // 2
    assert Invitation.objects.filter(period=later).used().count() == live
    assert Period.objects.count() == 4
    # A released pulse round just after this year's period, for the trend page (METHOD §15).
    pulse = Period.objects.get(code="DEMO-2026-DENYUT")
    assert pulse.instrument == "berakhlak-pulse-2026" and pulse.state == "closed"
    assert ResultSet.objects.filter(period=pulse).count() == 1

    password = re.search(r"kata sandi / password: (\S+)", out).group(1)
    assert password != re.search(r"kata sandi / password: (\S+)", first).group(1)
    assert client.login(username="admin", password=password)
    page = client.get("/periode/DEMO-2026/instansi/KAB-CONTOH/hasil/").content.decode()
    assert 'data-score="indeks_berakhlak"' in page
    ranking = page.split('id="unit-ranking"', 1)[1].split("</section>", 1)[0]
    # ranked on the Indeks BerAKHLAK: the eligible units with a finalised evaluation
    indexed = {code for code in eligible if (units[code]["indeks_berakhlak"] or {}).get("shown")}
    assert len(indexed) >= 5
    assert set(re.findall(r'<tr data-unit="([\w-]+)"', ranking)) == indexed
    page = client.get("/periode/DEMO-2027/instansi/KAB-CONTOH/hasil/").content.decode()
    assert "Hasil muncul setelah periode ditutup" in page and "data-score" not in page
    participation = client.get("/periode/DEMO-2027/instansi/KAB-CONTOH/partisipasi/")
    assert participation.status_code == 200
    trend = client.get("/instansi/KAB-CONTOH/tren/").content.decode()
    assert 'data-period="DEMO-2026"' in trend and 'data-period="DEMO-2026-DENYUT"' in trend
    links = re.findall(r"http://127\.0\.0\.1:8123/s/([\w-]+)/", out)
    assert len(links) == 5
    from budaya.survey.services import find_invitation

    found = [find_invitation(token) for token in links]
    assert all(not invitation.used and invitation.period == later for invitation in found)
