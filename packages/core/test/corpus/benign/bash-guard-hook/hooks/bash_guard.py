#!/usr/bin/env python3
"""Claude Code PreToolUse hook: reads the tool call as JSON on stdin and blocks dangerous commands.

Exit code 2 blocks the call and shows stderr to the model; exit code 0 lets it run.
"""
import json
import re
import sys

RULES = [
    (re.compile(r"\brm\s+-[a-zA-Z]*[rR][a-zA-Z]*\s+(/|~|\$HOME)(\s|$)"), "recursive delete of / or the home folder"),
    (re.compile(r"\b(curl|wget)\b[^|]*\|\s*(sudo\s+)?(ba|z)?sh\b"), "piping a download into a shell"),
    (re.compile(r"\bgit\s+push\b.*\s(--force|-f)\b"), "force push"),
    (re.compile(r"\bchmod\s+(-R\s+)?777\b"), "world-writable permissions"),
    (re.compile(r"\b(mkfs|dd\s+if=.*\s+of=/dev/)"), "writing to a disk device"),
    (re.compile(r"(^|\s)(\.env|id_rsa|id_ed25519|\.aws/credentials)(\s|$)"), "reading a credential file"),
]


def main() -> int:
    try:
        event = json.load(sys.stdin)
    except json.JSONDecodeError as error:
        print(f"bash_guard: could not parse hook input: {error}", file=sys.stderr)
        return 0  # never block on our own bug
    if event.get("tool_name") != "Bash":
        return 0
    command = event.get("tool_input", {}).get("command", "")
    for pattern, reason in RULES:
        if pattern.search(command):
            print(
                f"Blocked by bash-guard: {reason}. Ask the user to run this command themselves if it is intended.",
                file=sys.stderr,
            )
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
