"""4 Commands: who leads each command, the team's forces in it, its allies there (in the scenario's
words: "4 Sectors", "crews", "districts")."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable

from exercise.engine import commands as cm
from exercise.engine import explain
from exercise.engine.view_types import CommandView
from exercise.tui.base import Detail
from exercise.tui.modals import ConfirmModal, Field, FormModal, lead_answer_fields
from exercise.tui.team.base import TeamTab
from exercise.tui.team.format import clip, num


class CommandsTab(TeamTab, Vertical):
    BINDINGS = [
        Binding("a", "assign", "Assign", tooltip="assign {forces} (points of one of your {capabilities}) to the selected {command}; 0 withdraws"),
        Binding("l", "lead", "Take lead", tooltip="take the lead of the selected {command}"),
        Binding("g", "hand_back", "Hand back", tooltip="hand the lead of the selected {command} back"),
        Binding("v", "answer_request", "Answer request",
                tooltip="approve or refuse another team's request to lead the selected {command} (where you decide)"),
    ]

    def compose(self) -> ComposeResult:
        yield DataTable(id="tm-commands", cursor_type="row", zebra_stripes=True)
        yield Detail("", id="tm-command-detail")

    def on_mount(self) -> None:
        self.query_one("#tm-commands", DataTable).add_columns("Command", "Led by", "Your forces",
                                                                "Leading it ties up", "Your allies")

    def render_view(self) -> None:
        assert self.view is not None  # the screen sets it before anything renders or acts
        v, me = self.view, self.view.me
        self._headings("tm-commands", "{Command}", "Led by", "Your {forces}", "Leading it ties up", "Your {allies}")
        mine = set(me.allies)
        names = {a.id: a.name for a in v.allies}
        rows = []
        for c in sorted(v.commands, key=lambda c: (not self._involved(c), c.name)):
            led = c.lead_name or "nobody"
            if c.lead_team == me.id:
                led += " (you)"
                if c.manned is not None and c.manned < 1:
                    led += f", {explain.manning_words(c.manned, c.manning_turns)}"
            elif c.lead_team:  # on a narrow screen the team alone: it is who plays the lead
                led = self._team_name(c.lead_team) if self.narrow else f"{led} ({self._team_name(c.lead_team)})"
            ours = [a for a in c.allies if a in mine]
            forces = me.forces[c.id]
            points = self._forces_cell(forces.points, forces.capabilities)
            name = Text(clip(c.name, self._w(30, 44)), style="bold" if self._involved(c) else "")
            allies = clip(", ".join(names.get(a, a) for a in ours) or "-", self._w(14, 24))
            rows.append((c.id, (name, clip(led, 26), points,
                                f"{c.lead_staff} staff, {num(c.lead_cost)} {v.unit}/turn", allies)))
        self._fill("tm-commands", rows)
        self.show_command_detail()

    def _forces_cell(self, points: float, capabilities: int) -> str:
        """The team's forces in a command: points assigned, from how many of its capabilities
        ("7.5 pts in 3 capabilities"; "7.5 in 3" said neither what nor in what)."""
        if not capabilities:
            return "-"
        said = f"{num(points)} pt{'' if points == 1 else 's'}"
        return said + self._say(f" in {capabilities} {{capabilities}}") if capabilities > 1 else said

    def _involved(self, c: CommandView) -> bool:
        assert self.view is not None  # the screen sets it before anything renders or acts
        me = self.view.me
        return (c.lead_team == me.id or any(a in me.allies for a in c.allies)
                or bool(me.forces[c.id].capabilities))

    def _command(self, cid: str | None) -> CommandView | None:
        return next((c for c in self.view.commands if c.id == cid), None) if self.view else None

    @on(DataTable.RowHighlighted, "#tm-commands")
    def show_command_detail(self) -> None:
        if not self.view:
            return
        me = self.view.me
        c = self._command(self._selected("tm-commands"))
        out = Text()
        out.append(self._say(
            f"{{Staff}}: {me.staff_used} of {me.staff} in use ({{staff}} run a {{command}} your team leads: each "
            "lead ties up its staff, and without enough free you cannot take another)"
            # after the end no key acts: offer none
            + ("" if self.view.status == "ended" else
               " · a assigns {forces}, l takes (or asks for) the lead, g hands it back, v answers a lead request")
            + "\n"), style="italic")
        if c is not None:
            names = {a.id: a.name for a in self.view.allies}
            out.append(c.name, style="bold")
            out.append(f" · {c.area}\n" if c.area else "\n")
            ours = [names.get(a, a) for a in c.allies if a in me.allies]
            out.append(self._say(f"Leading it costs {num(c.lead_cost)} {self.view.unit} a turn and {c.lead_staff} "
                                 "{staff}. Your {allies} in it: ") + (", ".join(ours) or "none") + "\n")
            if c.lead_rules:
                out.append(c.lead_rules + "\n")
            if c.manned is not None and c.lead_team:
                out.append(f"Lead staff in post: {explain.manning_words(c.manned, c.manning_turns)} "
                           "(conditions and the verdict count a lead by its staff in post)\n")
            for q in c.requests:
                out.append(explain.request_words(q, me.id) + "\n",
                           style="bold" if q.status == "pending" and q.you_decide else "")
            by_team: dict[str, list[str]] = {}
            for f in c.forces:
                if f.amount:
                    by_team.setdefault(f.team, []).append(f"{self._track_name(f.capability)} {num(f.amount)}")
            own = by_team.pop(me.id, [])
            out.append(self._say("Your {forces}: ") + ("; ".join(own) if own else "none assigned") + "\n")
            for team, items in by_team.items():
                out.append(f"{self._team_name(team)}: " + "; ".join(items) + "\n")
        self._show("tm-command-detail", out)

    # -- acting ---------------------------------------------------------------------------
    def _selected_command(self) -> CommandView | None:
        c = self._command(self._selected("tm-commands"))
        if c is None:
            self.notify(self._say("No {command} to act on."), markup=False)
        return c

    @work(exclusive=True, group="team-action")
    async def action_assign(self, capability: str | None = None) -> None:
        """Assign forces to the selected command; `capability`: the one to offer first (the
        Tracks tab passes its selected one)."""
        assert self.view is not None  # the screen sets it before anything renders or acts
        v, me = self.view, self.view.me
        c = self._selected_command()
        if c is None:
            return
        if not v.team_tracks:
            self.notify(self._say("This scenario has no {capabilities} to assign."), markup=False)
            return
        forces = me.forces[c.id]
        here, elsewhere = forces.here, forces.elsewhere
        options = []
        for t in v.team_tracks:
            have = t.values.get(me.id, 0.0)
            options.append((f"{t.name}: {num(have)} in all, {num(here.get(t.id, 0))} here, "
                            f"{num(elsewhere.get(t.id, 0))} elsewhere", t.id))
        default = capability or next((cap for cap, amt in here.items() if amt), v.team_tracks[0].id)
        form = await self.app.push_screen_wait(FormModal(self._say("Assign {forces} to ") + c.name, [
            Field("capability", self._say("Of your {capabilities}"), "select", tuple(options), default=default),
            Field("amount", self._say("Points assigned to this {command} (0 withdraws)"), "number",
                  default=num(here.get(default, 0.0))),
        ], "Assign", intro=self._warning() + "The amount replaces what that one has here now."))
        if form and await self.link.send(cm.Assign(self._me(), self._me(), c.id, form["capability"],
                                                   form["amount"])):
            self.notify(f"{self._track_name(form['capability'])} {num(form['amount'])} to {c.name}",
                        title=self._say("{Forces} assigned"), markup=False)

    @work(exclusive=True, group="team-action")
    async def action_lead(self) -> None:
        assert self.view is not None  # the screen sets it before anything renders or acts
        v, me = self.view, self.view.me
        c = self._selected_command()
        if c is None:
            return
        if c.lead_refusal is not None:  # the engine's rule, through the view: say it before any form
            self.notify(c.lead_refusal, title="Cannot take the lead now", severity="warning", markup=False)
            return
        names = {a.id: a.name for a in v.allies}
        barred = dict(c.ineligible)  # the scenario's rule, through the view: offer only who may lead
        allowed = [a for a in me.allies if a not in barred]
        inside = [a for a in allowed if a in c.allies]
        options = tuple((names.get(a, a) + (self._say(" (in this {command})") if a in inside else ""), a)
                        for a in allowed)
        if not options:
            why = "; ".join(barred.values()) if barred else self._say("Your team plays no {ally} that could lead.")
            self.notify(why, title=self._say("None of your {allies} may lead it"), severity="warning", markup=False)
            return
        pending = [q for q in c.requests if q.team == me.id and q.status == "pending"]
        if pending:
            self.notify(explain.request_words(pending[0], me.id), title="Request pending", markup=False)
            return
        led = c.lead_name or "nobody"
        if c.lead_team and c.lead_team != me.id:
            led += f" ({self._team_name(c.lead_team)})"
        intro = (self._warning() + f"{c.name} is led by {led}. " + explain.take_lead_words(c, v.unit, v.words.staff)
                 + f" You have {me.staff - me.staff_used} {v.words.staff} free.")
        asks = c.approval != "none"  # a request, answered later (facilitator or member teams)
        if c.lead_rules:
            intro += "\n" + c.lead_rules
        form = await self.app.push_screen_wait(FormModal(f"Take the lead of {c.name}", [
            Field("ally", self._say("Which of your {allies} leads it"), "select", options,
                  default=(inside or allowed)[0])],
            "Ask to lead" if asks else "Take the lead", intro=intro))
        if form and await self.link.send(cm.TakeLead(self._me(), self._me(), c.id, form["ally"])):
            ally = names.get(form["ally"], form["ally"])
            if asks:
                self.notify(f"You asked that {ally} lead {c.name}; the answer shows here", title="Lead requested",
                            markup=False)
            else:
                self.notify(f"{ally} leads {c.name}", title="Lead taken", markup=False)

    @work(exclusive=True, group="team-action")
    async def action_answer_request(self) -> None:
        assert self.view is not None  # the screen sets it before anything renders or acts
        c = self._selected_command()
        if c is None:
            return
        mine = [q for q in c.requests if q.status == "pending" and q.you_decide]
        if not mine:
            self.notify(f"No request to lead {c.name} waits for your answer.", markup=False)
            return
        q = mine[0]
        form = await self.app.push_screen_wait(FormModal(
            f"{q.team_name} asks that {q.ally_name} lead {c.name}",
            lead_answer_fields("Your answer", "Why", "the other team"), "Answer",
            intro=self._warning() + (c.lead_rules or "")))
        if form and await self.link.send(cm.DecideLead(q.id, form["approve"] == "yes", form["reason"] or "",
                                                       actor=self._me(), team=self._me())):
            self.notify("Answer sent", title=f"Request of {q.team_name}", markup=False)

    @work(exclusive=True, group="team-action")
    async def action_hand_back(self) -> None:
        assert self.view is not None  # the screen sets it before anything renders or acts
        c = self._selected_command()
        if c is None:
            return
        if c.lead_team == self.view.me.id and c.hand_back_refusal is not None:  # the engine's rule: before asking
            self.notify(c.hand_back_refusal, title="Cannot hand it back now", severity="warning", markup=False)
            return
        if c.lead_team == self.view.me.id:
            ok = await self.app.push_screen_wait(ConfirmModal(
                "Hand back the lead?", explain.hand_back_words(c, self.view.unit, self.view.words),
                "Hand back"))
        else:
            ok = True  # not ours: the engine says so
        if ok and await self.link.send(cm.HandBack(self._me(), self._me(), c.id)):
            self.notify(f"You no longer lead {c.name}", title="Lead handed back", markup=False)
