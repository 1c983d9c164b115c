#!/usr/bin/env python3
"""Removes every `#[tracing::instrument(...)]` attribute from vendor/openraft/src.

Behaviour-neutral: the playground installs no tracing subscriber, so the spans
were never recorded. But each instrumented `async fn` wraps its body in a second
future and moves it into a `tracing::Instrumented`, which roughly doubles the
size of its future and memcpys it on every call (openraft's core loop calls
several per turn). Re-run after re-vendoring openraft:

    python3 vendor/patches/strip_tracing_instrument.py
"""
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent / "openraft" / "src"
MARK = "#[tracing::instrument"


def strip(text: str) -> tuple[str, int]:
    out = []
    count = 0
    index = 0
    while True:
        start = text.find(MARK, index)
        if start < 0:
            out.append(text[index:])
            return "".join(out), count
        # Keep everything before the attribute, minus the indentation of its line.
        line_start = text.rfind("\n", 0, start) + 1
        if text[line_start:start].strip():
            sys.exit(f"attribute not at the start of a line near: {text[line_start:start + 60]!r}")
        out.append(text[index:line_start])
        depth = 0
        position = start + 1  # at '['
        while True:
            char = text[position]
            if char in "[(":
                depth += 1
            elif char in "])":
                depth -= 1
                if depth == 0:
                    break
            position += 1
        end = text.find("\n", position) + 1
        if text[position + 1:end].strip():
            sys.exit(f"text after the attribute near: {text[start:end]!r}")
        index = end
        count += 1


total = 0
for path in sorted(ROOT.rglob("*.rs")):
    text = path.read_text()
    if MARK not in text:
        continue
    stripped, count = strip(text)
    path.write_text(stripped)
    total += count
print(f"removed {total} #[tracing::instrument] attributes")
