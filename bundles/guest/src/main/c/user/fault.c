// SPDX-License-Identifier: Apache-2.0
/*
 * fault WHAT: do something ring 3 may not, to see the kernel kill us and go
 * on.  hlt (#GP), kread/kwrite (#PF on a supervisor page), null (#PF on an
 * unmapped page), ud (#UD), text (#PF writing its own read-only code).
 */
#include "ulib.h"

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "hlt";
	volatile u64 *kernel = (volatile u64 *)0xffffffff81000000UL;
	if (!strcmp(what, "hlt"))
		asm volatile("hlt");
	else if (!strcmp(what, "kread"))
		printf("read %lx\n", *kernel);
	else if (!strcmp(what, "kwrite"))
		*kernel = 0;
	else if (!strcmp(what, "null"))
		*(volatile int *)0 = 1;
	else if (!strcmp(what, "ud"))
		asm volatile("ud2");
	else if (!strcmp(what, "text"))
		*(volatile u8 *)main = 0xcc; /* text pages are read-only */
	else {
		eprintf("fault: unknown fault '%s'\n", what);
		return 2;
	}
	printf("fault: %s did not fault\n", what);
	return 1;
}
