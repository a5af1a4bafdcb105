#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# make check-prometheus: sockstat's metrics through a real Prometheus.
#
# A holder (renamed with a double quote, a backslash and a newline, by
# prctl PR_SET_NAME) keeps a listener of backlog 5 with 2 connections
# waiting in its accept queue.  sockstat --prometheus is written into a
# textfile-collector directory, checked by promtool check metrics, and
# read by prometheus-node-exporter; sockstat --openmetrics is served as
# application/openmetrics-text by a small HTTP server.  A Prometheus
# server scrapes both, every second, on loopback ports chosen free; its
# HTTP API is asked until the sockstat series appear with the values the
# holder made.  Everything started is stopped at the end (trap), and
# nothing is written outside one temporary directory.  As root the whole
# run is in a network namespace of its own.
#
#   sh scripts/prometheus-check.sh ./sockstat
set -u
bin=${1:-./sockstat}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac

if [ "$(id -u)" -eq 0 ] && [ -z "${SOCKSTAT_PROM_NETNS:-}" ] &&
    unshare --net -- true 2>/dev/null; then
	SOCKSTAT_PROM_NETNS=1 exec unshare --net -- sh -c \
	    'ip link set lo up && exec sh "$0" "$1"' "$0" "$bin"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sockstat-prom.XXXXXX")
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fails=0
ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; fails=$((fails + 1)); }
py=/usr/bin/python3

