"""A small, safe expression language for inject conditions and outcomes.

    track.us_trust <= 2 and turn >= 4 and fired("rail-blast")

Parsed by hand (no `eval`), name-checked against the scenario when a pack loads, and
compiled to closures so the engine can evaluate thousands per second. Evaluation reads
the world through a `World` protocol the engine implements; nothing here knows the state.

Grammar (lowest precedence first):
    expr    := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | compare
    compare := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)?
    sum     := term (("+" | "-") term)*
    term    := unary (("*" | "/") unary)*
    unary   := "-" unary | atom
    atom    := NUMBER | "true" | "false" | name ("." name)* | func "(" STRING ("," STRING)* ")"
             | "(" expr ")"
Division by zero gives 0, so a condition can never crash a running exercise.
"""

from __future__ import annotations

import difflib
import operator
import re
from typing import Any, Callable, Protocol

import attrs


class ConditionError(Exception):
    """A syntax or name error at `offset` (0-based, in the expression text)."""

    def __init__(self, message: str, offset: int = 0):
        super().__init__(message)
        self.message = message
        self.offset = offset


@attrs.frozen
class Names:
    """The ids an expression may refer to, taken from a scenario."""

    world_tracks: frozenset[str] = frozenset()
    team_tracks: frozenset[str] = frozenset()
    teams: frozenset[str] = frozenset()
    allies: frozenset[str] = frozenset()
    injects: frozenset[str] = frozenset()
    options: dict[str, frozenset[str]] = attrs.field(factory=dict)
    items: frozenset[str] = frozenset()
    commands: frozenset[str] = frozenset()


class World(Protocol):
    """What an expression may read; the engine implements it over its state."""

    turn: int
    turns: int

    def track(self, track_id: str) -> float: ...
    def team_track(self, team_id: str, track_id: str) -> float: ...
    def ally(self, ally_id: str, attribute: str) -> float: ...
    def call(self, function: str, args: tuple[str, ...]) -> float | bool: ...


# Functions: name -> (argument kinds, description). Kinds name a set in `Names`.
FUNCTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "fired": (("inject",), "true once the inject has fired"),
    "chosen": (("inject", "option"), "number of teams that chose that option of the inject"),
    "delivered": (("item",), "units of the item delivered so far, all teams"),
    "delivered_to": (("team", "item"), "units of the item delivered to the team so far"),
    "ordered": (("item",), "units of the item ordered so far (delivered or not), all teams"),
    "leads": (("team", "command"), "true while one of the team's allies leads the command"),
    "led": (("command",), "true while any player team's ally leads the command"),
    "avg": (("team_track",), "mean of a team track over the teams"),
    "min": (("team_track",), "lowest value of a team track over the teams"),
    "max": (("team_track",), "highest value of a team track over the teams"),
    "spending": (("team",), "defence spending of the team's allies, % of GDP (GDP-weighted)"),
    "fired_tagged": (("tag",), "number of fired injects carrying the tag"),
}

