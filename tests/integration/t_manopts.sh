#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The man page's options against the parsers': every option documented
# for a form is accepted by that form's parser, and every option a parser
# accepts is documented.  The parsers are probed through the binary: each
# letter A-Z a-z 0-9, each documented long option, and for the getopt
# parsers each one-letter prefix "--x" (getopt_long takes unique prefixes;
# the netstat face names every candidate of an ambiguous one).  --help
# lists the same options per form, and the usage printed after a bad
# option is that form's SYNOPSIS block.
. "$SOCKSTAT_TESTS/lib.sh"

man=$SOCKSTAT_TESTS/../../man/sockstat.8
if ! command -v mandoc >/dev/null 2>&1 || [ ! -f "$man" ]; then
	echo "# mandoc or man/sockstat.8 missing: skipped"
	finish
	exit
fi
mandoc -Tascii "$man" | col -b >"$TMP/man.txt"

python3 - "$SOCKSTAT" "$man" "$TMP/man.txt" <<'EOF'
import os, sys
sys.dont_write_bytecode = True	# nothing left in the tree
sys.path.insert(0, os.environ["SOCKSTAT_TESTS"])
from manflags import flags
import re, string, subprocess, sys

binary, man_src, man_txt = sys.argv[1:4]
FORMS = ["netstat", "lsof", "watch", "demo", "echo-server", "echo-client",
         "top"]
# The parser of each form, the words before a probe, and the words after
# it that make a good option a usage error all the same, so that nothing
# runs: a stray word, or a value no option takes.  Twice, since an
# option may take the first as its value (--unix PATH).  The echo client takes
# words as messages: its run is bounded by -w instead.
PARSERS = {
    "cli": (["netstat", "watch"], [], ["^", "^"]),
    "lsof": (["lsof"], ["-i"], ["^", "^"]),
    "demo": (["demo"], ["demo"], ["^", "^"]),
    "echo-server": (["echo-server"], ["echo-server"], ["^", "^"]),
    "echo-client": (["echo-client"], ["echo-client"], ["-w", "1"]),
    "top": (["top"], ["top"], ["^", "^"]),
}
failures = 0


def report(good, desc, detail=""):
    global failures
    print(("ok - " if good else "not ok - ") + desc)
    if not good:
        failures += 1
        if detail:
            print("#   " + detail)




src = open(man_src).read().split("\n")


def span(start, end):
    """Lines after the first line equal to start, up to one equal to end."""
    i = src.index(start)
    j = src.index(end, i)
    return src[i + 1:j]


# SYNOPSIS: one block per form, each starting at ".Nm".
doc = {f: set() for f in FORMS}
blocks = []
for l in span(".Sh SYNOPSIS", ".Sh DESCRIPTION"):
    if l.startswith(".Nm"):
        blocks.append([])
    elif blocks:
        blocks[-1].append(l)
for f, b in zip(FORMS, blocks):
    for l in b:
        doc[f] |= flags(l)


def items(lines):
    return set().union(*[flags(l) for l in lines if l.startswith(".It ")])


opts = src.index("The options are as follows:")
doc["netstat"] |= items(src[opts:src.index(".El", opts)])
doc["lsof"] |= items(span(".Ss The lsof face", ".Ss Event stream"))
doc["watch"] |= items(span(".Ss Event stream", ".Ss Methods"))
doc["demo"] |= items(span(".Ss Demo", ".Ss Echo server and client"))
echo = span(".Ss Echo server and client", ".Ss Top")
lists = [i for i, l in enumerate(echo) if l.startswith(".Bl")]
doc["echo-server"] |= items(echo[lists[0]:lists[1]])
doc["echo-client"] |= items(echo[lists[1]:])
doc["top"] |= items(span(".Ss Top", ".Sh ENVIRONMENT"))


def run(words):
    import time
    t0 = time.time()
    try:
        p = subprocess.run([binary] + words, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=3)
    except subprocess.TimeoutExpired:
        print("# slow", words)
        return None, ""
    if time.time() - t0 > 0.3:
        print("# slow %.1f" % (time.time() - t0), words)
    err = p.stderr.decode("utf-8", "replace").split("\n")
    return p.returncode, err[0]


def unknown(first, opt):
    """Whether a parser's first line says it does not know opt."""
    return (first.endswith("unknown option " + opt) or
            ("unknown option " + opt + "=") in first or
            " is ambiguous" in first)


