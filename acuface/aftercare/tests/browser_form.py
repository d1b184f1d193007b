"""What a browser sends for a form nobody touched: the defaults the page itself carries.

Read from the page's HTML with the standard library's parser (not with Django's form), so a
default that the widget puts on the page, and that looks like an answer, shows up here.
"""

from __future__ import annotations

from html.parser import HTMLParser

from django.utils.datastructures import MultiValueDict


class _FormDefaults(HTMLParser):
    def __init__(self, form_class: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_class = form_class
        self.inside = False
        self.values: MultiValueDict[str, str] = MultiValueDict()
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form" and self.form_class in a.get("class", "").split():
            self.inside = True
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self.values.appendlist(name, a.get("value", "on"))
            elif kind == "range":
                # A range input without a value sends the middle of its range.
                low, high = float(a.get("min") or 0), float(a.get("max") or 100)
                middle = a.get("value") or str(round(low + (high - low) / 2))
                self.values.appendlist(name, middle)
            elif kind not in ("file", "submit", "button", "reset", "image"):
                self.values.appendlist(name, a.get("value", ""))
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, None
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self._select_chosen = value
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            chosen = self._select_chosen if self._select_chosen is not None else self._select_first
            self.values.appendlist(self._select, chosen or "")
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.values.appendlist(self._textarea, "".join(self._text).lstrip("\n"))
            self._textarea = None


def untouched_post(html: str, form_class: str = "checkin-form") -> dict[str, list[str]]:
    """The data a browser would post from the page's form if nobody touched it."""
    parser = _FormDefaults(form_class)
    parser.feed(html)
    return {k: parser.values.getlist(k) for k in parser.values}
