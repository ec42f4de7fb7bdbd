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

Limits, so that no text can stall the validator or the engine: at most MAX_LENGTH
characters, MAX_DEPTH levels of nesting (parentheses, `not`, unary `-`) and MAX_TERMS
values; going past one is a ConditionError at the place it happens, naming the limit.
Tokenizing is one pass of a compiled regex; chains of `and`/`or` become one n-ary node
("and", a, b, c, ...) and chains of + - * / are compiled into loops, so neither parsing,
checking, compiling, evaluating nor describing recurses per term.
"""

from __future__ import annotations

import difflib
import operator
import re
from collections.abc import Callable
from typing import Any, Protocol, cast

import attrs

from exercise.exact import to_fraction
from exercise.words import possessive


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

    @property
    def turn(self) -> int: ...
    @property
    def turns(self) -> int: ...

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
    "manned": (("command",), "share of a player-led command's lead staff that has arrived, 0-1 "
               "(0: no player team's ally leads it; a lead taken this turn is 1/n, n = its manning_turns)"),
    "forces": (("command", "team_track"), "points of a capability assigned to the command, all teams"),
    "avg": (("team_track",), "mean of a team track over the teams"),
    "min": (("team_track",), "lowest value of a team track over the teams"),
    "max": (("team_track",), "highest value of a team track over the teams"),
    "spending": (("team",), "defence spending of the team's allies, % of GDP (GDP-weighted)"),
    "fired_tagged": (("tag",), "number of fired injects carrying the tag"),
    "delivered_value": ((), "money's worth of the orders placed in the exercise and delivered so far, all "
                            "teams (budget unit); orders from before it (the backlog) count 0"),
    "on_order_value": ((), "money's worth of the orders placed in the exercise, not yet delivered, whose due "
                           "turn is credible: no later than the scorecard's credible_within turns after the last "
                           "turn; the backlog counts 0"),
}

NAMES_HELP = {
    "turn": "the current turn (1 = first)",
    "turns": "the number of turns in the exercise",
    "track.<id>": "value of a world track",
    "team.<team>.<track>": "value of a team track for one team",
    "ally.<ally>.spending": "an ally's defence spending, % of GDP (also .gdp)",
}

# The operators, loosest first (as the grammar above binds them): (operator, meaning, example).
# The authoring guide's table is made from this list, and a test parses every example.
OPERATORS: tuple[tuple[str, str, str], ...] = (
    ("or", "true when either side is true", 'fired("cable-cut") or track.escalation >= 4'),
    ("and", "true when both sides are true", "turn >= 3 and track.us_trust < 5"),
    ("not", "true when what follows is false", 'not fired("cable-cut")'),
    ("<", "less than", "track.us_trust < 4"),
    ("<=", "less than or equal to", "avg(\"maritime_arctic\") <= 3.5"),
    (">", "greater than", 'chosen("cable-cut", "board") > 1'),
    (">=", "greater than or equal to", "turn >= 4"),
    ("==", "equal to (exactly: track values are kept to their decimals)", "turn == turns"),
    ("!=", "not equal to", 'chosen("cable-cut", "escort") != 0'),
    ("+", "plus", 'led("jfc-norfolk") + led("jfc-naples") >= 1'),
    ("-", "minus (also before a value: -1)", "track.us_trust - track.escalation > 0"),
    ("*", "times", 'fired_tagged("hybrid") * 2 > turn'),
    ("/", "divided by (by zero gives 0, never an error)", 'delivered("patriot") / 4 >= 1'),
    ("( )", "group, to bind before the operators around", '(turn >= 3 or fired("cable-cut")) and track.escalation < 6'),
)
OPERATOR_NOTES = (
    "`true` and `false` are values; `fired(...)`, `leads(...)` and `led(...)` are true or false, and count "
    "as 1 or 0 in sums (`led(\"a\") + led(\"b\") >= 1`). A number on its own is true when it is not 0. "
    "Comparisons do not chain: write `1 < turn and turn < 4`, not `1 < turn < 4`. Names and ids are "
    "case-sensitive; function arguments are quoted ids."
)

MAX_LENGTH = 4000  # characters
MAX_DEPTH = 32  # nested parentheses, `not` and unary `-`
MAX_TERMS = 200  # values: numbers, true/false, names and function calls

# One pattern for everything, so scanning is the regex engine's loop: every position
# matches (a token, `bad` for any other character, or `end`), never re-slicing the text.
_SCAN = re.compile(
    r"""\s*(?:
        (?P<num>\d+(?:\.\d+)?)
      | (?P<str>"[^"\\]*"|'[^'\\]*')
      | (?P<name>[A-Za-z_][A-Za-z0-9_\-]*)
      | (?P<op><=|>=|==|!=|<|>|\+|-|\*|/|\(|\)|,|\.)
      | (?P<end>\Z)
      | (?P<bad>.)
    )""",
    re.X | re.S,
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


_PARENS = re.compile(r"""[()]|"[^"\\]*"|'[^'\\]*'""")


