/* The loop every part of the oracle's host driver runs; see host_driver.h. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "host_driver.h"

int host_driver_main(int argc, char **argv, const struct host_function *functions, size_t count,
                     void (*print_result)(u64 rax)) {
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
        print_result(functions[last].fn(a[0], a[1], a[2], a[3], a[4], a[5]));
    }
    return 0;
}
