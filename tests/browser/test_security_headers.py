"""The Content-Security-Policy in a real browser: what an attacker injects does not run, and
every role's pages, the admin's included, keep working without the policy refusing anything.

The ``new_context`` fixture (tests/browser/conftest.py) fails any test whose pages had something
refused, so each visit below also checks that the page carries nothing inline.
"""

import io
from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image
from playwright.sync_api import expect

from groups.models import Membership
from news.models import Category, Post
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    REPORT_CSP_VIOLATIONS,
    is_csp_violation,
    log_in,
)
from tests.conftest import PASSWORD
from tests.factories import (
    DistrictFactory,
    KimFactory,
    MembershipFactory,
    PostFactory,
    UserFactory,
    VillageFactory,
)
from tests.trainings.factories import RegistrationFactory, SessionFactory, TrainingFactory


def open_page(new_context, viewport=PHONE):
    context = new_context(viewport=viewport)
    context.set_default_timeout(10_000)
    return context.new_page()


def visit(page, url):
    response = page.goto(url)
    assert response.status == 200, url
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "camera=()" in response.headers["permissions-policy"]
    return response


def test_injected_script_handler_and_style_are_refused(live, browser):
    """Should a post or a name ever slip past the sanitiser, the browser still runs nothing."""
    PostFactory(title="Posyandu Bailangu buka setiap Selasa")
    context = browser.new_context()
    context.add_init_script(script=REPORT_CSP_VIOLATIONS)
    refused = []
    context.on("console", lambda m: refused.append(m.text) if is_csp_violation(m) else None)
    page = context.new_page()
    visit(page, live + "/")

    page.evaluate(
        """() => {
        const box = document.createElement("div");
        box.innerHTML = '<img src="/static/img/logo.svg" onload="window.pwned = 1">' +
          '<a id="evil" href="javascript:window.pwned = 2">klik</a>' +
          '<p id="styled" style="color: rgb(255, 0, 0)">merah</p>';
        document.body.append(box);
        const script = document.createElement("script");
        script.textContent = "window.pwned = 3";
        document.body.append(script);
        const style = document.createElement("style");
        style.textContent = "body { display: none }";
        document.head.append(style);
    }"""
    )
    page.locator("#evil").click()

    expect(page.locator("#styled")).to_be_visible()
    assert page.evaluate("window.pwned") is None
    assert page.locator("#styled").evaluate("p => getComputedStyle(p).color") != "rgb(255, 0, 0)"
    expect(page.get_by_text("Posyandu Bailangu buka setiap Selasa")).to_be_visible()
    refused_text = "\n".join(refused)
    for directive in ("script-src-attr", "script-src-elem", "style-src-attr", "style-src-elem"):
        assert directive in refused_text
    context.close()


def test_a_villager_reads_the_public_pages(live, new_context):
    Category.objects.get_or_create(slug="kesehatan", defaults={"name": "Kesehatan"})
    village = VillageFactory(name="Bailangu", district=DistrictFactory(name="Sekayu"))
    post = PostFactory(
        title="Posyandu Bailangu buka setiap Selasa", kim=KimFactory(village=village)
    )
    training = TrainingFactory(title="Pelatihan Jurnalistik Warga")
    SessionFactory(training=training)
    page = open_page(new_context)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])

    visit(page, live + "/")
    expect(
        page.get_by_role("link", name="Posyandu Bailangu buka setiap Selasa").first
    ).to_be_visible()
    visit(page, live + "/berita/")
    visit(page, live + post.get_absolute_url())
    # The copy-link button, wired by a static script, copies the post's address.
    copy = page.locator("[data-copy-target]")
    expect(copy).to_be_visible()
    copy.click()
    expect(copy).to_have_text(copy.get_attribute("data-copied-label"))
    assert page.evaluate("navigator.clipboard.readText()").endswith(post.get_absolute_url())
    visit(page, live + training.get_absolute_url())
    expect(page.get_by_role("heading", name="Pelatihan Jurnalistik Warga")).to_be_visible()
    visit(page, live + "/kim/cakupan/")
    visit(page, live + f"/aspirasi/kirim/?desa={village.code}")
    expect(page.get_by_role("button", name="Kirim")).to_be_visible()