def _check_parentheses(src: str) -> None:
    """Refuse parentheses nested past MAX_DEPTH before parsing: the same error the parser
    would give, found by a regex over the brackets instead of eight calls per level."""
    depth = 0
    for m in _PARENS.finditer(src):
        ch = m.group()
        if ch == "(":
            depth += 1
            if depth > MAX_DEPTH:
                raise ConditionError(_too_deep(), m.start())
        elif ch == ")":
            depth -= 1


def _too_deep() -> str:
    return (f"condition is nested too deeply: more than {MAX_DEPTH} levels of parentheses, "
            "'not' and '-'; simplify it")


def _tokens(src: str) -> list[tuple[str, str, int]]:
    """Tokens (kind, text, offset), ending with ("end", "", len(src))."""
    out: list[tuple[str, str, int]] = []
    for m in _SCAN.finditer(src):
        kind = cast(str, m.lastgroup)  # every alternative of _SCAN is a named group
        if kind == "end":
            break
        if kind == "bad":
            raise ConditionError(f"unexpected character {m.group(kind)!r}", m.start(kind))
        out.append((kind, m.group(kind), m.start(kind)))
    out.append(("end", "", len(src)))
    return out


# AST nodes are tuples: ("num", v) ("bool", v) ("name", parts, off) ("call", f, args, off)
# ("str", s, off) ("cmp", op, l, r) ("arith", op, l, r) ("and", a, b, ...) ("or", a, b, ...)
# ("not", x) ("neg", x). `and`/`or` hold two or more operands.
class _Parser:
    def __init__(self, src: str):
        if len(src) > MAX_LENGTH:
            # Refused before tokenizing: the length alone says it is not a condition to keep.
            raise ConditionError(
                f"condition is {len(src):,} characters long; the limit is {MAX_LENGTH:,}: "
                "shorten it (e.g. tag the injects and use fired_tagged(\"tag\"))", 0)
        if src.count("(") > MAX_DEPTH:
            _check_parentheses(src)
        self.src = src
        self.toks = _tokens(src)  # at most MAX_LENGTH characters, so reading all is bounded
        self.i = 0
        self.depth = 0
        self.terms = 0

    def deeper(self, off: int):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ConditionError(_too_deep(), off)

    def peek(self):
        return self.toks[self.i]

    def take(self, text: str | None = None, kind: str | None = None):
        tok = self.peek()
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
        items = [self.conj()]
        while self.peek()[1] == "or" and self.peek()[0] == "name":
            self.i += 1
            items.append(self.conj())
        return items[0] if len(items) == 1 else ("or", *items)

    def conj(self):
        items = [self.neg()]
        while self.peek()[1] == "and" and self.peek()[0] == "name":
            self.i += 1
            items.append(self.neg())
        return items[0] if len(items) == 1 else ("and", *items)

    def neg(self):
        count, start = 0, self.depth
        while self.peek()[1] == "not" and self.peek()[0] == "name":
            self.deeper(self.peek()[2])
            self.i += 1
            count += 1
        node = self.compare()
        for _ in range(count):
            node = ("not", node)
        self.depth = start
        return node

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
        count, start = 0, self.depth
        while self.peek()[0] == "op" and self.peek()[1] == "-":
            self.deeper(self.peek()[2])
            self.i += 1
            count += 1
        node = self.atom()
        for _ in range(count):
            node = ("neg", node)
        self.depth = start
        return node

    def atom(self):
        kind, text, off = self.peek()
        if kind in ("num", "name"):
            self.terms += 1
            if self.terms > MAX_TERMS:
                raise ConditionError(
                    f"condition has more than {MAX_TERMS} values (numbers, names and calls); "
                    "split it or simplify it", off)
        if kind == "num":
            self.i += 1
            return ("num", float(text))
        if kind == "op" and text == "(":
            start = self.depth
            self.deeper(off)
            self.i += 1
            node = self.expr()
            self.take(")")
            self.depth = start
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


