#!/usr/bin/env python3
"""Writes the plugin of README.md's "Writing a plugin" into a folder, as a reader would copy it.

Each step there is a paragraph starting `**N. Title**` and followed by one fenced block. A step
`**N. Title** (`file`)` gives that file's whole text; the step whose block is `sh` gives the
commands, written to `commands.sh` with `/opt/warden` (the prefix the page assumes) replaced.
Prints the files written. Usage: readme_plugin.py <README.md> <folder> <sdk-prefix>
"""
import re
import sys

readme, folder, prefix = sys.argv[1:4]
lines = open(readme, encoding="utf-8").read().split("\n")
start = lines.index("## Writing a plugin") + 1

written = []
step = None  # the step whose block comes next: (file name or None)
block = None  # (target, language, lines) while inside a fenced block
for line in lines[start:]:
    if block is None and line.startswith("## "):
        break  # the next section (a "## " inside a block is the block's text)
    if block is not None:
        if line == "```":
            target, language, body = block
            if target is None and language == "sh":
                target = "commands.sh"
                body = [b.replace("/opt/warden", prefix) for b in body]
            if target is not None:
                with open(f"{folder}/{target}", "w", encoding="utf-8") as out:
                    out.write("\n".join(body) + "\n")
                written.append(target)
            block = None
        else:
            block[2].append(line)
        continue
    heading = re.match(r"\*\*\d+\. [^*]+\*\*(?: \(`([^`]+)`\))?", line)
    if heading:
        step = (heading.group(1),)
    elif line.startswith("```"):
        # Only the block right after a step's paragraph is the step's; others are examples.
        block = (step[0], line[3:], []) if step else (None, "", [])
        step = None

print(" ".join(written))
if "commands.sh" not in written or len(written) < 2:
    sys.exit('README.md: no files and commands found in "Writing a plugin"')
