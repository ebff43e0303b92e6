"""Write static/vendor/bootstrap-5.3.9/bootstrap.trimmed.min.css: Bootstrap with only the rules
whose selectors the portal can match.

    .venv/bin/python scripts/trim_bootstrap.py          # rewrite the trimmed sheet
    .venv/bin/python scripts/trim_bootstrap.py --check  # exit 1 if it is out of date

Like PurgeCSS, it reads every word that could be a class name in the files that render our
pages (our templates, the string literals of our Python code, our JavaScript and CSS, and the
templates of the installed packages that render into our pages: crispy-bootstrap5, allauth,
Django's forms) and keeps a selector only when each class it needs is one of those words; a
class inside ``:not(...)`` is not needed for a match. Custom properties (``--bs-*``) nobody
reads go too. The CSS is parsed with tinycss2; the licence header is kept as it is.

Run it after adding a Bootstrap class that no page used before; tests/kim_portal/
test_bootstrap_trim.py fails until you do.
"""

import argparse
import io
import re
import sys
import tokenize
from pathlib import Path

import tinycss2

BASE_DIR = Path(__file__).resolve().parent.parent
VENDOR = BASE_DIR / "static" / "vendor" / "bootstrap-5.3.9"
SOURCE = VENDOR / "bootstrap.min.css"
TRIMMED = VENDOR / "bootstrap.trimmed.min.css"

# Our own code: templates, Python, JavaScript and CSS (tests and migrations emit no classes).
OWN_APPS = sorted(
    path.name
    for path in BASE_DIR.iterdir()
    if (path / "__init__.py").exists() and path.name not in ("tests", "scripts")
)
# Installed packages whose templates render into our pages. Of crispy-bootstrap5, the templates
# its filters (|crispy, |as_crispy_field) reach: the portal uses no FormHelper layouts.
CRISPY = "templates/bootstrap5/"
PACKAGE_SOURCES = (
    ("crispy_forms", "templatetags/*.py"),
    *(
        ("crispy_bootstrap5", CRISPY + name)
        for name in (
            "uni_form.html",
            "display_form.html",
            "errors.html",
            "field.html",
            "layout/attrs.html",
            "layout/field_errors.html",
            "layout/field_errors_block.html",
            "layout/field_file.html",
            "layout/help_text.html",
            "layout/help_text_and_errors.html",
            "layout/radio_checkbox_select.html",
        )
    ),
    ("allauth", "templates/account/**/*.html"),
    ("allauth", "templates/allauth/**/*.html"),
    ("django", "forms/templates/**/*.html"),
)
# Classes built from a value at run time that no file spells out: messages.html writes
# "alert-{{ message.tags }}" (MESSAGE_TAGS maps error to "danger").
SAFELIST = {"alert-debug", "alert-info", "alert-success", "alert-warning", "alert-danger"}

WORD = re.compile(r"[A-Za-z0-9_-]+")
VAR_REFERENCE = re.compile(r"var\(\s*(--[A-Za-z0-9_-]+)")
LICENCE = re.compile(r"/\*!.*?\*/", re.DOTALL)


def source_files() -> list[Path]:
    """Every file whose words may be class names on a page."""
    import importlib.util

    files = list((BASE_DIR / "templates").rglob("*.html"))
    files += (BASE_DIR / "static" / "js").rglob("*.js")
    files += (BASE_DIR / "static" / "css").rglob("*.css")
    for app in OWN_APPS:
        files += (
            path
            for path in (BASE_DIR / app).rglob("*.py")
            if "migrations" not in path.parts and "tests" not in path.parts
        )
        files += (BASE_DIR / app).rglob("templates/**/*.html")
    for package, pattern in PACKAGE_SOURCES:
        spec = importlib.util.find_spec(package)
        files += Path(spec.origin).parent.glob(pattern)
    return sorted(set(files))


def _python_strings(text: str) -> str:
    """The string literals of Python source: a class name is a string there, and leaving out
    names and comments keeps a word like "ratio" in a function from keeping Bootstrap rules."""
    strings = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.STRING:
                strings.append(token.string)
    except (tokenize.TokenError, SyntaxError):
        return text
    return "\n".join(strings)


def used_words() -> set[str]:
    words = set(SAFELIST)
    for path in source_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".py":
            text = _python_strings(text)
        words.update(WORD.findall(text))
    return words


def _split_selectors(prelude: list) -> list[list]:
    selectors, current = [], []
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            selectors.append(current)
            current = []
        else:
            current.append(token)
    selectors.append(current)
    return selectors