# Free loopback ports: bound to port 0 together, so they differ, then
# released for the servers.
set -- $("$py" -c '
import socket
ss = [socket.socket() for _ in range(3)]
for s in ss:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')
node_port=$1 prom_port=$2 om_port=$3

# The holder: the name, a listener (backlog 5) and 2 waiting connections.
cat >"$tmp/holder.py" <<'EOF'
import ctypes, os, signal, socket, sys
name = b'q"b\\s\nx'
if ctypes.CDLL(None).prctl(15, ctypes.c_char_p(name), 0, 0, 0) != 0:
    sys.exit(1)
ls = socket.socket()
ls.bind(("127.0.0.1", 0))
ls.listen(5)
cs = [socket.create_connection(ls.getsockname()) for _ in range(2)]
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(ls.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
signal.pause()
EOF
"$py" "$tmp/holder.py" "$tmp/port" &
pids="$pids $!"
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
port=$(cat "$tmp/port" 2>/dev/null) || { echo "not ok - holder"; exit 1; }

# The textfile: written beside its name and renamed, as the timer does.
mkdir "$tmp/textfile"
"$bin" --prometheus >"$tmp/textfile/sockstat.prom.tmp" 2>"$tmp/sockstat.err" &&
    mv "$tmp/textfile/sockstat.prom.tmp" "$tmp/textfile/sockstat.prom"
if promtool check metrics <"$tmp/textfile/sockstat.prom" >"$tmp/promtool.out" 2>&1
then
	ok "promtool check metrics accepts sockstat --prometheus"
else
	not_ok "promtool check metrics accepts sockstat --prometheus"
	sed 's/^/#   /' "$tmp/promtool.out"
fi
"$bin" --openmetrics >"$tmp/om" 2>>"$tmp/sockstat.err"
if "$py" -c '
import sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
list(text_string_to_metric_families(open(sys.argv[1]).read()))' "$tmp/om" \
    >"$tmp/omparse.out" 2>&1; then
	ok "the prometheus_client OpenMetrics parser accepts sockstat --openmetrics"
else
	not_ok "the prometheus_client OpenMetrics parser accepts sockstat --openmetrics"
	sed 's/^/#   /' "$tmp/omparse.out" | tail -5
fi

# node_exporter: the textfile collector alone.
prometheus-node-exporter --web.listen-address="127.0.0.1:$node_port" \
    --collector.disable-defaults --collector.textfile \
    --collector.textfile.directory="$tmp/textfile" >"$tmp/node.log" 2>&1 &
pids="$pids $!"

# The OpenMetrics file over HTTP, with OpenMetrics' content type.
cat >"$tmp/serve.py" <<'EOF'
import http.server, sys
body = open(sys.argv[2], "rb").read()
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/openmetrics-text; "
                         "version=1.0.0; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
EOF
"$py" "$tmp/serve.py" "$om_port" "$tmp/om" >"$tmp/serve.log" 2>&1 &
pids="$pids $!"

cat >"$tmp/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:$node_port']
  - job_name: openmetrics
    static_configs:
      - targets: ['127.0.0.1:$om_port']
EOF
promtool check config "$tmp/prometheus.yml" >/dev/null 2>&1 ||
    not_ok "promtool check config"
prometheus --config.file="$tmp/prometheus.yml" \
    --storage.tsdb.path="$tmp/data" \
    --web.listen-address="127.0.0.1:$prom_port" >"$tmp/prom.log" 2>&1 &
pids="$pids $!"

# Ask the API until every expected series is there (60 s at most).
"$py" - "$prom_port" "$port" "$tmp/textfile/sockstat.prom" <<'EOF'
import json, sys, time, urllib.parse, urllib.request
api, port, textfile = sys.argv[1], sys.argv[2], sys.argv[3]
name = 'q"b\\s\nx'
fails = 0

def query(q):
    url = "http://127.0.0.1:%s/api/v1/query?query=%s" % (
        api, urllib.parse.quote(q))
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            d = json.load(r)
    except OSError:
        return None
    return d["data"]["result"] if d.get("status") == "success" else None

def value(metric, job, **labels):
    sel = ",".join('%s="%s"' % (k, v) for k, v in labels.items())
    res = query('%s{job="%s"%s}' % (metric, job, "," + sel if sel else ""))
    return [(r["metric"], float(r["value"][1])) for r in res or []]

# The textfile's own figure for TCP LISTEN sockets over IPv4.
listen = None
for ln in open(textfile):
    if ln.startswith('sockstat_sockets{proto="tcp",family="inet",'
                     'state="LISTEN"}'):
        listen = float(ln.split()[-1])

want = [
    ("sockstat_listen_queue", dict(port=port), 2.0),
    ("sockstat_listen_backlog", dict(port=port), 5.0),
    ("sockstat_sockets", dict(proto="tcp", family="inet", state="LISTEN"),
     listen),
]
deadline = time.monotonic() + 60
got = {}
while time.monotonic() < deadline:
    got = {(m, job): value(m, job, **l) for m, l, _ in want
           for job in ("node", "openmetrics")}
    if all(got[(m, job)] for m, _, _ in want
           for job in ("node", "openmetrics")):
        break
    time.sleep(0.5)
for m, labels, v in want:
    for job in ("node", "openmetrics"):
        r = got.get((m, job)) or []
        good = len(r) == 1 and r[0][1] == v
        if m.startswith("sockstat_listen"):
            good = good and r[0][0].get("command") == name
        print(("ok - " if good else "not ok - ") +
              "Prometheus has %s%s = %s from the %s job%s" % (
                  m, labels, v, job, " (command label exact)"
                  if m.startswith("sockstat_listen") else ""))
        if not good:
            fails += 1
            print("#   got %r" % (r,))
# Counters are counters: their family's type as Prometheus recorded it
# from the OpenMetrics scrape.
url = "http://127.0.0.1:%s/api/v1/targets/metadata?metric=%s" % (
    api, "sockstat_tcp_listen_overflows")
try:
    with urllib.request.urlopen(url, timeout=5) as r:
        md = json.load(r)["data"]
except OSError as e:
    md = []
types = {m["target"]["job"]: m["type"] for m in md}
good = types.get("openmetrics") == "counter"
print(("ok - " if good else "not ok - ") +
      "sockstat_tcp_listen_overflows is a counter to Prometheus (%r)" % types)
fails += not good
r = value("sockstat_tcp_listen_overflows_total", "node")
good = len(r) == 1
print(("ok - " if good else "not ok - ") +
      "sockstat_tcp_listen_overflows_total through node_exporter")
fails += not good
sys.exit(1 if fails else 0)
EOF
[ $? -eq 0 ] || fails=$((fails + 1))
if [ $fails -ne 0 ]; then
	echo "# prometheus log:"; tail -n 5 "$tmp/prom.log" | sed 's/^/#   /'
	echo "# node_exporter log:"; tail -n 5 "$tmp/node.log" | sed 's/^/#   /'
	exit 1
fi
echo "check-prometheus: all passed"
