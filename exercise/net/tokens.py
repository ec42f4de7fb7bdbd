"""Access tokens: one per team and one for the facilitator, kept in the save folder.

They live beside the journal (`tokens.json`, owner read/write only) so a server restarted
with `--resume` accepts the same join commands and nobody has to be handed a new one.
A token is 128 bits from `secrets`; it is compared in constant time.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
from pathlib import Path

import attrs

from exercise.fsutil import read_regular

TOKENS = "tokens.json"


class TokenError(Exception):
    pass


@attrs.frozen
class Tokens:
    facilitator: str
    teams: dict[str, str]

    def identify(self, token: str) -> tuple[str, str | None] | None:
        """("facilitator", None), ("team", id), or None for an unknown token.

        Every stored token is compared (constant time each), so the time taken does not
        say which one, if any, a guess came close to.
        """
        given = token.encode()
        found: tuple[str, str | None] | None = None
        if hmac.compare_digest(given, self.facilitator.encode()):
            found = ("facilitator", None)
        for team, t in self.teams.items():
            if hmac.compare_digest(given, t.encode()):
                found = ("team", team)
        return found


def _new() -> str:
    return secrets.token_urlsafe(16)


def load_or_create(folder: Path, teams: list[str]) -> Tokens:
    """The save's tokens; created (0600) on first use, and a team added since gets one."""
    path = Path(folder) / TOKENS
    data = None
    if path.exists():
        try:
            data = json.loads(read_regular(path).decode("utf-8"))  # a FIFO must not hang serve
            if not isinstance(data.get("facilitator"), str) or not isinstance(data.get("teams"), dict):
                raise ValueError("facilitator or teams missing")
        except (OSError, ValueError, AttributeError, RecursionError) as e:
            raise TokenError(f"{path}: cannot read the tokens ({e}); delete the file to issue new ones "
                             "(the teams then need their new join commands)") from None
        os.chmod(path, 0o600)  # in case it was copied with looser permissions
    tokens = Tokens(facilitator=data["facilitator"] if data else _new(),
                    teams={t: (data or {}).get("teams", {}).get(t) or _new() for t in teams})
    if data is None or set(tokens.teams) - set(data["teams"]):
        _write(path, tokens)
    return tokens


def _write(path: Path, tokens: Tokens) -> None:
    """Written to a temp file created 0600, then renamed: never readable by others."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"facilitator": tokens.facilitator, "teams": tokens.teams}, f, indent=2)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
