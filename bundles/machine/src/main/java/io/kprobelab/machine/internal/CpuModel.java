package io.kprobelab.machine.internal;

/**
 * The CPU the machine presents to software through CPUID (SDM Vol. 2A CPUID, leaves as Linux and
 * glibc read them): a GenuineIntel family 6 processor that reports exactly the features the
 * interpreter implements, a 1 GHz invariant TSC whose crystal is the local APIC timer's clock
 * (leaf 0x15: the TSC and APIC timer need no calibration), 40 physical and 48 linear address
 * bits, and a fixed cache description. bundles/machine/CPU.md lists every leaf with the reasons.
 */
final class CpuModel {

    private CpuModel() {
    }

    /** Highest basic and extended leaves. */
    static final int MAX_BASIC = 0x16, MAX_EXTENDED = 0x80000008;
    /** Family 6, model 0x3a, stepping 9 (leaf 1 EAX). */
    static final int SIGNATURE = 0x000306a9;
    static final String VENDOR = "GenuineIntel";
    static final String BRAND = "KprobeLab x86-64 CPU @ 1.00GHz";
    /** TSC, APIC timer and crystal: 1 GHz, one tick per retired instruction. */
    static final long TSC_HZ = 1_000_000_000L;

    // Leaf 1 EDX: FPU TSC MSR PAE CX8 APIC SEP PGE CMOV PSE CLFSH MMX FXSR SSE SSE2
    static final int L1_EDX = 1 | 1 << 3 | 1 << 4 | 1 << 5 | 1 << 6 | 1 << 8 | 1 << 9 | 1 << 11 | 1 << 13 | 1 << 15
            | 1 << 19 | 1 << 23 | 1 << 24 | 1 << 25 | 1 << 26;
    // Leaf 1 ECX: CMPXCHG16B, x2APIC, POPCNT
    static final int L1_ECX = 1 << 13 | 1 << 21 | 1 << 23;
    // Leaf 7.0 EBX: ERMS (enhanced REP MOVSB/STOSB)
    static final int L7_EBX = 1 << 9;
    // Leaf 0x80000001 ECX: LAHF/SAHF in 64-bit mode, LZCNT
    static final int E1_ECX = 1 | 1 << 5;
    // Leaf 0x80000001 EDX: SYSCALL, NX, 1 GiB pages, RDTSCP, LM
    static final int E1_EDX = 1 << 11 | 1 << 20 | 1 << 26 | 1 << 27 | 1 << 29;

    /**
     * Fills {@code out} (EAX, EBX, ECX, EDX) for {@code leaf}/{@code subleaf} on CPU {@code apicId}.
     * A basic leaf above the maximum returns the highest basic leaf's values, as Intel CPUs do.
     */
    static void cpuid(int leaf, int subleaf, int apicId, long[] out) {
        long a = 0, b = 0, c = 0, d = 0;
        if (Integer.compareUnsigned(leaf, MAX_BASIC) > 0 && Integer.compareUnsigned(leaf, 0x80000000) < 0) {
            leaf = MAX_BASIC;
        }
        if (Integer.compareUnsigned(leaf, MAX_EXTENDED) > 0) {
            leaf = MAX_BASIC;
        }
        switch (leaf) {
            case 0:
                a = MAX_BASIC;
                b = word(VENDOR, 0);
                d = word(VENDOR, 4);
                c = word(VENDOR, 8);
                break;
            case 1:
                a = SIGNATURE;
                // CLFLUSH line 8 x 8 = 64 bytes; one logical processor; initial APIC ID
                b = 8 << 8 | 1 << 16 | (long) apicId << 24;
                c = L1_ECX;
                d = L1_EDX;
                break;
            case 2: // one iteration, no descriptors: caches are described by leaf 4
                a = 1;
                break;
            case 4:
                switch (subleaf) {
                    case 0: a = cache(1, 1); b = ways(8, 64); c = 63; break;    // L1d 32 KiB
                    case 1: a = cache(2, 1); b = ways(8, 64); c = 63; break;    // L1i 32 KiB
                    case 2: a = cache(1, 2); b = ways(8, 64); c = 511; break;   // L2 256 KiB
                    case 3: a = cache(1, 3) | 1 << 8; b = ways(16, 64); c = 8191; d = 2; break; // L3 8 MiB, inclusive
                    default: // no more caches
                }
                break;
            case 6: // thermal and power: the APIC timer always runs (ARAT), whatever the idle state
                a = 1 << 2;
                break;
            case 7:
                if (subleaf == 0) {
                    b = L7_EBX;
                }
                break;
            case 0xb: // x2APIC topology: one thread per core, one core per package
                if (subleaf == 0) {
                    a = 0;
                    b = 1;
                    c = 1 << 8;
                } else if (subleaf == 1) {
                    a = 0;
                    b = 1;
                    c = 2 << 8 | 1;
                } else {
                    c = subleaf & 0xff;
                }
                d = apicId;
                break;
            case 0x15: // TSC = crystal x EBX / EAX
                a = 1;
                b = 1;
                c = TSC_HZ;
                break;
            case 0x16: // base, maximum and bus frequency in MHz
                a = TSC_HZ / 1_000_000;
                b = TSC_HZ / 1_000_000;
                c = TSC_HZ / 1_000_000;
                break;
            case 0x80000000:
                a = MAX_EXTENDED;
                break;
            case 0x80000001:
                c = E1_ECX;
                d = E1_EDX;
                break;
            case 0x80000002: case 0x80000003: case 0x80000004: {
                int base = (leaf - 0x80000002) * 16;
                a = word(BRAND, base);
                b = word(BRAND, base + 4);
                c = word(BRAND, base + 8);
                d = word(BRAND, base + 12);
                break;
            }
            case 0x80000006: // L2: 256 KiB, 8-way, 64-byte lines (Intel reports it here too)
                c = 256L << 16 | 6 << 12 | 64;
                break;
            case 0x80000007: // invariant TSC
                d = 1 << 8;
                break;
            case 0x80000008: // 48 linear, 40 physical address bits
                a = 48 << 8 | Mmu.PHYS_BITS;
                break;
            default:
        }
        out[0] = a & 0xffffffffL;
        out[1] = b & 0xffffffffL;
        out[2] = c & 0xffffffffL;
        out[3] = d & 0xffffffffL;
    }

    /** Leaf 4 EAX: cache type (1 data, 2 instruction, 3 unified), level, self-initializing. */
    private static long cache(int type, int level) {
        return type | level << 5 | 1 << 8;
    }

    /** Leaf 4 EBX: ways - 1 (31:22), partitions - 1 (21:12) = 0, line size - 1 (11:0). */
    private static long ways(int ways, int line) {
        return (long) (ways - 1) << 22 | (line - 1);
    }

    /** Four characters of {@code s} from {@code at} as a little-endian register (NUL past the end). */
    private static long word(String s, int at) {
        long v = 0;
        for (int i = 3; i >= 0; i--) {
            int k = at + i;
            v = v << 8 | (k < s.length() ? s.charAt(k) & 0xff : 0);
        }
        return v;
    }
}