def test_a_member_writes_a_post_with_the_editor_working(live, new_context, tmp_path):
    Category.objects.get_or_create(slug="kesehatan", defaults={"name": "Kesehatan"})
    kim = KimFactory(name="KIM Bailangu")
    MembershipFactory(kim=kim, role=Membership.Role.MEMBER, user=UserFactory(email="ani@kim.test"))
    big = tmp_path / "besar.jpg"
    big.write_bytes(b"\xff\xd8" + b"\0" * (9 * 1024 * 1024))
    photo = tmp_path / "posyandu.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), (90, 160, 90)).save(buffer, format="JPEG")
    photo.write_bytes(buffer.getvalue())

    page = open_page(new_context)
    log_in(page, live, "ani@kim.test", PASSWORD)
    visit(page, live + "/berita/tulis/")

    # The toolbar (built by editor.js) writes Markdown into the body.
    body = page.get_by_label("Isi berita")
    body.fill("Layanan dibuka pukul 08.00.")
    body.press("End")
    page.get_by_role("button", name="Daftar").click()
    expect(body).to_have_value("Layanan dibuka pukul 08.00.\n\n- butir daftar")

    # A 9 MB photo is refused as soon as it is chosen, and not sent.
    cover = page.get_by_label("Foto sampul")
    cover.set_input_files(str(big))
    expect(page.get_by_role("alert")).to_have_text("Ukuran berkas lebih dari 8 MB.")
    assert cover.evaluate("input => input.files.length") == 0

    # A double tap on "save" sends the form once.
    page.get_by_label("Judul").fill("Posyandu Bailangu buka layanan imunisasi")
    page.get_by_label("Teras berita").fill("Posyandu membuka imunisasi setiap Selasa pagi.")
    page.get_by_label("Kategori").select_option(label="Kesehatan")
    cover.set_input_files(str(photo))
    page.get_by_label("Isi foto").fill("Kader posyandu menimbang balita")
    sent = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    page.get_by_role("button", name="Simpan draf").dblclick()
    expect(page.get_by_role("button", name="Simpan dan ajukan untuk ditinjau")).to_be_visible()

    assert sent == [live + "/berita/tulis/"]
    assert Post.objects.filter(title="Posyandu Bailangu buka layanan imunisasi").count() == 1


def test_staff_check_in_print_and_use_the_admin(live, new_context, staff_user):
    today = timezone.localdate()
    training = TrainingFactory(
        title="Pelatihan Jurnalistik Warga", start_date=today, end_date=today + timedelta(days=1)
    )
    registration = RegistrationFactory(training=training, name="Rina Utami")
    kim = KimFactory(name="KIM Bailangu")
    KimFactory(name="KIM Sukarami")

    page = open_page(new_context)
    log_in(page, live, staff_user.email, PASSWORD)
    visit(page, live + f"/pelatihan/cek/{registration.code}/")
    page.get_by_role("button", name="Catat hadir hari ke-1").click()
    expect(page.get_by_text("hadir", exact=True)).to_be_visible()
    assert registration.attendances.filter(date=today).exists()

    visit(page, live + f"/pelatihan/{training.slug}/daftar-hadir/{today.isoformat()}/")
    page.evaluate("window.print = () => { window.printed = true; }")
    page.get_by_role("button", name="Cetak").click()
    assert page.evaluate("window.printed") is True

    admin = open_page(new_context, viewport=DESKTOP)
    log_in(admin, live, staff_user.email, PASSWORD)
    visit(admin, live + "/admin/")
    visit(admin, live + "/admin/groups/kim/")
    expect(admin.get_by_role("link", name="KIM Bailangu")).to_be_visible()
    # The change form's date shortcuts are the admin's own scripts.
    visit(admin, live + f"/admin/groups/kim/{kim.pk}/change/")
    admin.locator("#id_sk_date").locator("xpath=..").get_by_role("link", name="Hari ini").click()
    expect(admin.locator("#id_sk_date")).to_have_value(today.strftime("%d-%m-%Y"))
    visit(admin, live + "/admin/groups/kim/import/")
    expect(admin.locator("input[type=file]")).to_be_attached()

    # The export page's "Select all" box, wired by a static script, clears and ticks every
    # column; the export then downloads.
    visit(admin, live + "/admin/groups/kim/export/")
    columns = admin.locator(".selectable-field-export-row input[type=checkbox]")
    expect(columns.first).to_be_checked()
    admin.get_by_label("Pilih semua").uncheck()
    assert columns.evaluate_all("boxes => boxes.filter(b => b.checked).length") == 0
    admin.get_by_label("Pilih semua").check()
    assert columns.evaluate_all("boxes => boxes.every(b => b.checked)")
    admin.get_by_label("Format").select_option(label="xlsx")
    with admin.expect_download() as download:
        admin.locator("input[type=submit]").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    names = [
        row[0]
        for row in load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active.values
    ]
    assert names == ["nama_kim", "KIM Bailangu", "KIM Sukarami"]


def test_every_admin_list_and_add_page_works_under_the_policy(live, new_context):
    """Django's admin and django-import-export's pages are third-party templates: each list,
    add and change page loads without the policy refusing anything."""
    from django.contrib import admin as django_admin
    from django.urls import reverse

    superuser = UserFactory(email="admin@contoh.test", is_staff=True, is_superuser=True)
    PostFactory()
    RegistrationFactory()
    page = open_page(new_context, viewport=DESKTOP)
    log_in(page, live, superuser.email, PASSWORD)

    pages = []
    for model in django_admin.site._registry:
        opts = model._meta
        pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        if django_admin.site._registry[model].has_add_permission(_request_as(superuser)):
            pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        if row := model._default_manager.order_by("pk").first():
            name = f"admin:{opts.app_label}_{opts.model_name}_change"
            pages.append(reverse(name, args=[row.pk]))
    assert "/admin/groups/kim/" in pages and "/admin/news/post/" in pages
    assert len([url for url in pages if url.endswith("/change/")]) >= 10
    for url in pages:
        visit(page, live + url)
        expect(page.locator("#content")).to_be_visible()


def _request_as(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request
