"""What makes output that a person reads plain text: no bracket inside a bracket, no terminal
codes. The summary and `history` are checked with these."""

from __future__ import annotations

OPENING, CLOSING = "([{", ")]}"
# the escape that starts every ANSI colour and cursor code
TERMINAL_ESCAPE = "\x1b"


def nested_brackets(text: str) -> list[str]:
    """The lines of `text` with a bracket inside a bracket, e.g. '(13 warning(s))'."""
    found = []
    for line in text.splitlines():
        depth = deepest = 0
        for character in line:
            if character in OPENING:
                depth += 1
                deepest = max(deepest, depth)
            elif character in CLOSING:
                depth = max(depth - 1, 0)
        if deepest > 1:
            found.append(line)
    return found
