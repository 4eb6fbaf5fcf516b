package io.kprobelab.arch.x86_64.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.kprobes.Generation;
import io.kprobelab.kprobes.Kprobe;
import io.kprobelab.kprobes.KprobeSpec;
import io.kprobelab.kprobes.Kretprobe;
import io.kprobelab.kprobes.KretprobeSpec;
import io.kprobelab.kprobes.internal.KprobesService;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Machines;
import io.kprobelab.traps.NotifyResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A port of the kernel's kprobes self-test ({@code lib/tests/test_kprobes.c}): the same cases,
 * names and assertions, on targets of the same shape compiled into a bare image, under every
 * generation. Handler-side expectations are collected and asserted after each call, as the
 * KUnit handlers do with {@code KUNIT_EXPECT_*}.
 */
class TestKprobesTest {

    private static final long DIV_FACTOR = 3;

    private Machine machine;
    private KprobesService core;
    private long rand1;
    private long prehVal;
    private long posthVal;
    private long krphVal;
    private final List<String> failures = new ArrayList<>();

    private void init(Generation g) throws Exception {
        machine = Machines.create(1, 32);
        machine.loadBare(TargetImage.get());
        X86Kprobes arch = new X86Kprobes();
        core = new KprobesService(machine, arch, g, false);
        machine.setTrapSink((cpu, trap) -> arch.notify(cpu, trap) == NotifyResult.STOP);
        // kprobes_test_init: a random value greater than div_factor, so rand1 / 3 is never zero.
        Random r = new Random(0x6b70726fL + g.ordinal());
        do {
            rand1 = r.nextInt() & 0xffffffffL;
        } while (rand1 <= DIV_FACTOR);
        prehVal = posthVal = krphVal = 0;
    }

    /** Closes the core, as a stopped bundle does: its watchdog and deferred threads end. */
    @AfterEach
    void closeCore() {
        if (core != null) {
            core.close();
        }
    }

    private void expectEq(long expected, long actual, String what) {
        if (expected != actual) {
            failures.add(what + ": expected " + expected + " but was " + actual);
        }
    }

    private void expectNe(long unexpected, long actual, String what) {
        if (unexpected == actual) {
            failures.add(what + ": expected not " + unexpected);
        }
    }

    private void assertNoHandlerFailures() {
        assertTrue(failures.isEmpty(), String.join("; ", failures));
    }

    private long call(String fn, long arg) {
        return machine.call(fn, arg).rax();
    }

    private KprobeSpec kp() {
        return KprobeSpec.at("kprobe_target")
                .preHandler((p, regs) -> {
                    prehVal = rand1 / DIV_FACTOR;
                    return 0;
                })
                .postHandler((p, regs, flags) -> {
                    expectEq(rand1 / DIV_FACTOR, prehVal, "kp post: preh_val");
                    posthVal = prehVal + DIV_FACTOR;
                });
    }

    private KprobeSpec kp2() {
        return KprobeSpec.at("kprobe_target2")
                .preHandler((p, regs) -> {
                    prehVal = rand1 / DIV_FACTOR + 1;
                    return 0;
                })
                .postHandler((p, regs, flags) -> {
                    expectEq(rand1 / DIV_FACTOR + 1, prehVal, "kp2 post: preh_val");
                    posthVal = prehVal + DIV_FACTOR;
                });
    }

    @ParameterizedTest
    @EnumSource(Generation.class)
    void test_kprobe(Generation g) throws Exception {
        init(g);
        Kprobe p = core.registerKprobe(kp());
        call("kprobe_target", rand1);
        core.unregisterKprobe(p);
        assertNotEquals(0, prehVal);
        assertNotEquals(0, posthVal);
        assertNoHandlerFailures();
    }

    @ParameterizedTest
    @EnumSource(Generation.class)
    void test_kprobes(Generation g) throws Exception {
        init(g);
        List<Kprobe> kps = core.registerKprobes(List.of(kp(), kp2()));
        call("kprobe_target", rand1);
        assertNotEquals(0, prehVal);
        assertNotEquals(0, posthVal);
        prehVal = 0;
        posthVal = 0;
        call("kprobe_target2", rand1);
        assertNotEquals(0, prehVal);
        assertNotEquals(0, posthVal);
        core.unregisterKprobes(kps);
        assertNoHandlerFailures();
    }

    @ParameterizedTest
    @EnumSource(Generation.class)
    void test_kprobe_missed(Generation g) throws Exception {
        init(g);
        // Each handler calls the probed function once: both nested hits are missed, not handled.
        Kprobe p = core.registerKprobe(KprobeSpec.at("kprobe_recursed_target")
                .preHandler((kp, regs) -> {
                    call("kprobe_recursed_target", rand1);
                    prehVal = rand1 / DIV_FACTOR;
                    return 0;
                })
                .postHandler((kp, regs, flags) -> {
                    expectEq(rand1 / DIV_FACTOR, prehVal, "missed post: preh_val");
                    posthVal = prehVal + DIV_FACTOR;
                    call("kprobe_recursed_target", rand1);
                }));
        call("kprobe_recursed_target", rand1);
        assertEquals(2, p.nmissed());
        assertNotEquals(0, prehVal);
        assertNotEquals(0, posthVal);
        core.unregisterKprobe(p);
        assertNoHandlerFailures();
    }

