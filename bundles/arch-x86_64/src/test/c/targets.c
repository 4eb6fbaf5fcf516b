/* SPDX-License-Identifier: Apache-2.0 */
/* Probe targets for the x86-64 arch tests: the kernel selftest's targets (lib/test_kprobes.c
 * shapes, written anew) plus functions with instructions that need every resume_execution
 * fix-up, built as a bare kernel-address ELF. */

#define noinline __attribute__((noinline))

typedef unsigned long u64;

volatile long sink;
long table[16] = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3};

noinline long kprobe_target(long v) { return v / 3; }
noinline long kprobe_target2(long v) { return v / 3 + 1; }
noinline long kprobe_recursed_target(long v) { return v / 3; }

/* Called through a pointer so gcc cannot inline or fold it. */
long (*volatile target_fn)(long) = kprobe_target;
long (*volatile target2_fn)(long) = kprobe_target2;

noinline long call_target(long v) { return target_fn(v); }
noinline long call_target2(long v) { return target2_fn(v); }

noinline long loop_sum(long n)
{
    long s = 0;
    for (long i = 0; i < n; i++)
        s += kprobe_target(i * 7) ^ table[i & 15];
    return s;
}

/* RIP-relative loads and stores, a jump table, calls, pushf/popf. */
noinline long rip_relative(long i)
{
    table[i & 15] += i;
    sink = table[(i + 1) & 15];
    long r = table[i & 15] * 2 + sink;
    table[i & 15] -= i; /* leave the data as found: driver() must give the same result each call */
    return r;
}

noinline long switcher(long x)
{
    switch (x & 7) {
    case 0: return x * 3;
    case 1: return x ^ 0x55;
    case 2: return -x;
    case 3: return x << 4;
    case 4: return kprobe_target(x);
    case 5: return x % 11;
    case 6: return ~x;
    default: return x + 1000;
    }
}

noinline long flags_dance(long x)
{
    u64 f;
    __asm__ volatile("pushfq; popq %0" : "=r"(f));
    __asm__ volatile("pushfq; popfq");
    return x + (long)(f & 0x8d5);
}

noinline long recurse(long n)
{
    if (n <= 0)
        return 0;
    long r = recurse(n - 1);
    /* Keeps the call out of tail position: gcc would turn the recursion into a loop. */
    __asm__ volatile("" ::: "memory");
    return n + r;
}

noinline long indirect_call(long x)
{
    long (*volatile f)(long) = kprobe_target2;
    return f(x) + f(x + 1);
}

noinline long driver(long x)
{
    return call_target(x) + switcher(x) + rip_relative(x) + flags_dance(x) + recurse(x & 15)
        + indirect_call(x) + loop_sum(x & 31);
}

/* Stack-trace targets in the shape of the kernel selftest's: each records, once, the address it
 * returns to, so a return handler can check an unwinder against it. */
unsigned long target_return_address[2];

noinline unsigned long kprobe_stacktrace_internal_target(void)
{
    if (!target_return_address[0])
        target_return_address[0] = (unsigned long)__builtin_return_address(0);
    return target_return_address[0];
}

unsigned long (*volatile internal_target_fn)(void) = kprobe_stacktrace_internal_target;

noinline unsigned long kprobe_stacktrace_target(void)
{
    if (!target_return_address[1])
        target_return_address[1] = (unsigned long)__builtin_return_address(0);
    internal_target_fn();
    __asm__ volatile("" ::: "memory");
    return target_return_address[1];
}

unsigned long (*volatile stacktrace_target_fn)(void) = kprobe_stacktrace_target;

noinline unsigned long kprobe_stacktrace_driver(void)
{
    stacktrace_target_fn();
    __asm__ volatile("" ::: "memory");
    return (unsigned long)__builtin_return_address(0);
}
