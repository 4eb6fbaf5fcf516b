/*
 * The host driver of the whole-function oracle, shared by its parts (oracle_main.c for oracle.c,
 * vector_main.c for vector.c): host_driver_main() reads lines "name a1 a2 a3 a4 a5 a6" (hex) on
 * stdin, calls the native build of that function with the six arguments in the SysV argument
 * registers, and hands RAX to the part, which prints the line the test parses. "--list" prints
 * the names.
 *
 * A part defines HOST_FUNCTIONS, the file name of its X-macro list in quotes, before it
 * includes this header: it then gets the declarations and the table host_functions[] to pass on.
 */
#ifndef HOST_DRIVER_H
#define HOST_DRIVER_H

#include <stddef.h>
#include <stdint.h>

typedef uint64_t u64;
typedef u64 (*host_fn)(u64, u64, u64, u64, u64, u64);

struct host_function {
    const char *name;
    host_fn fn;
};

int host_driver_main(int argc, char **argv, const struct host_function *functions, size_t count,
                     void (*print_result)(u64 rax));

#ifdef HOST_FUNCTIONS
/* Declared with six u64 parameters: under SysV each argument lands in its register whatever
 * the definition's narrower types, exactly as the emulator passes them. */
#define X(name) u64 name(u64, u64, u64, u64, u64, u64);
#include HOST_FUNCTIONS
#undef X

static const struct host_function host_functions[] = {
#define X(name) {#name, name},
#include HOST_FUNCTIONS
#undef X
};
#define HOST_FUNCTION_COUNT (sizeof host_functions / sizeof host_functions[0])
#endif

#endif