    private KretprobeSpec rp() {
        return KretprobeSpec.on("kprobe_target")
                .entryHandler((ri, regs) -> {
                    krphVal = rand1 / DIV_FACTOR;
                    return 0;
                })
                .handler((ri, regs) -> {
                    expectEq(rand1 / DIV_FACTOR, regs.returnValue(), "return_handler: return value");
                    expectNe(0, krphVal, "return_handler: krph_val");
                    krphVal = rand1;
                    return 0;
                });
    }

    private KretprobeSpec rp2() {
        return KretprobeSpec.on("kprobe_target2")
                .entryHandler((ri, regs) -> {
                    krphVal = rand1 / DIV_FACTOR;
                    return 0;
                })
                .handler((ri, regs) -> {
                    expectEq(rand1 / DIV_FACTOR + 1, regs.returnValue(), "return_handler2: return value");
                    expectNe(0, krphVal, "return_handler2: krph_val");
                    krphVal = rand1;
                    return 0;
                });
    }

    @ParameterizedTest
    @EnumSource(Generation.class)
    void test_kretprobe(Generation g) throws Exception {
        init(g);
        Kretprobe r = core.registerKretprobe(rp());
        call("kprobe_target", rand1);
        core.unregisterKretprobe(r);
        assertEquals(rand1, krphVal);
        assertNoHandlerFailures();
    }

    @ParameterizedTest
    @EnumSource(Generation.class)
    void test_kretprobes(Generation g) throws Exception {
        init(g);
        List<Kretprobe> rps = core.registerKretprobes(List.of(rp(), rp2()));
        krphVal = 0;
        call("kprobe_target", rand1);
        assertEquals(rand1, krphVal);
        krphVal = 0;
        call("kprobe_target2", rand1);
        assertEquals(rand1, krphVal);
        core.unregisterKretprobes(rps);
        assertNoHandlerFailures();
    }

    private long targetReturnAddress(int i) throws Exception {
        long table = machine.symbols().lookup("target_return_address").orElseThrow().address();
        return machine.memory().readU64(table + 8L * i);
    }

    private static boolean contains(long[] trace, long addr) {
        for (long a : trace) {
            if (a == addr) {
                return true;
            }
        }
        return false;
    }

    @ParameterizedTest
    @EnumSource(Generation.class)
    void test_stacktrace_on_kretprobe(Generation g) throws Exception {
        init(g);
        long myretip = machine.symbols().lookup("kprobe_stacktrace_driver").orElseThrow().address();
        // Run once unprobed so the targets record their return addresses.
        assertNotEquals(myretip, call("kprobe_stacktrace_driver", 0));
        long ret1 = targetReturnAddress(1);
        Kretprobe r = core.registerKretprobe(KretprobeSpec.on("kprobe_stacktrace_target")
                .handler((ri, regs) -> {
                    expectEq(ret1, regs.returnValue(), "stacktrace_return_handler: return value");
                    long[] trace = core.stackTrace(regs, 16);
                    if (trace.length == 0 || !contains(trace, ret1)) {
                        failures.add("stack trace " + hex(trace) + " lacks 0x" + Long.toHexString(ret1));
                    } else {
                        expectEq(ret1, trace[0], "stack_trace_save_regs: first entry");
                    }
                    return 0;
                }));
        assertNotEquals(myretip, call("kprobe_stacktrace_driver", 0));
        core.unregisterKretprobe(r);
        assertNoHandlerFailures();
    }

    @ParameterizedTest
    @EnumSource(Generation.class)
    void test_stacktrace_on_nested_kretprobe(Generation g) throws Exception {
        init(g);
        call("kprobe_stacktrace_driver", 0);
        long ret0 = targetReturnAddress(0);
        long ret1 = targetReturnAddress(1);
        int[] innerRuns = {0};
        List<Kretprobe> rps = core.registerKretprobes(List.of(
                KretprobeSpec.on("kprobe_stacktrace_target"),
                KretprobeSpec.on("kprobe_stacktrace_internal_target").handler((ri, regs) -> {
                    innerRuns[0]++;
                    expectEq(ret0, regs.returnValue(), "inner return value");
                    long[] trace = core.stackTrace(regs, 16);
                    int i = 0;
                    while (i < trace.length && trace[i] != ret0) {
                        i++;
                    }
                    if (i + 1 >= trace.length) {
                        failures.add("stack trace " + hex(trace) + " lacks 0x" + Long.toHexString(ret0) + " and a successor");
                    } else {
                        expectEq(ret1, trace[i + 1], "entry after the inner return address");
                        expectEq(ret0, trace[0], "stack_trace_save_regs: first entry");
                    }
                    return 0;
                })));
        call("kprobe_stacktrace_driver", 0);
        core.unregisterKretprobes(rps);
        assertEquals(1, innerRuns[0]);
        assertNoHandlerFailures();
    }

    private static String hex(long[] a) {
        StringBuilder sb = new StringBuilder("[");
        for (long v : a) {
            sb.append(sb.length() > 1 ? ", " : "").append("0x").append(Long.toHexString(v));
        }
        return sb.append(']').toString();
    }
}
