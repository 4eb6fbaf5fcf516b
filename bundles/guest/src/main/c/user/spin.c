// SPDX-License-Identifier: Apache-2.0
/* spin N: CPU-bound, N loop iterations, reporting each quarter. */
#include "ulib.h"

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	long pid = getpid();
	volatile u64 x = 0;
	for (int q = 1; q <= 4; q++) {
		for (long i = 0; i < n / 4; i++)
			x = x * 6364136223846793005UL + 1442695040888963407UL;
		printf("spin[%ld]: %d/4\n", pid, q);
	}
	return 0;
}