letters = string.ascii_letters + string.digits
for name, (forms, pre, post) in PARSERS.items():
    documented = set().union(*[doc[f] for f in forms])
    if name == "lsof":
        documented.discard("-i")	# the word that selects the face
    # Every letter: accepted iff documented.
    accepted = set()
    for c in letters:
        rc, first = run(pre + ["-" + c] + post)
        if rc is None or not unknown(first, "-" + c):
            accepted.add("-" + c)
    if name == "cli":
        accepted -= {"-i", "-U"}	# they select the lsof face
    if name == "lsof":
        accepted.discard("-i")
    want = {o for o in documented if not o.startswith("--")}
    report(accepted == want, "%s: the letters accepted are the letters "
           "documented" % name, "accepted only: %s; documented only: %s" %
           (sorted(accepted - want), sorted(want - accepted)))
    # Every documented long option is accepted.
    longs = sorted(o for o in documented if o.startswith("--"))
    bad = [o for o in longs
           if (lambda r: r[0] is not None and unknown(r[1], o))(
               run(pre + [o] + post))]
    report(not bad, "%s: every documented long option is accepted (%d)" %
           (name, len(longs)), "refused: %s" % bad)
    if name == "lsof":
        continue	# exact names only: no prefix to probe
    # Every one-letter prefix a parser takes belongs to a documented name.
    stray = []
    found = set()
    for c in string.ascii_lowercase:
        # The netstat face alone: no stray word, so that a unique
        # prefix of an option with a value says "--name needs a value".
        rc, first = run(pre + ["--" + c] + (post if pre else []))
        m = re.search(r"is ambiguous: (.*)", first)
        if m:
            found |= set(m.group(1).split(", "))
            continue
        if rc is not None and first.endswith("unknown option --" + c):
            continue
        # One option starts so: the netstat face names it for "--c=".
        rc2, first2 = run(pre + ["--" + c + "="] + post)
        m = re.search(r"option (--[a-z0-9-]+) (takes no|needs a) value",
                      first + "\n" + first2)
        if m:
            found.add(m.group(1))
        if not any(o.startswith("--" + c) for o in longs):
            stray.append("--" + c)
    report(not stray, "%s: every long option prefix the parser takes is "
           "documented" % name, "undocumented: %s" % stray)
    if name == "cli":
        report(found == set(longs), "cli: the long options the parser "
               "names are the documented ones", "parser only: %s; "
               "documented only: %s" % (sorted(found - set(longs)),
                                        sorted(set(longs) - found)))

# --help: a section per form, in order; its options are the documented.
rc, _ = run(["--help"])
help_text = subprocess.run([binary, "--help"], capture_output=True,
                           text=True).stdout
sections = help_text.split("\n\n")[1:-1]
report(len(sections) == len(FORMS), "--help has a section per form")
for f, sec in zip(FORMS, sections):
    got = set()
    for l in sec.split("\n")[1:]:
        got |= set(re.findall(r"(?<![\w-])(--?[A-Za-z0-9][A-Za-z0-9-]*)",
                              l[2:30]))
    report(got == doc[f], "--help lists the documented options of %s" % f,
           "help only: %s; man only: %s" % (sorted(got - doc[f]),
                                            sorted(doc[f] - got)))

# The usage after a bad option is the synopsis of the form typed.
txt = open(man_txt).read().split("\n")
i = txt.index("SYNOPSIS")
syn, cur = [], None
for l in txt[i + 1:]:
    if l and not l[0].isspace():
        break
    if l.strip().startswith("sockstat"):
        syn.append(l.strip())
    elif l.strip():
        syn[-1] += " " + l.strip()
norm = lambda s: " ".join(s.split())
for f, words in zip(FORMS, (["-Z"], ["-i", "-Z"], ["-E", "-Z"],
                            ["demo", "-Z"], ["echo-server", "-Z"],
                            ["echo-client", "-Z"])):
    p = subprocess.run([binary] + words, capture_output=True, text=True)
    use = [l for l in p.stderr.split("\n") if not l.startswith("sockstat:")]
    got = norm(" ".join(use))
    want = "usage: " + norm(syn[FORMS.index(f)])
    report(p.returncode == 2 and got == want,
           "usage after a bad option of %s is its SYNOPSIS block" % f,
           "got [%s] want [%s]" % (got, want))
sys.exit(1 if failures else 0)
EOF
