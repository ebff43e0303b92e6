"""The trimmed Bootstrap the pages load: up to date with its script, and holding every Bootstrap
class a template asks for."""

import importlib.util
import re
from pathlib import Path

from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "trim_bootstrap.py"
_spec = importlib.util.spec_from_file_location("trim_bootstrap", SCRIPT)
trim_bootstrap = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(trim_bootstrap)

CLASS_ATTRIBUTE = re.compile(r'class="([^"]*)"')
TEMPLATE_CODE = re.compile(r"\{[{%].*?[}%]\}")
# Classes in a stylesheet: ".name" before a selector character (not the "." of a number).
SELECTOR_CLASS = re.compile(r"\.(-?[A-Za-z_][A-Za-z0-9_-]*)")


def stylesheet_classes(css: str) -> set[str]:
    """The class names in the selectors of ``css`` (declaration blocks are left out)."""
    selectors = re.sub(r"\{[^{}]*\}", "{}", re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL))
    selectors = re.sub(r"@media[^{]*", "", selectors)
    return set(SELECTOR_CLASS.findall(selectors))


def template_classes() -> dict[str, set[str]]:
    """For each of our templates, the classes its ``class="..."`` attributes name literally."""
    found = {}
    for path in sorted((Path(settings.BASE_DIR) / "templates").rglob("*.html")):
        names = set()
        for value in CLASS_ATTRIBUTE.findall(path.read_text(encoding="utf-8")):
            names.update(TEMPLATE_CODE.sub(" ", value).split())
        found[str(path.relative_to(settings.BASE_DIR))] = names
    return found


def test_trimmed_bootstrap_is_what_the_script_writes_today():
    committed = trim_bootstrap.TRIMMED.read_text(encoding="utf-8")
    assert committed == trim_bootstrap.trimmed_css(), (
        "static/vendor/bootstrap-5.3.9/bootstrap.trimmed.min.css is out of date: "
        "run .venv/bin/python scripts/trim_bootstrap.py and commit the result"
    )


def test_no_template_uses_a_bootstrap_class_the_trimmed_sheet_dropped():
    full = stylesheet_classes(trim_bootstrap.SOURCE.read_text(encoding="utf-8"))
    trimmed = stylesheet_classes(trim_bootstrap.TRIMMED.read_text(encoding="utf-8"))
    missing = {
        template: sorted((names & full) - trimmed)
        for template, names in template_classes().items()
        if (names & full) - trimmed
    }
    assert not missing, f"Bootstrap classes missing from the trimmed sheet: {missing}"


def test_trimmed_bootstrap_keeps_the_licence_and_drops_what_no_page_uses():
    css = trim_bootstrap.TRIMMED.read_text(encoding="utf-8")
    assert "Copyright 2011-2026 The Bootstrap Authors" in css
    assert "Licensed under MIT" in css
    classes = stylesheet_classes(css)
    # What the pages use...
    assert {"btn", "btn-primary", "form-control", "is-invalid", "card", "row", "col-md-6"} <= (
        classes
    )
    # ...and components no page has.
    assert not {"carousel", "offcanvas", "modal", "accordion", "tooltip", "toast"} & classes
    assert "[data-bs-theme=dark]" not in css
    assert len(css) < len(trim_bootstrap.SOURCE.read_text(encoding="utf-8")) / 4


def test_a_class_a_template_starts_using_is_kept_by_the_script():
    """The script reads the words of the sources, so a new class in a template is kept."""
    words = trim_bootstrap.used_words()
    assert "carousel-item" not in stylesheet_classes(trim_bootstrap.trimmed_css(words))
    css = trim_bootstrap.trimmed_css(words | {"carousel", "carousel-item"})
    assert {"carousel", "carousel-item"} <= stylesheet_classes(css)
