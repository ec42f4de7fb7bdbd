"""A footer that never cuts a key: on a narrow screen it shows the keys that fit whole, in
the screen's order, and leaves the rest to `?` (help) and ctrl+p (the palette).

Textual's Footer lays its keys out in one row and cuts the last one at the screen's edge
("m▏^p palette" at 80 columns); a key half shown is worse than none.

It also rebuilds all its keys whenever the focused widget changes (a tab key focuses that
tab's table): ~60 % of a tab switch went into that, for the same keys. This one rebuilds
only when what it shows changed.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

ALWAYS = ("question_mark", "ctrl+q", "escape")  # help, quit and back stay, whatever else goes
# a screen adds its own with FOOTER_KEEP (the team console: s, submit, the step that ends a turn),
# and may leave out, with FOOTER_HIDE, shown keys that do not apply to its tab or row now
# (the controller's r Release on an inject that is not held); the key itself still works


def key_width(key: FooterKey) -> int:
    """Cells a key takes in the (non-compact) footer: ' k ' then 'description ' (the palette's
    key, '▏^p palette ', as wide: its border takes the place of the space before the key)."""
    return cell_len(key.key_display) + 2 + (cell_len(key.description) + 1 if key.description else 0)


class FitFooter(Footer):
    """The keys that fit whole, the help key first among them to be kept."""

    _composed_for = 0
    _shown: tuple | None = None  # what the keys were composed from (see `_keys_shown`)

    def _keys_shown(self) -> tuple:
        """Everything the composed keys depend on: the shown bindings (key, what it says,
        enabled, tooltip), the palette's, and the screen's must-shows."""
        shown = tuple((b.key, b.action, b.description, b.group, b.key_display, enabled, tooltip)
                      for (_, b, enabled, tooltip) in self.screen.active_bindings.values()
                      if b.show or b.key == self.app.COMMAND_PALETTE_BINDING)
        return (shown, self.show_command_palette, getattr(self.screen, "FOOTER_KEEP", ()),
                getattr(self.screen, "FOOTER_HIDE", ()))

    def bindings_changed(self, screen: Screen) -> None:
        if self._bindings_ready and self.is_attached and screen is self.screen and self._shown == self._keys_shown():
            return  # the same keys: the focus moved between widgets that add none to the footer
        super().bindings_changed(screen)

    def compose(self):
        width = self.size.width or self.app.size.width
        self._composed_for = width
        self._shown = self._keys_shown() if self._bindings_ready else None
        items = list(super().compose())  # the project's bindings have no groups: plain FooterKeys
        hide = set(getattr(self.screen, "FOOTER_HIDE", ()))
        items = [k for k in items if not (isinstance(k, FooterKey) and k.key in hide)]
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