NAMES_HELP = {
    "turn": "the current turn (1 = first)",
    "turns": "the number of turns in the exercise",
    "track.<id>": "value of a world track",
    "team.<team>.<track>": "value of a team track for one team",
    "ally.<ally>.spending": "an ally's defence spending, % of GDP (also .gdp)",
}

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<num>\d+(?:\.\d+)?)
      | (?P<str>"[^"\\]*"|'[^'\\]*')
      | (?P<name>[A-Za-z_][A-Za-z0-9_\-]*)
      | (?P<op><=|>=|==|!=|<|>|\+|-|\*|/|\(|\)|,|\.)
    )""",
    re.X,
)
_KEYWORDS = {"and", "or", "not", "true", "false"}
_COMPARE = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


def _tokens(src: str) -> list[tuple[str, str, int]]:
    out, pos = [], 0
    while pos < len(src):
        if src[pos:].strip() == "":
            break
        m = _TOKEN.match(src, pos)
        if not m or m.end() == pos:
            bad = pos + len(src[pos:]) - len(src[pos:].lstrip())
            raise ConditionError(f"unexpected character {src[bad]!r}", bad)
        kind = m.lastgroup
        text = m.group(kind)
        out.append((kind, text, m.start(kind)))
        pos = m.end()
    out.append(("end", "", len(src)))
    return out


# AST nodes are tuples: ("num", v) ("bool", v) ("name", parts, off) ("call", f, args, off)
# ("str", s, off) ("cmp", op, l, r) ("arith", op, l, r) ("and", l, r) ("or", l, r)
# ("not", x) ("neg", x)
class _Parser:
    def __init__(self, src: str):
        self.src = src
        self.toks = _tokens(src)
        self.i = 0

    def peek(self):
        return self.toks[self.i]

    def take(self, text: str | None = None, kind: str | None = None):
        tok = self.toks[self.i]
        if (text is not None and tok[1] != text) or (kind is not None and tok[0] != kind):
            want = repr(text) if text else kind
            got = "the end" if tok[0] == "end" else repr(tok[1])
            raise ConditionError(f"expected {want}, found {got}", tok[2])
        self.i += 1
        return tok

    def parse(self):
        if self.peek()[0] == "end":
            raise ConditionError("empty condition", 0)
        node = self.expr()
        tok = self.peek()
        if tok[0] != "end":
            raise ConditionError(f"unexpected {tok[1]!r} (missing 'and' or 'or'?)", tok[2])
        return node

    def expr(self):
        node = self.conj()
        while self.peek()[1] == "or":
            self.i += 1
            node = ("or", node, self.conj())
        return node

    def conj(self):
        node = self.neg()
        while self.peek()[1] == "and":
            self.i += 1
            node = ("and", node, self.neg())
        return node

    def neg(self):
        if self.peek()[1] == "not":
            self.i += 1
            return ("not", self.neg())
        return self.compare()

    def compare(self):
        node = self.sum()
        tok = self.peek()
        if tok[0] == "op" and tok[1] in _COMPARE:
            self.i += 1
            node = ("cmp", tok[1], node, self.sum())
            nxt = self.peek()
            if nxt[0] == "op" and nxt[1] in _COMPARE:
                raise ConditionError("chained comparisons are not allowed; join them with 'and'", nxt[2])
        return node

    def sum(self):
        node = self.term()
        while self.peek()[1] in ("+", "-") and self.peek()[0] == "op":
            op = self.take()[1]
            node = ("arith", op, node, self.term())
        return node

    def term(self):
        node = self.unary()
        while self.peek()[1] in ("*", "/") and self.peek()[0] == "op":
            op = self.take()[1]
            node = ("arith", op, node, self.unary())
        return node

    def unary(self):
        if self.peek()[0] == "op" and self.peek()[1] == "-":
            self.i += 1
            return ("neg", self.unary())
        return self.atom()

    def atom(self):
        kind, text, off = self.peek()
        if kind == "num":
            self.i += 1
            return ("num", float(text))
        if kind == "op" and text == "(":
            self.i += 1
            node = self.expr()
            self.take(")")
            return node
        if kind == "str":
            raise ConditionError("a quoted id can only be an argument of a function such as fired(...)", off)
        if kind == "name":
            if text in ("true", "false"):
                self.i += 1
                return ("bool", text == "true")
            if text in _KEYWORDS:
                raise ConditionError(f"expected a value, found {text!r}", off)
            self.i += 1
            if self.peek()[1] == "(":
                return self.call(text, off)
            parts = [text]
            while self.peek()[1] == ".":
                self.i += 1
                parts.append(self.take(kind="name")[1])
            return ("name", tuple(parts), off)
        got = "the end" if kind == "end" else repr(text)
        raise ConditionError(f"expected a value, found {got}", off)

    def call(self, fname: str, off: int):
        self.take("(")
        args = []
        if self.peek()[1] != ")":
            while True:
                k, t, o = self.peek()
                if k != "str":
                    raise ConditionError(f"arguments of {fname}() are quoted ids, e.g. {fname}(\"some-id\")", o)
                self.i += 1
                args.append(("str", t[1:-1], o))
                if self.peek()[1] != ",":
                    break
                self.i += 1
        self.take(")")
        return ("call", fname, tuple(args), off)


def parse(src: str):
    """Parse an expression; raises ConditionError with the offset of the problem."""
    return _Parser(src).parse()


def _suggest(word: str, choices) -> str:
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check(tree, names: Names) -> list[ConditionError]:
    """Every unknown name, function or id in a parsed expression, each with its offset."""
    problems: list[ConditionError] = []

    def need(kind: str, value: str, off: int, inject: str | None = None):
        pool = {
            "inject": names.injects,
            "item": names.items,
            "team": names.teams,
            "command": names.commands,
            "team_track": names.team_tracks,
            "option": names.options.get(inject or "", frozenset()),
        }.get(kind)
        if pool is None or value in pool:
            return
        label = kind.replace("_", " ")
        where = f" of inject {inject!r}" if kind == "option" else ""
        if kind == "team_track" and value in names.world_tracks:
            msg = f"{value!r} is a world track; write track.{value} instead"
        else:
            msg = f"unknown {label} {value!r}{where}{_suggest(value, pool)}"
        problems.append(ConditionError(msg, off))

    def walk(node):
        tag = node[0]
        if tag == "name":
            parts, off = node[1], node[2]
            head = parts[0]
            if parts in (("turn",), ("turns",)):
                return
            if head == "track" and len(parts) == 2:
                if parts[1] not in names.world_tracks:
                    if parts[1] in names.team_tracks:
                        msg = (f"{parts[1]!r} is a team track: use team.<team>.{parts[1]} "
                               f"or avg(\"{parts[1]}\")")
                    else:
                        msg = f"unknown track {parts[1]!r}{_suggest(parts[1], names.world_tracks)}"
                    problems.append(ConditionError(msg, off))
                return
            if head == "team" and len(parts) == 3:
                need("team", parts[1], off)
                need("team_track", parts[2], off)
                return
            if head == "ally" and len(parts) == 3:
                if parts[1] not in names.allies:
                    problems.append(ConditionError(
                        f"unknown ally {parts[1]!r}{_suggest(parts[1], names.allies)}", off))
                if parts[2] not in ("spending", "gdp"):
                    problems.append(ConditionError(
                        f"unknown ally attribute {parts[2]!r} (use spending or gdp)", off))
                return
            known = ["turn", "turns", "track", "team", "ally"]
            problems.append(ConditionError(
                f"unknown name {'.'.join(parts)!r}{_suggest(parts[0], known)}; "
                "names are turn, turns, track.<id>, team.<team>.<track>, ally.<ally>.spending", off))
        elif tag == "call":
            fname, args, off = node[1], node[2], node[3]
            if fname not in FUNCTIONS:
                problems.append(ConditionError(
                    f"unknown function {fname!r}{_suggest(fname, FUNCTIONS)}", off))
                return
            kinds = FUNCTIONS[fname][0]
            if len(args) != len(kinds):
                sig = ", ".join(kinds)
                problems.append(ConditionError(f"{fname}() takes {len(kinds)} argument(s): {fname}({sig})", off))
                return
            for kind, arg in zip(kinds, args):
                need(kind, arg[1], arg[2], inject=args[0][1] if kind == "option" else None)
        elif tag in ("and", "or", "cmp", "arith"):
            for child in node[-2:]:
                walk(child)
        elif tag in ("not", "neg"):
            walk(node[1])

    walk(tree)
    return problems


Compiled = Callable[[World], Any]


def compile_expr(tree) -> Compiled:
    """Turn a parsed expression into a closure over a World."""
    tag = tree[0]
    if tag in ("num", "bool"):
        value = tree[1]
        return lambda w: value
    if tag == "name":
        parts = tree[1]
        if parts == ("turn",):
            return lambda w: w.turn
        if parts == ("turns",):
            return lambda w: w.turns
        if parts[0] == "track":
            tid = parts[1]
            return lambda w: w.track(tid)
        if parts[0] == "team":
            team, tid = parts[1], parts[2]
            return lambda w: w.team_track(team, tid)
        ally, attr = parts[1], parts[2]
        return lambda w: w.ally(ally, attr)
    if tag == "call":
        fname, args = tree[1], tuple(a[1] for a in tree[2])
        return lambda w: w.call(fname, args)
    if tag == "and":
        a, b = compile_expr(tree[1]), compile_expr(tree[2])
        return lambda w: bool(a(w)) and bool(b(w))
    if tag == "or":
        a, b = compile_expr(tree[1]), compile_expr(tree[2])
        return lambda w: bool(a(w)) or bool(b(w))
    if tag == "not":
        a = compile_expr(tree[1])
        return lambda w: not a(w)
    if tag == "neg":
        a = compile_expr(tree[1])
        return lambda w: -a(w)
    if tag == "cmp":
        op, a, b = _COMPARE[tree[1]], compile_expr(tree[2]), compile_expr(tree[3])
        return lambda w: op(a(w), b(w))
    if tag == "arith":
        a, b = compile_expr(tree[2]), compile_expr(tree[3])
        if tree[1] == "/":
            def div(w):
                d = b(w)
                return a(w) / d if d else 0.0
            return div
        op = {"+": operator.add, "-": operator.sub, "*": operator.mul}[tree[1]]
        return lambda w: op(a(w), b(w))
    raise AssertionError(f"unknown node {tag}")


def compile_condition(src: str) -> Compiled:
    return compile_expr(parse(src))


def describe(tree, world: World) -> str:
    """The expression's names and calls with their values, for 'why did this hold'."""
    seen: dict[str, Any] = {}

    def walk(node):
        tag = node[0]
        if tag == "name" and node[1] not in (("turn",), ("turns",)):
            seen[".".join(node[1])] = compile_expr(node)(world)
        elif tag == "name":
            seen[node[1][0]] = compile_expr(node)(world)
        elif tag == "call":
            args = ", ".join(f'"{a[1]}"' for a in node[2])
            seen[f"{node[1]}({args})"] = compile_expr(node)(world)
        elif tag in ("and", "or", "cmp", "arith"):
            walk(node[-2])
            walk(node[-1])
        elif tag in ("not", "neg"):
            walk(node[1])

    walk(tree)
    return ", ".join(f"{k} = {_fmt(v)}" for k, v in seen.items())


def _fmt(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)
