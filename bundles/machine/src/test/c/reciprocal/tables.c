/*
 * Prints the RCPSS and RSQRTSS tables of the host CPU as the Java string constants of
 * Reciprocals.java: what generated them (from an AMD EPYC, family 0x19 model 0x11).
 *
 *   gcc -O1 -o tables tables.c && ./tables
 *
 * Both instructions return a 12-bit significand that depends on the exponent's parity (RSQRTSS
 * only) and the operand's 12 high fraction bits (checked below: the 11 low bits never change
 * the result). Each table is printed as its first entry and the differences between successive
 * entries, one decimal digit each, since both tables fall monotonically by 0 to 4 units.
 */
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t bits(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static float from(uint32_t u) {
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static uint32_t rcp(uint32_t x) {
    return bits(_mm_cvtss_f32(_mm_rcp_ss(_mm_set_ss(from(x)))));
}

static uint32_t rsqrt(uint32_t x) {
    return bits(_mm_cvtss_f32(_mm_rsqrt_ss(_mm_set_ss(from(x)))));
}

/* Prints n entries (12-bit significands) as a Java string of difference digits. */
static void print(const char *name, const int *entry, int n) {
    printf("    private static final int %s_FIRST = %d;\n", name, entry[0]);
    printf("    private static final String %s =", name);
    int prev = entry[0];
    for (int i = 0; i < n; i++) {
        int step = prev - entry[i];
        if (step < 0 || step > 9) {
            fprintf(stderr, "%s[%d]: step %d does not fit a digit\n", name, i, step);
            exit(1);
        }
        if (i % 100 == 0) printf("\n            %s\"", i == 0 ? "" : "+ ");
        printf("%d", step);
        if (i % 100 == 99 || i == n - 1) printf("\"");
        prev = entry[i];
    }
    printf(";\n");
}

int main(void) {
    static int r[4096], s[8192];
    for (uint32_t i = 0; i < 4096; i++) {
        uint32_t x = 0x3f800000u | i << 11;
        r[i] = (rcp(x) >> 11) & 0xfff;
        for (uint32_t low = 1; low < 2048; low = low * 3 + 1) {
            if (rcp(x | low) != rcp(x)) { fprintf(stderr, "rcp depends on low bits at %08x\n", x); return 1; }
        }
        for (int odd = 0; odd < 2; odd++) {
            uint32_t y = (odd ? 0x3f000000u : 0x3f800000u) | i << 11;
            s[odd << 12 | i] = (rsqrt(y) >> 11) & 0xfff;
            for (uint32_t low = 1; low < 2048; low = low * 3 + 1) {
                if (rsqrt(y | low) != rsqrt(y)) { fprintf(stderr, "rsqrt depends on low bits at %08x\n", y); return 1; }
            }
        }
    }
    print("RCP", r, 4096);
    print("RSQRT_EVEN", s, 4096);
    print("RSQRT_ODD", s + 4096, 4096);
    return 0;
}
