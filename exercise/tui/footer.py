"""A footer that never cuts a key: on a narrow screen it shows the keys that fit whole, in
the screen's order, and leaves the rest to `?` (help) and ctrl+p (the palette).

Textual's Footer lays its keys out in one row and cuts the last one at the screen's edge
("m▏^p palette" at 80 columns); a key half shown is worse than none.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

ALWAYS = ("question_mark", "ctrl+q", "escape")  # help, quit and back stay, whatever else goes
# a screen adds its own with FOOTER_KEEP (the team console: s, submit, the step that ends a turn)


def key_width(key: FooterKey) -> int:
    """Cells a key takes in the (non-compact) footer: ' k ' then 'description ' (the palette's
    key, '▏^p palette ', as wide: its border takes the place of the space before the key)."""
    return cell_len(key.key_display) + 2 + (cell_len(key.description) + 1 if key.description else 0)


class FitFooter(Footer):
    """The keys that fit whole, the help key first among them to be kept."""

    _composed_for = 0

    def compose(self):
        width = self.size.width or self.app.size.width
        self._composed_for = width
        items = list(super().compose())  # the project's bindings have no groups: plain FooterKeys
        keys = [k for k in items if isinstance(k, FooterKey) and not k.has_class("-command-palette")]
        palette = [k for k in items if isinstance(k, FooterKey) and k.has_class("-command-palette")]
        always = ALWAYS + tuple(getattr(self.screen, "FOOTER_KEEP", ()))  # a screen's own must-shows (s Submit)
        room = width - sum(key_width(k) for k in keys if k.key in always)
        keep = set()
        for k in keys:
            if k.key in always:
                keep.add(id(k))
            elif key_width(k) <= room:
                keep.add(id(k))
                room -= key_width(k)
        for k in palette:  # the palette's key goes first when room is short
            if key_width(k) <= room:
                keep.add(id(k))
        for item in items:
            if not isinstance(item, FooterKey) or id(item) in keep:
                yield item

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._composed_for:
            self.call_after_refresh(self.recompose)
