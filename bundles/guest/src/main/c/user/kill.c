// SPDX-License-Identifier: Apache-2.0
/*
 * kill [-SIGNAL] PID...: send a signal (default TERM) to tasks, as procps'
 * kill does.  SIGNAL is a number or one of HUP INT QUIT KILL TERM.  Every
 * signal terminates its target here (there are no handlers); it acts when
 * the target next returns to user mode.  Exits 1 if any PID failed.
 */
#include "ulib.h"

static const struct { const char *name; int sig; } names[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "KILL", SIGKILL }, { "TERM", SIGTERM },
};

static int signal_of(const char *s)
{
	if (*s >= '0' && *s <= '9')
		return (int)atol(s);
	if (!strncmp(s, "SIG", 3))
		s += 3;
	for (unsigned i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(s, names[i].name))
			return names[i].sig;
	return -1;
}

int main(int argc, char **argv)
{
	int i = 1, sig = SIGTERM, status = 0;
	if (i < argc && argv[i][0] == '-') {
		sig = signal_of(argv[i] + 1);
		if (sig < 0) {
			eprintf("kill: %s: invalid signal specification\n", argv[i] + 1);
			return 1;
		}
		i++;
	}
	if (i >= argc) {
		eprintf("kill: usage: kill [-SIGNAL] PID...\n");
		return 2;
	}
	for (; i < argc; i++) {
		long pid = atol(argv[i]);
		long r = pid > 0 ? kill((int)pid, sig) : -EINVAL;
		if (r) {
			eprintf("kill: (%s) - %s\n", argv[i], r == -ESRCH ? "No such process" : strerror(r));
			status = 1;
		}
	}
	return status;
}
