// SPDX-License-Identifier: Apache-2.0
/* mkdir PATH...: like coreutils mkdir (without options). */
#include "ulib.h"

int main(int argc, char **argv)
{
	int status = 0;
	if (argc < 2) {
		eprintf("mkdir: missing operand\n");
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		long r = mkdir(argv[i], 0777);
		if (r < 0) {
			eprintf("mkdir: cannot create directory '%s': %s\n", argv[i], strerror(r));
			status = 1;
		}
	}
	return status;
}
