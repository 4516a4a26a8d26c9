"""English web interface: the language cookie set to en gives English back-office pages.

Indonesian stays the default: without the cookie (or with an unknown language in it) the same
pages are Indonesian. The project catalogue (budaya/locale/en) must be complete, without fuzzy
entries, with the same placeholders as the Indonesian source, and compiled (.mo matches .po).
"""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.web_fixtures import _fast_passwords, instrument, release, world  # noqa: F401

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"

# Page -> (English strings that must appear, their Indonesian sources that must not).
LOGIN = (
    ["Staff login", "Username", "Password", "This page is for staff."],
    ["Masuk petugas", "Nama pengguna", "Kata sandi", "Halaman ini untuk petugas."],
)
HOME = (
    ["Welcome, admin_a", "Your roles:", "Institution administrator", "Upload the roster"],
    ["Selamat datang", "Peran Anda:", "Administrator instansi", "Unggah daftar pegawai"],
)
PARTICIPATION = (
    [
        "Number of responses per unit, updated live. Who answered is never shown.",
        "Response rate",
        "Work unit",
        "not yet eligible (7 short)",
    ],
    ["Jumlah jawaban per unit", "Tingkat respons", "Unit kerja", "belum memenuhi syarat"],
)
RESULTS = (
    [
        "The seven BerAKHLAK values",
        "% favourable",
        "21 behaviours, strongest first",
        "Work unit ranking",
        "Summary for a press release",
        "Copy the text",
    ],
    [
        "Tujuh nilai BerAKHLAK",
        "% favorabel",
        "21 perilaku, dari yang terkuat",
        "Peringkat unit kerja",
        "Ringkasan untuk siaran pers",
        "Salin teks",
    ],
)


def visible_text(html: str) -> str:
    """Return the page's text and attribute labels with tags removed and spaces collapsed."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    labels = " ".join(re.findall(r'aria-label="([^"]*)"', html))
    text = re.sub(r"<[^>]+>", " ", html) + " " + labels
    return re.sub(r"\s+", " ", text.replace("&#x27;", "'").replace("&quot;", '"'))


def fetch(client, world, page: str) -> str:
    """Return the visible text of `page` as the institution administrator of A sees it."""
    if page == "login":
        response = client.get(reverse("login"))
    else:
        client.force_login(world["admin_a"])
        url = {
            "home": reverse("home"),
            "participation": reverse("participation", args=["P-2026", "INST-A"]),
            "results": reverse("results", args=["P-2026", "INST-A"]),
        }[page]
        if page == "results":
            release(world["period"])
        response = client.get(url)
    assert response.status_code == 200
    return visible_text(response.content.decode())


PAGES = {"login": LOGIN, "home": HOME, "participation": PARTICIPATION, "results": RESULTS}


@pytest.mark.parametrize("page", PAGES)
def test_each_page_is_english_when_the_language_cookie_says_en(client, world, page):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = fetch(client, world, page)
    english, indonesian = PAGES[page]
    for phrase in english:
        assert phrase in text, f"{page}: {phrase!r} missing"
    for phrase in indonesian:
        assert phrase not in text, f"{page}: {phrase!r} still Indonesian"


@pytest.mark.parametrize("page", PAGES)
def test_each_page_stays_indonesian_without_the_language_cookie(client, world, page):
    text = fetch(client, world, page)
    english, indonesian = PAGES[page]
    for phrase in indonesian:
        assert phrase in text, f"{page}: {phrase!r} missing"
    for phrase in english:
        assert phrase not in text, f"{page}: {phrase!r} is English by default"


def test_an_unknown_language_in_the_cookie_falls_back_to_indonesian(client, world):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert "Masuk petugas" in fetch(client, world, "login")


def test_value_names_and_the_index_name_stay_indonesian_in_english(client, world):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = fetch(client, world, "results")
    for name in ("Berorientasi Pelayanan", "Akuntabel", "Kolaboratif", "Indeks BerAKHLAK"):
        assert name in text


def test_the_language_switch_stores_english_in_the_cookie_and_the_page_follows(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(reverse("login"))
    assert page.headers["Content-Language"] == "en"
    assert '<html lang="en">' in page.content.decode()
    assert "Staff login" in visible_text(page.content.decode())
    client.post(reverse("set_language"), {"language": "id", "next": "/accounts/login/"})
    assert "Masuk petugas" in visible_text(client.get(reverse("login")).content.decode())


def test_plural_forms_follow_the_count_in_english():
    with translation.override("en"):
        one = translation.ngettext("%(total)s entri", "%(total)s entri", 1) % {"total": 1}
        many = translation.ngettext("%(total)s entri", "%(total)s entri", 3) % {"total": 3}
        reason = translation.ngettext(
            "Pilih paling banyak %(max)d alasan.", "Pilih paling banyak %(max)d alasan.", 1
        ) % {"max": 1}
    assert (one, many, reason) == ("1 entry", "3 entries", "Choose at most 1 reason.")


def po_entries(path: Path) -> list[dict]:
    """Return the entries of a .po file (header excluded) as dicts of field -> text, plus
    'flags' (the '#,' comment) and 'obsolete'."""
    entries = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        fields, key, flags, obsolete = {}, None, "", False
        for line in block.splitlines():
            if line.startswith("#~"):
                obsolete = True
            elif line.startswith("#,"):
                flags += line[2:]
            elif line.startswith('"') and key:
                fields[key] += ast.literal_eval(line)
            elif line and not line.startswith("#"):
                key, rest = line.split(" ", 1)
                fields[key] = ast.literal_eval(rest)
        if fields.get("msgid"):
            entries.append({**fields, "flags": flags, "obsolete": obsolete})
    return entries


def placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\([a-z_]+\)[sd]|%%", text))


def test_the_project_catalogue_is_complete_with_matching_placeholders_and_no_fuzzy():
    entries = po_entries(CATALOGUE / "django.po")
    assert len(entries) > 300  # every app except the survey, which keeps its own catalogue
    for entry in entries:
        assert not entry["obsolete"], entry["msgid"]
        assert "fuzzy" not in entry["flags"], entry["msgid"]
        translations = [v for k, v in entry.items() if k.startswith("msgstr")]
        assert translations and all(translations), f"untranslated: {entry['msgid']!r}"
        for text in translations:
            assert placeholders(text) == placeholders(entry["msgid"]), entry["msgid"]


def test_the_compiled_catalogue_matches_the_po_file():
    with (CATALOGUE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in po_entries(CATALOGUE / "django.po"):
        if "msgid_plural" in entry:
            got = (
                compiled.ngettext(entry["msgid"], entry["msgid_plural"], 1),
                compiled.ngettext(entry["msgid"], entry["msgid_plural"], 2),
            )
            assert got == (entry["msgstr[0]"], entry["msgstr[1]"]), entry["msgid"]
        elif "msgctxt" in entry:
            got = compiled.pgettext(entry["msgctxt"], entry["msgid"])
            assert got == entry["msgstr"], (entry["msgctxt"], entry["msgid"])
        else:
            assert compiled.gettext(entry["msgid"]) == entry["msgstr"], entry["msgid"]
