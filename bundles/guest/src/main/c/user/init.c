// SPDX-License-Identifier: Apache-2.0
/*
 * init: the first program.  Prints a banner and runs the default workload:
 * mkdir on new and on existing paths directly (the existing one shows the
 * kernel's -EEXIST), then the mkdir program on new paths, so init's last
 * lines report success; then exits 0 (the kernel powers off when pid 1
 * exits).
 */
#include "ulib.h"

static int run(char *const argv[])
{
	int status = 0;
	long pid = spawn(argv[0], argv);
	if (pid < 0) {
		printf("init: cannot run %s: %s\n", argv[0], strerror(pid));
		return -1;
	}
	wait4((int)pid, &status, 0, NULL);
	return status;
}

int main(void)
{
	printf("\nWelcome to KprobeLab (init pid %ld)\n\n", getpid());
	static const char *const dirs[] = { "/tmp", "/home", "/tmp" };
	for (unsigned i = 0; i < ARRAY_SIZE(dirs); i++) {
		long r = mkdir(dirs[i], 0755);
		printf("init: mkdir(\"%s\") = %ld%s%s\n", dirs[i], r, r ? " " : "",
		       r ? strerror(r) : "");
	}
	char *const argv[] = { "mkdir", "/home/user", "/tmp/work", NULL };
	int status = run(argv);
	printf("init: mkdir exited with status %d\n", WEXITSTATUS(status));
	printf("init: done\n");
	return 0;
}
