package io.kprobelab.benchmarks;

/**
 * The guest workloads of {@code src/main/c/workloads.c}: each a function taking a seed and
 * retiring a few million instructions.
 */
public enum Workload {
    /** Adler-32 over 64 KiB, four rounds (division by 65521 per byte). */
    ADLER32("wl_adler32"),
    /** Bitwise CRC-32 over 16 KiB. */
    CRC32("wl_crc32"),
    /** FNV-1a and a murmur3-style block hash over 64 KiB. */
    HASHING("wl_hashing"),
    /** Quicksort of 16384 values from an LCG. */
    QUICKSORT("wl_quicksort"),
    /** Heapsort of 16384 values from an LCG. */
    HEAPSORT("wl_heapsort"),
    /** Open-addressing hash table inserts and lookups. */
    HASHTABLE("wl_hashtable"),
    /** fib and tak: call/ret-heavy recursion. */
    RECURSION("wl_recursion");

    /** The guest symbol. */
    public final String symbol;

    Workload(String symbol) {
        this.symbol = symbol;
    }

    /** The seed every benchmark call passes. */
    public static final long SEED = 12345;
}
