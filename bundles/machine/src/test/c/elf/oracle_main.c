/*
 * Host driver of the whole-function oracle: reads lines "name a1 a2 a3 a4 a5 a6" (hex) on
 * stdin, calls the native build of that oracle.c function with the six arguments in the SysV
 * argument registers, and prints RAX as 16 hex digits per line. "--list" prints the names.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

typedef uint64_t u64;
typedef u64 (*oracle_fn)(u64, u64, u64, u64, u64, u64);

/* Declared with six u64 parameters: under SysV each argument lands in its register whatever
 * the definition's narrower types, exactly as the emulator passes them. */
#define X(name) u64 name(u64, u64, u64, u64, u64, u64);
#include "oracle_funcs.h"
#undef X

static const struct {
    const char *name;
    oracle_fn fn;
} functions[] = {
#define X(name) {#name, name},
#include "oracle_funcs.h"
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
        printf("%016" PRIx64 "\n", functions[last].fn(a[0], a[1], a[2], a[3], a[4], a[5]));
    }
    return 0;
}
