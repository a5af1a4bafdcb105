/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * demo.h - sockstat demo: a guided look at TCP's states on loopback.
 * It starts the echo server on an ephemeral port, watches it with the
 * event stream (watch.h), runs three echo clients against it, prints
 * the timeline of every transition on both sides with owners and what
 * each state means, then the table of that port.  It needs no setup,
 * ends by itself within seconds and leaves nothing running.
 */
#ifndef DEMO_H
#define DEMO_H

/*
 * sockstat demo [--method trace|poll|auto]: argv[0] is "demo".  Call it
 * before privs_init, as cmd_watch.  Prints; returns EXIT_OK, EXIT_FAIL
 * or EXIT_USAGE.
 */
int	 cmd_demo(int argc, char **argv);

#endif /* DEMO_H */
