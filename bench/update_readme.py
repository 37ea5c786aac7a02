#!/usr/bin/python3
"""Copies the result tables of bench/ into the README.

The README marks each generated table with

    <!-- table: PATH [N] -->
    ...
    <!-- end table -->

and this script replaces what lies between with the N-th (default 1st)
Markdown table of PATH (relative to the repository root), so no number in
the README's result tables is typed by hand. Run it after a benchmark:

    bench/update_readme.py
"""
import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))


SEPARATOR = re.compile(r"^\|(\s*:?-+:?\s*\|)+\s*$")


def tables(text):
    """The Markdown tables of `text` (a header row, a |---| row, data rows),
    each as a list of lines."""
    found, current = [], []
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            current.append(line)
            continue
        if len(current) >= 2 and SEPARATOR.match(current[1]):
            found.append(current)
        current = []
    return found


def main():
    readme_path = os.path.join(ROOT, "README.md")
    readme = open(readme_path).read()
    pattern = re.compile(r"(<!-- table: (\S+)(?: (\d+))? -->\n)(.*?)(<!-- end table -->)",
                         re.S)

    def replace(match):
        path, index = match.group(2), int(match.group(3) or 1)
        found = tables(open(os.path.join(ROOT, path)).read())
        if len(found) < index:
            sys.exit("%s has no table %d" % (path, index))
        return match.group(1) + "\n".join(found[index - 1]) + "\n" + match.group(5)

    updated, count = pattern.subn(replace, readme)
    open(readme_path, "w").write(updated)
    print("updated %d tables in README.md" % count)


if __name__ == "__main__":
    main()