def _needs(tokens: list) -> set[str]:
    """The class names and ``data-bs-*`` attributes an element must carry to match."""
    needed = set()
    previous = None
    for token in tokens:
        if token.type == "ident" and previous is not None and previous.type == "literal":
            if previous.value == ".":
                needed.add(token.value)
        elif token.type == "[] block":
            names = [t for t in token.content if t.type == "ident"]
            if names and names[0].value.startswith("data-bs-"):
                needed.add(names[0].value)
        elif token.type == "function" and token.lower_name != "not":
            needed |= _needs(token.arguments)
        if token.type != "whitespace":
            previous = token
        else:
            previous = None
    return needed


def _trim_rules(rules: list, words: set[str]) -> list:
    """The rules (and rules inside @media/@supports) whose selectors may match, each with only
    those selectors; @keyframes are kept for now (dropped later when nothing animates)."""
    kept = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [
                selector for selector in _split_selectors(rule.prelude) if _needs(selector) <= words
            ]
            if selectors:
                prelude = ",".join(tinycss2.serialize(s).strip() for s in selectors)
                kept.append([prelude, tinycss2.parse_blocks_contents(rule.content)])
        elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports"):
            inner = _trim_rules(
                tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True),
                words,
            )
            if inner:
                kept.append([f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}", inner])
        elif rule.type == "at-rule" and rule.lower_at_keyword == "keyframes":
            kept.append(
                [f"@keyframes {tinycss2.serialize(rule.prelude).strip()}", rule.content, "keep"]
            )
    return kept


def _declarations(block: list) -> list:
    return [item for item in block if item.type == "declaration"]


def _walk(kept: list):
    """Every [prelude, declarations] rule in ``kept``, inside @media too."""
    for entry in kept:
        if entry[0].startswith("@keyframes"):
            continue
        if entry[0].startswith("@"):
            yield from _walk(entry[1])
        else:
            yield entry


def _prune_custom_properties(kept: list, words: set[str]) -> None:
    """Drop ``--bs-*`` definitions that no kept declaration (nor our code) reads."""
    read = {word for word in words if word.startswith("--")}
    for _prelude, block in _walk(kept):
        for declaration in _declarations(block):
            if not declaration.name.startswith("--"):
                read.update(VAR_REFERENCE.findall(tinycss2.serialize(declaration.value)))
    while True:
        more = set()
        for _prelude, block in _walk(kept):
            for declaration in _declarations(block):
                if declaration.name in read:
                    more.update(VAR_REFERENCE.findall(tinycss2.serialize(declaration.value)))
        if more <= read:
            break
        read |= more
    for entry in _walk(kept):
        entry[1] = [
            d for d in _declarations(entry[1]) if not d.name.startswith("--") or d.name in read
        ]


def _serialize(kept: list, animations: set[str]) -> str:
    out = []
    for entry in kept:
        prelude, content = entry[0], entry[1]
        if prelude.startswith("@keyframes"):
            if prelude.split()[-1] in animations:
                out.append(f"{prelude}{{{tinycss2.serialize(content)}}}")
        elif prelude.startswith("@"):
            inner = _serialize(content, animations)
            if inner:
                out.append(f"{prelude}{{{inner}}}")
        elif content:
            body = ";".join(
                f"{d.lower_name if not d.name.startswith('--') else d.name}:"
                f"{tinycss2.serialize(d.value).strip()}{'!important' if d.important else ''}"
                for d in content
            )
            out.append(f"{prelude}{{{body}}}")
    return "".join(out)


def trimmed_css(words: set[str] | None = None) -> str:
    """The trimmed stylesheet for the words of ``words`` (default: the portal's sources)."""
    source = SOURCE.read_text(encoding="utf-8")
    words = used_words() if words is None else words
    rules = tinycss2.parse_stylesheet(source, skip_comments=True, skip_whitespace=True)
    kept = _trim_rules(rules, words)
    _prune_custom_properties(kept, words)
    text = _serialize(kept, animations=set())
    animations = {
        name
        for name in re.findall(r"animation(?:-name)?:([^;}]+)", text)
        for name in WORD.findall(name)
    }
    text = _serialize(kept, animations)
    header = LICENCE.search(source)[0]
    note = (
        "/* Trimmed to the rules the portal's pages can use by scripts/trim_bootstrap.py"
        " from bootstrap.min.css; do not edit, rerun the script. */"
    )
    return f'@charset "UTF-8";{header}\n{note}\n{text}\n'


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is out of date")
    args = parser.parse_args()
    css = trimmed_css()
    if args.check:
        if not TRIMMED.exists() or TRIMMED.read_text(encoding="utf-8") != css:
            print(f"{TRIMMED.relative_to(BASE_DIR)} is out of date: run {__file__}")
            return 1
        return 0
    TRIMMED.write_text(css, encoding="utf-8")
    print(f"{TRIMMED.relative_to(BASE_DIR)}: {len(css):,} bytes (from {SOURCE.stat().st_size:,})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
