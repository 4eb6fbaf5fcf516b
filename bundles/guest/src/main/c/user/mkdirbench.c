// SPDX-License-Identifier: Apache-2.0
/* mkdirbench N: N mkdir/rmdir pairs on one path, to measure probe overhead. */
#include "ulib.h"

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000;
	for (long i = 0; i < n; i++) {
		long r = mkdir("/bench", 0777);
		if (!r)
			r = rmdir("/bench");
		if (r) {
			eprintf("mkdirbench: iteration %ld: %s\n", i, strerror(r));
			return 1;
		}
	}
	printf("mkdirbench: %ld mkdir/rmdir pairs\n", n);
	return 0;
}
