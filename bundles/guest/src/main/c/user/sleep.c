// SPDX-License-Identifier: Apache-2.0
/* sleep MS: sleep in virtual time (nanosleep). */
#include "ulib.h"

int main(int argc, char **argv)
{
	long ms = argc > 1 ? atol(argv[1]) : 10;
	long start = now_ms();
	long r = msleep(ms);
	if (r) {
		eprintf("sleep: %s\n", strerror(r));
		return 1;
	}
	printf("sleep[%ld]: slept %ld ms (%ld ms of virtual time)\n", getpid(), ms,
	       now_ms() - start);
	return 0;
}
