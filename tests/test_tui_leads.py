"""Lead requests on the screens: a team asks, the facilitator answers with a reason (key g
in the Actions tab), and the team reads the answer and the manning in its Commands tab."""

from __future__ import annotations

import types

import attrs
from support import wait_for
from test_tui_team import SIZE, form, new_session, open_team, shown, team_app  # noqa: F401 (fixture)

from exercise.tui.facilitator import FacilitatorScreen


def _asking(mini):
    """The mini scenario with JFC North's lead approved by the facilitator, manned over 3 turns."""
    sc = mini.scenario
    coms = tuple(attrs.evolve(c, approval="facilitator", manning_turns=3) if c.id == "north" else c
                 for c in sc.commands)
    return types.SimpleNamespace(scenario=attrs.evolve(sc, commands=coms), texts=mini.texts)


async def test_a_team_asks_the_facilitator_refuses_with_a_reason_then_approves(mini, new_session):  # noqa: F811
    s = new_session(_asking(mini))
    app = team_app(s)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_team(pilot, app, "east")
        await pilot.press("4")
        modal = await form(pilot, app, "l", submit=False)
        assert "approved or refused by the facilitator" in modal.intro
        await form(pilot, app, None)
        assert s.records[-1]["command"]["kind"] == "take_lead"
        assert s.state.leads["north"] == "US" and len(s.state.pending_leads("east")) == 1
        await wait_for(lambda: "You asked (turn 1) that Poland lead it: pending, waiting for the facilitator"
                       in shown(screen), pilot=pilot)

        await pilot.press("escape")  # back to the console: the facilitator (SACEUR) answers
        await wait_for(lambda: isinstance(app.screen, FacilitatorScreen), pilot=pilot)
        await pilot.press("3")
        await wait_for(lambda: "1 lead request(s) waiting" in shown(app.screen), pilot=pilot)
        await form(pilot, app, "g", {"approve": "no", "reason": "SACEUR wants <b>[red]a larger nation"})
        record = s.records[-1]
        assert record["command"]["kind"] == "decide_lead" and not record["command"]["approve"]
        assert s.state.leads["north"] == "US"

        screen = await open_team(pilot, app, "east")
        await wait_for(lambda: "refused by the facilitator: SACEUR wants <b>[red]a larger nation" in shown(screen),
                       pilot=pilot)
        await form(pilot, app, "l")  # asks again; this time approved
        await pilot.press("escape")
        await wait_for(lambda: isinstance(app.screen, FacilitatorScreen), pilot=pilot)
        await form(pilot, app, "g", {"approve": "yes"})
        assert s.state.leads["north"] == "PL"
        screen = await open_team(pilot, app, "east")
        await wait_for(lambda: "Lead staff in post: manned 1/3" in shown(screen), pilot=pilot)


async def test_the_facilitator_is_told_its_answer_overrides_the_member_teams_vote(mini, new_session):  # noqa: F811
    sc = mini.scenario
    coms = tuple(attrs.evolve(c, approval="members") if c.id == "north" else c for c in sc.commands)
    s = new_session(types.SimpleNamespace(scenario=attrs.evolve(sc, commands=coms), texts=mini.texts))
    app = team_app(s)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await open_team(pilot, app, "east")
        await pilot.press("4")
        await form(pilot, app, "l")
        assert s.records[-1]["command"]["kind"] == "take_lead"
        await pilot.press("escape")
        await wait_for(lambda: isinstance(app.screen, FacilitatorScreen), pilot=pilot)
        await pilot.press("3")
        modal = await form(pilot, app, "g", submit=False)
        assert "your answer decides it for them, overriding their vote" in modal.intro, modal.intro


async def test_a_refusal_without_a_reason_keeps_the_form_open_with_what_was_chosen(mini, new_session):  # noqa: F811
    """Play-test: refusing without a reason closed the form ("Not done") and lost the answer;
    the label read "Reason (required to refuse…) (optional)"."""
    from textual.widgets import Label, Static

    from exercise.tui.modals import FormModal

    s = new_session(_asking(mini))
    app = team_app(s)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await open_team(pilot, app, "east")
        await pilot.press("4")
        await form(pilot, app, "l")
        await pilot.press("escape")
        await wait_for(lambda: isinstance(app.screen, FacilitatorScreen), pilot=pilot)
        await pilot.press("3")
        before = len(s.records)
        modal = await form(pilot, app, "g", {"approve": "no"}, submit=False)
        labels = [str(w.content) for w in modal.query(Label)]
        assert "Reason (required to refuse; the team sees it)" in labels and not any(
            "required" in x and "optional" in x for x in labels), labels
        await pilot.press("ctrl+s")
        await wait_for(lambda: "needs a reason" in str(modal.query_one("#form-error", Static).content), pilot=pilot)
        assert app.screen is modal and modal.query_one("#f-approve").value == "no"  # still open, answer kept
        assert len(s.records) == before  # nothing sent
        await form(pilot, app, None, {"reason": "a larger nation"})
        assert s.records[-1]["command"]["reason"] == "a larger nation" and not s.records[-1]["command"]["approve"]
        assert not isinstance(app.screen, FormModal)


async def test_the_footer_shows_g_only_while_a_lead_request_waits(mini, new_session):  # noqa: F811
    """Re-check N8: after the only waiting request was refused, the Actions footer still
    showed "g Lead request" next to "No lead request waits for an answer."."""
    from textual.widgets import Static

    s = new_session(_asking(mini))
    app = team_app(s)

    def footer() -> dict:
        return {b.binding.key: b.binding.description for b in app.screen.active_bindings.values()
                if b.binding.show and b.enabled}

    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(lambda: isinstance(app.screen, FacilitatorScreen), pilot=pilot)
        await pilot.press("3")
        await pilot.pause()
        assert "g" not in footer()  # nothing to answer: no key offered
        await open_team(pilot, app, "east")
        await pilot.press("4")
        await form(pilot, app, "l")
        await pilot.press("escape")
        await wait_for(lambda: isinstance(app.screen, FacilitatorScreen), pilot=pilot)
        await wait_for(lambda: footer().get("g") == "Lead request", pilot=pilot)
        await form(pilot, app, "g", {"approve": "no", "reason": "not now"})
        await wait_for(lambda: "No lead request waits" in str(app.screen.query_one("#lead-detail", Static).content),
                       pilot=pilot)
        await pilot.pause()
        assert "g" not in footer()
