"""Service errors: one gettext mechanism (budaya.language.Message). The command line prints
"Indonesian / English" exactly as before; a page shows the reader's language alone."""
# ruff: noqa: F811 - pytest fixtures imported from tests.web_fixtures are parameters here

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from budaya.language import Message, localized
from budaya.periods.services import PeriodStateError
from budaya.results.services import ComputeError, reopen_period
from tests.web_fixtures import _fast_passwords, instrument, release, world  # noqa: F401


def test_a_message_prints_both_languages_as_the_command_line_always_did():
    message = Message("periode {code} masih draf; hasil hanya dihitung setelah periode ditutup",
                      code="P-1")  # fmt: skip
    assert str(message) == (
        "periode P-1 masih draf; hasil hanya dihitung setelah periode ditutup / "
        "period P-1 is still a draft; results are computed only after closing"
    )
    assert message.localized("id") == (
        "periode P-1 masih draf; hasil hanya dihitung setelah periode ditutup"
    )
    assert message.localized("en") == (
        "period P-1 is still a draft; results are computed only after closing"
    )
    with translation.override("en"):
        assert localized(ComputeError(message)) == message.localized("en")
    assert localized(ValueError("plain")) == "plain"


def test_a_nested_error_and_an_untranslated_tail_keep_the_old_text():
    inner = ComputeError(Message("mesin skor menolak data", tail=": bad weights"))
    assert str(inner) == "mesin skor menolak data / the engine refused the data: bad weights"
    assert localized(inner, "en") == "the engine refused the data: bad weights"
    outer = Message(
        "periode ditutup, tetapi hasil belum dirilis: {error}; jalankan budaya compute {code}",
        error=inner,
        code="P-1",
    )
    assert str(outer) == (
        "periode ditutup, tetapi hasil belum dirilis: mesin skor menolak data / the engine "
        "refused the data: bad weights; jalankan budaya compute P-1 / the period is closed but "
        "results were not released"
    )
    assert outer.localized("id") == (
        "periode ditutup, tetapi hasil belum dirilis: mesin skor menolak data: bad weights; "
        "jalankan budaya compute P-1"
    )


def test_reopen_errors_keep_their_command_line_text(world):
    release(world["period"])
    for reason, text in (
        ("", "alasan membuka kembali wajib diisi / a reason for reopening is required"),
        ("x" * 501, "alasan terlalu panjang (501 karakter, maks. 500) / reason too long "
         "(501 characters, at most 500)"),
    ):  # fmt: skip
        try:
            reopen_period(world["period"], reason)
        except PeriodStateError as error:
            assert str(error) == text
        else:
            raise AssertionError("reopened without a valid reason")


def test_the_period_page_shows_a_refusal_in_the_readers_language(client, world):
    release(world["period"])
    client.force_login(world["national"])
    url = reverse("period_reopen", args=[world["period"].code])
    page = client.post(url, {"reason": ""}, follow=True).content.decode()
    assert "alasan membuka kembali wajib diisi" in page
    assert "a reason for reopening is required" not in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.post(url, {"reason": ""}, follow=True).content.decode()
    assert "a reason for reopening is required" in page
    assert "alasan membuka kembali wajib diisi" not in page


def test_a_404_page_says_why_in_the_readers_language_and_never_djangos_english(client, world):
    client.force_login(world["admin_a"])
    url = reverse("results_download", args=[world["period"].code, "INST-A", "xlsx"])
    response = client.get(url)  # the period is still open: no results yet
    assert response.status_code == 404
    assert "Hasil muncul setelah periode ditutup." in response.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(url)
    assert "Results appear after the period closes." in response.content.decode()
    missing = client.get(reverse("results_download", args=["NO-SUCH", "INST-A", "xlsx"]))
    assert missing.status_code == 404
    assert "matches the given query" not in missing.content.decode()
    assert "Page not found" in missing.content.decode()
