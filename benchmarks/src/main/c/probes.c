/* SPDX-License-Identifier: Apache-2.0 */
/* Probe targets for ProbeHitBenchmark: a small function called through a pointer in a loop, so
 * one host call makes many probe hits and the host-to-vCPU hand-off is amortised. */

#define noinline __attribute__((noinline))

noinline long probe_target(long v)
{
    return v * 3 + 1;
}

long (*volatile probe_target_fn)(long) = probe_target;

noinline long probe_loop(long n)
{
    long s = 0;
    for (long i = 0; i < n; i++)
        s += probe_target_fn(i);
    return s;
}

void _start(void)
{
    probe_loop(1);
}
