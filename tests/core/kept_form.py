"""Reading the form a 503 or 429 page keeps, as a browser would send it again."""

from html.parser import HTMLParser


class KeptForm(HTMLParser):
    """The first form with method="post" after the page's header: action, enctype and the
    fields with their values (a password or file input comes back empty)."""

    def __init__(self, html: str):
        super().__init__()
        self.action = None
        self.enctype = None
        self.inputs: list[dict] = []
        self._in_form = False
        self._textarea = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "kept-form" in (attrs.get("class") or ""):
            self._in_form = True
            self.action = attrs.get("action")
            self.enctype = attrs.get("enctype")
        elif self._in_form and tag == "input":
            self.inputs.append(
                {"name": attrs["name"], "type": attrs.get("type"), "value": attrs.get("value")}
            )
        elif self._in_form and tag == "textarea":
            self._textarea = {"name": attrs["name"], "type": "textarea", "value": ""}
            self.inputs.append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False

    def field(self, name: str) -> dict | None:
        return next((i for i in self.inputs if i["name"] == name), None)

    def data(self, **typed) -> dict:
        """The POST data of "Send it again", with what the person types again."""
        data: dict = {}
        for field in self.inputs:
            if field["value"] is not None:
                data.setdefault(field["name"], []).append(field["value"])
        return {**data, **typed}
