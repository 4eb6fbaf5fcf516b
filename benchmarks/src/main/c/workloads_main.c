/* Host driver: prints each workload's native result for a seed, to check the emulator's. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

typedef uint64_t u64;
u64 wl_adler32(u64), wl_crc32(u64), wl_hashing(u64), wl_quicksort(u64), wl_heapsort(u64),
    wl_hashtable(u64), wl_recursion(u64);

int main(int argc, char **argv) {
    u64 seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 12345;
    printf("wl_adler32 %016" PRIx64 "\n", wl_adler32(seed));
    printf("wl_crc32 %016" PRIx64 "\n", wl_crc32(seed));
    printf("wl_hashing %016" PRIx64 "\n", wl_hashing(seed));
    printf("wl_quicksort %016" PRIx64 "\n", wl_quicksort(seed));
    printf("wl_heapsort %016" PRIx64 "\n", wl_heapsort(seed));
    printf("wl_hashtable %016" PRIx64 "\n", wl_hashtable(seed));
    printf("wl_recursion %016" PRIx64 "\n", wl_recursion(seed));
    return 0;
}
