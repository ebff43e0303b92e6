"""The WhatsApp message builder every shareable page uses."""

from urllib.parse import parse_qs, urlsplit

from core.sharing import plain_text, whatsapp_send_to_url, whatsapp_share_url, whatsapp_text

URL = "https://kim.example.id/s/p1a"


def test_bold_title_lines_then_link():
    text = whatsapp_text(title="Panen raya", lines=["Warga panen padi.", "Hasilnya baik."], url=URL)
    assert text == f"*Panen raya*\n\nWarga panen padi.\nHasilnya baik.\n\n{URL}"


def test_html_and_entities_become_plain_text():
    text = whatsapp_text(
        title="Jalan &amp; jembatan", lines=["<p>Dibangun <b>cepat</b> &gt; 2 km</p>"], url=URL
    )
    assert text.startswith("*Jalan & jembatan*\n\n")
    assert "Dibangun cepat > 2 km" in text
    assert "&amp;" not in text and "&gt;" not in text and "<" not in text


def test_formatting_characters_in_the_title_do_not_break_the_bold():
    assert whatsapp_text(title="*Hoaks* soal _vaksin_", url=URL).startswith("*Hoaks soal vaksin*")


def test_never_longer_than_the_limit_and_keeps_title_and_link():
    long_line = "kata " * 400
    text = whatsapp_text(title="Judul", lines=["Pembuka singkat.", long_line, "Tak muat"], url=URL)
    assert len(text) <= 700
    assert text.startswith("*Judul*\n\nPembuka singkat.\n") and text.endswith(f"…\n\n{URL}")
    assert "Tak muat" not in text
    digest = whatsapp_text(title="Ringkasan", lines=[long_line] * 10, url=URL, limit=2000)
    assert 1900 < len(digest) <= 2000


def test_a_title_too_long_for_the_limit_is_shortened():
    text = whatsapp_text(title="panjang " * 200, lines=["isi"], url=URL)
    assert len(text) <= 700 and text.endswith(URL) and "…*" in text


def test_empty_lines_are_skipped():
    assert whatsapp_text(title="Judul", lines=["", "<p></p>", None], url=URL) == f"*Judul*\n\n{URL}"


def test_plain_text_keeps_paragraph_breaks():
    assert plain_text("Baris satu\n\n  Baris   dua ") == "Baris satu\nBaris dua"


def test_share_links_carry_the_text():
    text = whatsapp_text(title="Judul", lines=["Isi & lain"], url=URL)
    share = urlsplit(whatsapp_share_url(text))
    assert (share.netloc, share.path) == ("wa.me", "/")
    assert parse_qs(share.query)["text"] == [text]
    send = urlsplit(whatsapp_send_to_url("+62 812-3456-7890", "Kode: ABC123"))
    assert send.path == "/6281234567890"
    assert parse_qs(send.query)["text"] == ["Kode: ABC123"]
