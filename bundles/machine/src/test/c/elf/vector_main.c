/*
 * Host driver of the vector part of the whole-function oracle: reads lines
 * "name a1 a2 a3 a4 a5 a6" (hex) on stdin, calls the native build of that vector.c function and
 * prints RAX and a 64-bit FNV-1a hash of vector_state after the call, both as 16 hex digits.
 * "--list" prints the names.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

typedef uint64_t u64;
typedef u64 (*vector_fn)(u64, u64, u64, u64, u64, u64);

/* Six u64 parameters whatever the definition's: under SysV each lands in its register. */
#define X(name) u64 name(u64, u64, u64, u64, u64, u64);
#include "vector_funcs.h"
#undef X

extern unsigned char vector_state[]; /* a struct in vector.c; only its bytes matter here */
extern const unsigned long vector_state_size;

static const struct {
    const char *name;
    vector_fn fn;
} functions[] = {
#define X(name) {#name, name},
#include "vector_funcs.h"
#undef X
};

int main(int argc, char **argv) {
    size_t count = sizeof functions / sizeof functions[0];
    if (argc > 1 && strcmp(argv[1], "--list") == 0) {
        for (size_t i = 0; i < count; i++) {
            puts(functions[i].name);
        }
        return 0;
    }
    char name[128];
    u64 a[6];
    size_t last = 0;
    while (scanf("%127s %" SCNx64 " %" SCNx64 " %" SCNx64 " %" SCNx64 " %" SCNx64 " %" SCNx64,
                 name, &a[0], &a[1], &a[2], &a[3], &a[4], &a[5]) == 7) {
        if (strcmp(functions[last].name, name) != 0) {
            for (last = 0; last < count && strcmp(functions[last].name, name) != 0; last++) {
            }
            if (last == count) {
                fprintf(stderr, "unknown function %s\n", name);
                return 2;
            }
        }
        u64 r = functions[last].fn(a[0], a[1], a[2], a[3], a[4], a[5]);
        u64 h = 0xcbf29ce484222325ull;
        for (unsigned long i = 0; i < vector_state_size; i++) {
            h = (h ^ vector_state[i]) * 0x100000001b3ull;
        }
        printf("%016" PRIx64 " %016" PRIx64 "\n", r, h);
    }
    return 0;
}
