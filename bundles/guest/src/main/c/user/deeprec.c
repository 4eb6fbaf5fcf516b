// SPDX-License-Identifier: Apache-2.0
/*
 * deeprec N: make a chain of N nested directories /deep/d/d/..., one mkdir
 * per level, then remove them from the bottom.  The kernel walks paths
 * recursively (walk_component calls itself per component), so the last
 * mkdir nests N+1 calls deep: material for nested return probes.
 * N is at most 120 (the kernel caps walks at 128 components).
 */
#include "ulib.h"

static char path[512];

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 50;
	if (n < 1 || n > 120) {
		eprintf("deeprec: N must be 1..120\n");
		return 1;
	}
	int len = snprintf(path, sizeof(path), "/deep");
	long r = mkdir(path, 0777);
	for (long i = 0; i < n && !r; i++) {
		len += snprintf(path + len, sizeof(path) - len, "/d");
		r = mkdir(path, 0777);
	}
	if (r) {
		eprintf("deeprec: mkdir %s: %s\n", path, strerror(r));
		return 1;
	}
	for (long i = 0; i <= n; i++) {
		r = rmdir(path);
		if (r) {
			eprintf("deeprec: rmdir %s: %s\n", path, strerror(r));
			return 1;
		}
		len -= 2;
		path[len] = 0;
	}
	printf("deeprec: depth %ld ok\n", n);
	return 0;
}
