"""Reflows the `bible` program's pretty-printed KJV text (verses wrapped at 80 columns, "  N " before each verse)
to one verse per line, as in samples/Gpt/data/kjv-new-testament.txt (see its README.md).

  python3 tools/gpt/reflow_kjv.py nt.txt > samples/Gpt/data/kjv-new-testament.txt
"""
import re
import sys


def reflow(text):
    out = []
    for line in text.split("\n"):
        if re.match(r"^  \d+ ", line):                          # a verse starts
            out.append(line.strip())
        elif line == "":
            out.append("")
        elif re.match(r"^(\d )?[A-Z][A-Za-z ]+ \d+$", line) and (not out or out[-1] == ""):
            out.append(line)                                     # a chapter's heading: "Matthew 1", "1 John 3"
        else:
            out[-1] += " " + line                                # the wrapped rest of a verse
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out).strip("\n") + "\n")


if __name__ == "__main__":
    sys.stdout.write(reflow(open(sys.argv[1], encoding="ascii").read()))