def _children(node) -> tuple:
    """The sub-expressions of a node, left to right."""
    tag = node[0]
    if tag in ("and", "or"):
        return node[1:]
    if tag in ("cmp", "arith"):
        return node[2:]
    if tag in ("not", "neg"):
        return node[1:]
    return ()


def _leaves(tree):
    """Names and calls, left to right, walked with a stack: a tree of any depth is fine."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if node[0] in ("name", "call"):
            yield node
        else:
            stack.extend(reversed(_children(node)))


def check(tree, names: Names, suggest: Callable[[str, Any], str] | None = None) -> list[ConditionError]:
    """Every unknown name, function or id in a parsed expression, each with its offset.

    `suggest(word, choices)` gives the " (did you mean ...?)" hint; the validator passes
    one with a budget, so thousands of unknown ids cannot make it quadratic.
    """
    suggest = suggest or _suggest
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
            msg = f"unknown {label} {value!r}{where}{suggest(value, pool)}"
        problems.append(ConditionError(msg, off))

    for node in _leaves(tree):
        if node[0] == "name":
            parts, off = node[1], node[2]
            head = parts[0]
            if parts in (("turn",), ("turns",)):
                continue
            if head == "track" and len(parts) == 2:
                if parts[1] not in names.world_tracks:
                    if parts[1] in names.team_tracks:
                        msg = (f"{parts[1]!r} is a team track: use team.<team>.{parts[1]} "
                               f"or avg(\"{parts[1]}\")")
                    else:
                        msg = f"unknown track {parts[1]!r}{suggest(parts[1], names.world_tracks)}"
                    problems.append(ConditionError(msg, off))
                continue
            if head == "team" and len(parts) == 3:
                need("team", parts[1], off)
                need("team_track", parts[2], off)
                continue
            if head == "ally" and len(parts) == 3:
                if parts[1] not in names.allies:
                    problems.append(ConditionError(
                        f"unknown ally {parts[1]!r}{suggest(parts[1], names.allies)}", off))
                if parts[2] not in ("spending", "gdp"):
                    problems.append(ConditionError(
                        f"unknown ally attribute {parts[2]!r} (use spending or gdp)", off))
                continue
            known = ["turn", "turns", "track", "team", "ally"]
            problems.append(ConditionError(
                f"unknown name {'.'.join(parts)!r}{_suggest(parts[0], known) if head not in known else ''}; "
                "names are turn, turns, track.<id>, team.<team>.<track>, ally.<ally>.spending", off))
        else:
            fname, args, off = node[1], node[2], node[3]
            if fname not in FUNCTIONS:
                problems.append(ConditionError(
                    f"unknown function {fname!r}{_suggest(fname, FUNCTIONS)}", off))
                continue
            kinds = FUNCTIONS[fname][0]
            if len(args) != len(kinds):
                sig = ", ".join(kinds)
                problems.append(ConditionError(f"{fname}() takes {len(kinds)} argument(s): {fname}({sig})", off))
                continue
            for kind, arg in zip(kinds, args):
                need(kind, arg[1], arg[2], inject=args[0][1] if kind == "option" else None)
    return problems


# What a team keeps to itself (its answers, its orders and deliveries): a side that must not
# see the teams' private state (the adversary) may not measure these.
PRIVATE_FUNCTIONS = frozenset({"chosen", "delivered", "delivered_to", "ordered", "delivered_value", "on_order_value"})


def private_reads(tree, private_tracks: frozenset[str]) -> list[ConditionError]:
    """Where a parsed expression reads a team's private state: a private team track (by
    name, through avg/min/max or forces) or a function of PRIVATE_FUNCTIONS."""
    out = []
    for node in _leaves(tree):
        if node[0] == "name":
            parts, off = node[1], node[2]
            if parts[0] == "team" and len(parts) == 3 and parts[2] in private_tracks:
                out.append(ConditionError(f"{parts[2]!r} is a private team track", off))
        else:
            fname, args, off = node[1], node[2], node[3]
            if fname in PRIVATE_FUNCTIONS:
                out.append(ConditionError(f"{fname}() reads the teams' orders or answers", off))
            elif any(a[1] in private_tracks for a in args) and fname in ("avg", "min", "max", "forces"):
                out.append(ConditionError(f"{fname}() reads a private team track", off))
    return out


Compiled = Callable[[World], Any]

_ZERO = to_fraction(0)
_ARITH = {"+": operator.add, "-": operator.sub, "*": operator.mul}


def _divide(x, d):
    return x / d if d else _ZERO


def compile_expr(tree) -> Compiled:
    """Turn a parsed expression into a closure over a World.

    Recursion here follows only nesting (parentheses, not, -, comparisons), which the
    parser bounds by MAX_DEPTH; `and`/`or` and arithmetic chains become loops.
    """
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
    if tag in ("and", "or"):
        parts = tuple(compile_expr(c) for c in tree[1:])
        if len(parts) == 2:  # the common case, without a loop
            a, b = parts
            if tag == "and":
                return lambda w: bool(a(w)) and bool(b(w))
            return lambda w: bool(a(w)) or bool(b(w))
        if tag == "and":
            return lambda w: all(p(w) for p in parts)
        return lambda w: any(p(w) for p in parts)
    if tag == "not":
        a = compile_expr(tree[1])
        return lambda w: not a(w)
    if tag == "neg":
        a = compile_expr(tree[1])
        return lambda w: -a(w)
    if tag == "cmp":
        op = _COMPARE[tree[1]]
        if _arithmetic(tree[2]) or _arithmetic(tree[3]):
            # Arithmetic is done in fractions: compare fractions, or 0.7 + 0.1 < 0.8.
            a, b = _compile_exact(tree[2]), _compile_exact(tree[3])
        else:
            # Stored values and literals are the doubles nearest to short decimals, which
            # compare exactly as the decimals do.
            a, b = compile_expr(tree[2]), compile_expr(tree[3])
        return lambda w: op(a(w), b(w))
    if tag == "arith":
        f = _compile_exact(tree)
        return lambda w: float(f(w))
    raise AssertionError(f"unknown node {tag}")


def _arithmetic(node) -> bool:
    while node[0] == "neg":
        node = node[1]
    return node[0] == "arith"


def _compile_exact(tree) -> Compiled:
    """A closure giving the expression's value as an exact Fraction: every value read is
    taken as the decimal it stands for (`exact.to_fraction`), and + - * / are exact."""
    tag = tree[0]
    if tag in ("num", "bool"):
        value = to_fraction(tree[1])
        return lambda w: value
    if tag == "neg":
        a = _compile_exact(tree[1])
        return lambda w: -a(w)
    if tag != "arith":
        f = compile_expr(tree)
        return lambda w: to_fraction(f(w))
    # A chain a + b - c * ... is left-nested: walk down its left spine, not recursively.
    steps = []
    node = tree
    while node[0] == "arith":
        steps.append((_divide if node[1] == "/" else _ARITH[node[1]], _compile_exact(node[3])))
        node = node[2]
    first = _compile_exact(node)
    steps.reverse()
    if len(steps) == 1:
        (op, b), = steps
        return lambda w: op(first(w), b(w))
    chain_steps = tuple(steps)

    def chain(w):
        v = first(w)
        for op, f in chain_steps:
            v = op(v, f(w))
        return v
    return chain


def describe(tree, world: World) -> str:
    """The expression's names and calls with their values, for 'why did this hold'."""
    seen: dict[str, Any] = {}
    for node in _leaves(tree):
        if node[0] == "name":
            key = ".".join(node[1]) if node[1] not in (("turn",), ("turns",)) else node[1][0]
        else:
            args = ", ".join(f'"{a[1]}"' for a in node[2])
            key = f"{node[1]}({args})"
        if key not in seen:
            seen[key] = compile_expr(node)(world)
    return ", ".join(f"{k} = {_fmt(v)}" for k, v in seen.items())


