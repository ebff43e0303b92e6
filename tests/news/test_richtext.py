from news.richtext import body_to_html


def test_bold_lists_and_links_render_as_people_type_them_on_a_phone():
    html = body_to_html("Yang dibawa:\n- buku KIA\n- kartu keluarga\n\nLihat [situs](https://a.id)")

    assert "<p>Yang dibawa:</p>" in html
    assert "<ul>\n<li>buku KIA</li>" in html
    assert '<a href="https://a.id" rel="nofollow noopener ugc">situs</a>' in html


def test_scripts_handlers_styles_and_javascript_links_never_survive():
    html = body_to_html(
        "<script>alert(1)</script> <img src=x onerror=alert(2)> "
        '<p style="color:red" onclick="x()">teks</p> [klik](javascript:alert(3)) '
        "<a href='JaVaScRiPt:alert(4)'>b</a> <iframe src=https://x></iframe>"
    )

    lowered = html.lower()
    for forbidden in ["<script", "onerror", "onclick", "style=", "javascript:", "<iframe", "<img"]:
        assert forbidden not in lowered
