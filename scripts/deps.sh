#!/bin/sh
# Install what sockstat needs to build, test and demo, on Debian and
# derivatives.  Run by "make demo" and "make check" before anything else, so
# that two commands from the README are the whole set-up on a fresh machine.
#
#   scripts/deps.sh build   libraries and tools needed to build and run
#   scripts/deps.sh check   the above plus what the tests use
#
# As root it runs apt-get itself; otherwise it prints the exact command to
# run and fails, rather than half-building.
set -eu

want=${1:-build}
build_pkgs="pkg-config libmnl-dev libcap-dev"
check_pkgs="libcmocka-dev mandoc iproute2 net-tools lsof python3 valgrind clang libclang-rt-14-dev util-linux libcap2-bin"

pkgs=$build_pkgs
[ "$want" = check ] && pkgs="$build_pkgs $check_pkgs"

missing=
for p in $pkgs; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*"ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "sockstat: missing packages:$missing (no apt-get here; install them by hand)" >&2
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "sockstat: missing packages:$missing" >&2
	echo "run: sudo apt-get update && sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "sockstat: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
