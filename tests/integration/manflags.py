# SPDX-License-Identifier: BSD-2-Clause
"""The options an mdoc man page names, for the tests that compare them."""
import re


def flags(line):
    """The options an mdoc line names with Fl: clusters split."""
    out = set()
    toks = line.split()
    for i, t in enumerate(toks[:-1]):
        if t != "Fl":
            continue
        w = toks[i + 1]
        if w.startswith("\\-"):
            m = re.match(r"[A-Za-z0-9][A-Za-z0-9-]*", w[2:])
            if m:
                out.add("--" + m.group(0))
        else:
            m = re.match(r"[A-Za-z0-9]+$", w)
            if m:
                out |= {"-" + c for c in m.group(0)}
    return out
