# SPDX-License-Identifier: BSD-2-Clause
# Distribution: what "make install" adds to the binary and the man page
# (shell completion, the systemd units of contrib/), and the Debian
# package (debian/).
#
#   make install      also BASHCOMPDIR ZSHCOMPDIR SYSTEMDUNITDIR TEXTFILEDIR
#   make deb          dist/sockstat-linux_VERSION_ARCH.deb, with
#                     dpkg-buildpackage -us -uc -b on a copy of the tree,
#                     then lintian on it (no error, no warning)
#   make check-deb    make deb, then dpkg -i, sockstat -an, man -w
#                     sockstat, dpkg --purge (as root: it changes the host)
#
# dist/ is build output; the package is built in a temporary directory,
# so the tree keeps nothing of dpkg-buildpackage's.

dist_saved_goal := $(.DEFAULT_GOAL)

BASHCOMPDIR	?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR	?= $(PREFIX)/share/zsh/site-functions
SYSTEMDUNITDIR	?= $(PREFIX)/lib/systemd/system
# Where Debian's prometheus-node-exporter reads its textfile collector.
TEXTFILEDIR	?= /var/lib/prometheus/node-exporter

install: install-extra

# The zsh file finds the bash one, and the service the binary, where they
# are installed (without DESTDIR: that is the staging root).
install-extra:
	$(INSTALL) -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) \
	    $(DESTDIR)$(SYSTEMDUNITDIR)
	$(INSTALL) -m 644 completions/sockstat.bash \
	    $(DESTDIR)$(BASHCOMPDIR)/$(PROG)
	sed 's|@BASHCOMPDIR@|$(BASHCOMPDIR)|' completions/_sockstat \
	    >$(DESTDIR)$(ZSHCOMPDIR)/_$(PROG)
	chmod 644 $(DESTDIR)$(ZSHCOMPDIR)/_$(PROG)
	sed 's|@BINDIR@|$(BINDIR)|; s|@TEXTFILEDIR@|$(TEXTFILEDIR)|g' \
	    contrib/sockstat-metrics.service \
	    >$(DESTDIR)$(SYSTEMDUNITDIR)/sockstat-metrics.service
	$(INSTALL) -m 644 contrib/sockstat-metrics.timer \
	    $(DESTDIR)$(SYSTEMDUNITDIR)/sockstat-metrics.timer
	chmod 644 $(DESTDIR)$(SYSTEMDUNITDIR)/sockstat-metrics.service

uninstall: uninstall-extra

uninstall-extra:
	rm -f $(DESTDIR)$(BASHCOMPDIR)/$(PROG) $(DESTDIR)$(ZSHCOMPDIR)/_$(PROG) \
	    $(DESTDIR)$(SYSTEMDUNITDIR)/sockstat-metrics.service \
	    $(DESTDIR)$(SYSTEMDUNITDIR)/sockstat-metrics.timer

deb:
	@sh scripts/deps.sh deb
	@sh scripts/deb.sh build

check-deb:
	@sh scripts/deps.sh deb
	@sh scripts/deb.sh check

CLEAN_FILES += dist

.PHONY: install-extra uninstall-extra deb check-deb

.DEFAULT_GOAL := $(dist_saved_goal)
