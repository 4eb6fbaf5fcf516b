/*
 * Host driver of the floating-point part of the whole-function oracle (host_driver.c) for
 * float.c: prints RAX as 16 hex digits per line.
 */
#include <inttypes.h>
#include <stdio.h>

#define HOST_FUNCTIONS "float_funcs.h"
#include "host_driver.h"

static void print_rax(u64 rax) {
    printf("%016" PRIx64 "\n", rax);
}

int main(int argc, char **argv) {
    return host_driver_main(argc, argv, host_functions, HOST_FUNCTION_COUNT, print_rax);
}
