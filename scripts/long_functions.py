#!/usr/bin/env python3
"""Lists the functions of host/ (or the given files) whose body is longer than a limit (default 60
lines), longest first: a quick check for the "no function over about 60 lines" rule. A heuristic
that reads braces, not a parser: a body is a `{` after a `)` (or a constructor's initializer list)
that is not a control statement or a lambda inside another body."""
import re
import sys
from pathlib import Path

CONTROL = re.compile(r"\b(if|for|while|switch|catch|do|else|namespace|class|struct|enum|union)\b")


def strip(text):
    """Comments, strings and character literals blanked (newlines kept, so lines still count)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, j))
            i = j
        elif text.startswith('R"', i):
            m = re.match(r'R"([^(]*)\(', text[i:])
            end = text.find(")" + m.group(1) + '"', i) if m else -1
            end = n if end < 0 else end + len(m.group(1)) + 2
            out.append('""' + "\n" * text.count("\n", i, end))
            i = end
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def functions(path):
    text = strip(path.read_text(errors="replace"))
    depth_in_function = None  # brace depth at which the current function's body opened
    depth, start_line, name = 0, 0, ""
    line = 1
    for i, c in enumerate(text):
        if c == "\n":
            line += 1
        elif c == "{":
            if depth_in_function is None:
                head = text[max(0, i - 400):i]
                head = head[head.rfind(";") + 1:] if ";" in head else head
                head = head[head.rfind("}") + 1:] if "}" in head else head
                stmt = " ".join(head.split())
                if ")" in stmt and not CONTROL.search(stmt.split("(")[0]) and "=" not in stmt.split("(")[0]:
                    depth_in_function, start_line = depth, line
                    name = stmt.split("(")[0].split()[-1] if stmt.split("(")[0].split() else stmt[:40]
            depth += 1
        elif c == "}":
            depth -= 1
            if depth_in_function is not None and depth == depth_in_function:
                yield name, start_line, line - start_line + 1
                depth_in_function = None


def main():
    args = sys.argv[1:]
    limit = 60
    if args and args[0].startswith("--limit="):
        limit = int(args.pop(0).split("=")[1])
    files = [Path(a) for a in args] or sorted(
        p for p in Path("host").rglob("*") if p.suffix in (".cpp", ".hpp"))
    long = [(n, f, name, start) for f in files for name, start, n in functions(f) if n > limit]
    for n, f, name, start in sorted(long, reverse=True):
        print(f"{n:4} lines  {f}:{start}  {name}")
    return 1 if long else 0


if __name__ == "__main__":
    sys.exit(main())
