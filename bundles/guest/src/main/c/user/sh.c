// SPDX-License-Identifier: Apache-2.0
/*
 * sh WORD...: a tiny command runner.  The words form commands separated by
 * ";" (run and wait) or "&" (run in the background); all background
 * commands are waited for at the end.  Example, two CPU-bound tasks at once:
 *   sh spin 3000000 & spin 3000000
 */
#include "ulib.h"

int main(int argc, char **argv)
{
	int i = 1, status = 0, last = 0;
	while (i < argc) {
		char *cmd[17];
		int n = 0;
		while (i < argc && strcmp(argv[i], ";") && strcmp(argv[i], "&") && n < 16)
			cmd[n++] = argv[i++];
		cmd[n] = NULL;
		bool background = i < argc && !strcmp(argv[i], "&");
		i++;
		if (!n)
			continue;
		long pid = spawn(cmd[0], cmd);
		if (pid < 0) {
			eprintf("sh: %s: %s\n", cmd[0], strerror(pid));
			last = 127;
			continue;
		}
		if (!background) {
			wait4((int)pid, &status, 0, NULL);
			last = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		}
	}
	while (wait4(-1, &status, 0, NULL) > 0)
		;
	return last;
}
