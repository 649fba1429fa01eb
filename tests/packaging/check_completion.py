#!/usr/bin/env python3
"""The bash completion for atctl offers every subcommand and option that atctl --help lists,
at every level (atctl, atctl session, atctl session create, ...), and nothing atctl lacks.
Usage: check_completion.py ATCTL COMPLETION_FILE"""

import re
import subprocess
import sys

ATCTL, COMPLETION = sys.argv[1], sys.argv[2]
# Options every level takes that the completion adds once for all, not per command.
IMPLICIT = {"-h"}
GLOBAL_AFTER_SUBCOMMAND = {"--json", "--config", "--help"}


def help_of(path):
    done = subprocess.run([ATCTL] + path + ["--help"], capture_output=True, text=True, timeout=30)
    if done.returncode != 0:
        sys.exit("atctl %s --help failed: %s" % (" ".join(path), done.stderr))
    return done.stdout


def sections(text):
    """{'Options': [lines], 'Subcommands': [lines], ...} of CLI11's help."""
    out, current = {}, None
    for line in text.splitlines():
        m = re.match(r"^([A-Z][A-Za-z]+):\s*$", line)
        if m:
            current = out.setdefault(m.group(1), [])
        elif current is not None and line.startswith("  "):
            current.append(line.strip())
    return out


def declared(path):
    s = sections(help_of(path))
    words = set()
    for line in s.get("Options", []):
        names = line.split()[0]
        words |= {n for n in names.split(",") if n.startswith("-")}
    subcommands = [line.split()[0] for line in s.get("Subcommands", []) if line]
    return words - IMPLICIT, subcommands


def completed(path):
    script = 'source "$1" && _atctl_words "$2"'
    done = subprocess.run(["bash", "-c", script, "_", COMPLETION, " ".join(path)],
                          capture_output=True, text=True, timeout=30, check=True)
    return set(done.stdout.split())


def main():
    problems, todo, seen = [], [[]], 0
    while todo:
        path = todo.pop()
        options, subcommands = declared(path)
        have = completed(path)
        want = options | set(subcommands)
        if path:
            want -= GLOBAL_AFTER_SUBCOMMAND
            have -= GLOBAL_AFTER_SUBCOMMAND
        name = "atctl " + " ".join(path)
        for w in sorted(want - have):
            problems.append("%s: the completion lacks %s" % (name, w))
        for w in sorted(have - want):
            problems.append("%s: the completion offers %s, which atctl --help does not list" % (name, w))
        todo += [path + [s] for s in subcommands]
        seen += 1
    if seen < 10:
        problems.append("only %d command levels found in atctl --help; the parser is wrong" % seen)
    if problems:
        sys.exit("\n".join(problems))
    print("completion matches atctl --help at %d command levels" % seen)


main()
