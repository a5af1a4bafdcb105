#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Says which source files lack the licence line; exits 1 if any does.
# Run by "make lint" from the top of the tree.
set -u
tag='SPDX-License-Identifier: BSD-2-Clause'
missing=$(
	{
		find src include tests bench scripts mk man doc -type f \
		    \( -name '*.[ch]' -o -name '*.sh' -o -name '*.py' \
		    -o -name '*.mk' -o -name '*.8' -o -name '*.md' \) \
		    ! -path 'tests/fuzz/corpus/*' ! -path 'tests/fuzz/regress/*' \
		    ! -path 'tests/data/*' ! -name RESULTS.md
		echo Makefile; echo .ci/run; echo bench/run; echo bench/sockfarm
		find completions contrib -type f; echo debian/rules
	} | while read -r f; do
		head -3 "$f" | grep -q "$tag" || echo "$f"
	done
)
if [ -n "$missing" ]; then
	echo "no SPDX line in:"
	echo "$missing"
	exit 1
fi
echo "SPDX: every source file carries BSD-2-Clause"