def _fmt(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


# -- explaining a condition in words ------------------------------------------------------
# Additive to the language above: a pure walk over the same AST, with the scenario's names
# handed in (this module knows no scenario), for "why did the exercise end this way".

@attrs.frozen
class Labels:
    """Names people read, by id; an id with no name is shown as it is written."""

    tracks: dict[str, str] = attrs.field(factory=dict)
    teams: dict[str, str] = attrs.field(factory=dict)
    allies: dict[str, str] = attrs.field(factory=dict)
    injects: dict[str, str] = attrs.field(factory=dict)
    options: dict[tuple[str, str], str] = attrs.field(factory=dict)
    items: dict[str, str] = attrs.field(factory=dict)
    commands: dict[str, str] = attrs.field(factory=dict)
    team_count: int = 0


@attrs.frozen
class Criterion:
    """One line of an explanation: what is measured, its value, what it needs, and whether
    it was met."""

    text: str
    met: bool

    def __str__(self) -> str:
        return f"{self.text} — {'met' if self.met else 'not met'}"


_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_NEEDS = {">=": "at least", ">": "more than", "<=": "at most", "<": "less than", "==": "exactly",
          "!=": "anything but"}
_FLIP = {">=": "<=", ">": "<", "<=": ">=", "<": ">", "==": "==", "!=": "!="}


def _value(v, exact: bool = False) -> str:
    """A value as a room reads it: yes/no, or a number to two decimals (half up, from the
    number as written, so 5.075 shows 5.08); `exact` gives every digit."""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return str(v)
    if exact:
        return f"{v:.10g}"
    from decimal import ROUND_HALF_UP, Decimal
    d = Decimal(repr(float(v))).quantize(Decimal("0.01"), ROUND_HALF_UP)
    text = f"{d:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _phrase(node, labels: Labels) -> str:
    """What a value expression measures, in words."""
    tag = node[0]
    if tag == "num":
        return _value(node[1])
    if tag == "bool":
        return _value(node[1])
    if tag == "name":
        parts = node[1]
        if parts == ("turn",):
            return "the turn"
        if parts == ("turns",):
            return "the number of turns"
        if parts[0] == "track":
            return labels.tracks.get(parts[1], parts[1])
        if parts[0] == "team":
            return f"{possessive(labels.teams.get(parts[1], parts[1]))} {labels.tracks.get(parts[2], parts[2])}"
        ally = labels.allies.get(parts[1], parts[1])
        return f"{ally}'s defence spending (% of GDP)" if parts[2] == "spending" else f"{ally}'s GDP"
    if tag == "call":
        return _call_phrase(node[1], tuple(a[1] for a in node[2]), labels)
    if tag == "neg":
        return f"minus {_phrase(node[1], labels)}"
    if tag == "arith":
        terms = _sum_terms(node)
        if terms and all(t[0] == "call" and t[1] == "led" for t in terms):
            cmds = ", ".join(labels.commands.get(t[2][0][1], t[2][0][1]) for t in terms)
            return f"commands led by a player team's ally (of {cmds})"
        if terms and all(t[0] == "call" and t[1] == "avg" for t in terms):
            names = [labels.tracks.get(t[2][0][1], t[2][0][1]) for t in terms]
            listed = ", ".join(names[:-1]) + f" and {names[-1]}"
            return f"sum of the averages of {listed} {_across(labels)}"
        words = {"+": "plus", "-": "minus", "*": "times", "/": "divided by"}
        return f"{_phrase(node[2], labels)} {words[node[1]]} {_phrase(node[3], labels)}"
    if tag == "not":
        return f"not ({_phrase(node[1], labels)})"
    if tag in ("and", "or"):
        return f" {tag} ".join(f"({_phrase(c, labels)})" for c in node[1:])
    if tag == "cmp":
        return f"{_phrase(node[2], labels)} {_NEEDS[node[1]]} {_phrase(node[3], labels)}"
    return tag


def _sum_terms(node) -> list | None:
    """The terms of a chain of additions, or None if it is anything else."""
    out = []
    while node[0] == "arith":
        if node[1] != "+":
            return None
        out.append(node[3])
        node = node[2]
    out.append(node)
    return list(reversed(out))


def _across(labels: Labels) -> str:
    n = labels.team_count
    if not n:
        return "across the teams"
    return f"across the {_NUMBER_WORDS[n] if n < len(_NUMBER_WORDS) else n} teams"


def _call_phrase(fname: str, args: tuple[str, ...], labels: Labels) -> str:
    def track(t):
        return labels.tracks.get(t, t)

    def team(t):
        return labels.teams.get(t, t)

    def item(i):
        return labels.items.get(i, i)

    if fname == "avg":
        return f"average {track(args[0])} {_across(labels)}"
    if fname == "min":
        return f"lowest {track(args[0])} of any team"
    if fname == "max":
        return f"highest {track(args[0])} of any team"
    if fname == "led":
        return f"{labels.commands.get(args[0], args[0])} led by a player team's ally"
    if fname == "leads":
        return f"{team(args[0])} leads {labels.commands.get(args[1], args[1])}"
    if fname == "manned":
        return f"share of {labels.commands.get(args[0], args[0])}'s lead staff in post"
    if fname == "forces":
        return f"{track(args[1])} assigned to {labels.commands.get(args[0], args[0])} (points, all teams)"
    if fname == "fired":
        return f"“{labels.injects.get(args[0], args[0])}” has happened"
    if fname == "chosen":
        option = labels.options.get((args[0], args[1]), args[1])
        return f"Teams that chose “{option}” in “{labels.injects.get(args[0], args[0])}”"
    if fname == "delivered":
        return f"{item(args[0])} delivered (all teams)"
    if fname == "delivered_to":
        return f"{item(args[1])} delivered to {team(args[0])}"
    if fname == "ordered":
        return f"{item(args[0])} ordered (all teams)"
    if fname == "spending":
        return f"{possessive(team(args[0]))} defence spending (% of GDP)"
    if fname == "fired_tagged":
        return f"Events tagged “{args[0]}” that happened"
    if fname == "delivered_value":
        return "Value of the orders placed in the exercise and delivered (all teams)"
    if fname == "on_order_value":
        return "Value of the orders placed in the exercise, on order with a credible date (all teams)"
    return fname


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _criterion(node, world: World, labels: Labels) -> Criterion:
    met = bool(compile_expr(node)(world))
    tag = node[0]
    if tag == "cmp":
        op, left, right = node[1], node[2], node[3]
        if left[0] in ("num", "bool") and right[0] not in ("num", "bool"):
            op, left, right = _FLIP[op], right, left  # the measured side first
        value = compile_expr(left)(world)
        shown = _value(value)
        if right[0] in ("num", "bool"):
            limit = right[1]
            try:  # a rounded value must not seem to meet (or miss) what it does not
                if bool(_COMPARE[op](float(shown), limit)) != met:
                    shown = _value(value, exact=True)
            except ValueError:
                pass
            return Criterion(f"{_capital(_phrase(left, labels))}: {shown}, needs {_NEEDS[op]} {_value(limit)}", met)
        other = compile_expr(right)(world)
        return Criterion(f"{_capital(_phrase(left, labels))}: {shown}, needs {_NEEDS[op]} "
                         f"{_phrase(right, labels)} ({_value(other)})", met)
    if tag == "not" and node[1][0] not in ("and", "or"):
        value = compile_expr(node[1])(world)
        return Criterion(f"{_capital(_phrase(node[1], labels))}: {_value(value)}, needs "
                         f"{'no' if isinstance(value, bool) else 'zero'}", met)
    if tag in ("and", "or"):
        subs = [_criterion(c, world, labels) for c in node[1:]]
        joined = "; ".join(str(c) for c in subs)
        return Criterion(f"{'all' if tag == 'and' else 'one'} of: {joined}", met)
    value = compile_expr(node)(world)
    needs = "" if isinstance(value, bool) else ", needs more than zero"  # yes/no says it
    return Criterion(f"{_capital(_phrase(node, labels))}: {_value(value)}{needs}", met)


def explain(tree, world: World, labels: Labels) -> list[Criterion]:
    """A condition as criteria a room understands, one per operand of its top-level `and`
    (or `or`: then one met criterion is enough), each with its value and threshold."""
    parts = tree[1:] if tree[0] in ("and", "or") else (tree,)
    return [_criterion(p, world, labels) for p in parts]
