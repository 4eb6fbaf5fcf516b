/*
 * Host driver of the vector part of the whole-function oracle (host_driver.c) for vector.c:
 * prints RAX and a 64-bit FNV-1a hash of vector_state after the call, both as 16 hex digits.
 */
#include <inttypes.h>
#include <stdio.h>

#define HOST_FUNCTIONS "vector_funcs.h"
#include "host_driver.h"

extern unsigned char vector_state[]; /* a struct in vector.c; only its bytes matter here */
extern const unsigned long vector_state_size;

static void print_rax_and_state_hash(u64 rax) {
    u64 h = 0xcbf29ce484222325ull;
    for (unsigned long i = 0; i < vector_state_size; i++) {
        h = (h ^ vector_state[i]) * 0x100000001b3ull;
    }
    printf("%016" PRIx64 " %016" PRIx64 "\n", rax, h);
}

int main(int argc, char **argv) {
    return host_driver_main(argc, argv, host_functions, HOST_FUNCTION_COUNT, print_rax_and_state_hash);
}
