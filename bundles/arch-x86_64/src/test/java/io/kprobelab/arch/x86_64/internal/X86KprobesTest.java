package io.kprobelab.arch.x86_64.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.kprobes.Errno;
import io.kprobelab.kprobes.Generation;
import io.kprobelab.kprobes.Kprobe;
import io.kprobelab.kprobes.KprobeException;
import io.kprobelab.kprobes.KprobeSpec;
import io.kprobelab.kprobes.Kretprobe;
import io.kprobelab.kprobes.KretprobeSpec;
import io.kprobelab.kprobes.internal.KprobesService;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Machines;
import io.kprobelab.machine.Reg;
import io.kprobelab.machine.Symbol;
import io.kprobelab.machine.Trap;
import io.kprobelab.traps.NotifyResult;
import io.kprobelab.x86.Decoder;
import io.kprobelab.x86.Insn;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The seed's flow on the real emulated CPU: real int3 bytes, TF steps, a swapped return address. */
class X86KprobesTest {

    Machine machine;
    X86Kprobes arch;
    KprobesService core;

    void boot(Generation g) throws Exception {
        boot(g, "-O2");
    }

    void boot(Generation g, String opt) throws Exception {
        boot(g, opt, true);
    }

    /** @param preemptible CONFIG_PREEMPT: the default maxactive rule, and no kprobe-booster */
    void boot(Generation g, String opt, boolean preemptible) throws Exception {
        closeCore();
        machine = Machines.create(1, 32);
        machine.loadBare(TargetImage.get(opt));
        arch = new X86Kprobes();
        core = new KprobesService(machine, arch, g, preemptible);
        machine.setTrapSink((cpu, trap) -> arch.notify(cpu, trap) == NotifyResult.STOP);
        machine.resetTrapCounts();
    }

    /** Closes the core, as a stopped bundle does: its watchdog and deferred threads end. */
    @AfterEach
    void closeCore() {
        if (core != null) {
            core.close();
        }
    }

    long addr(String sym) {
        return machine.symbols().lookup(sym).orElseThrow().address();
    }

    @ParameterizedTest
    @EnumSource(Generation.class)
    void kprobeOnEntry_runsBothHandlers_stepsOutOfLine_oneBpOneDb(Generation g) throws Exception {
        boot(g);
        long target = addr("kprobe_target");
        List<String> seen = new ArrayList<>();
        Kprobe kp = core.registerKprobe(KprobeSpec.at("kprobe_target")
                .preHandler((p, regs) -> {
                    seen.add("pre ip=" + Long.toHexString(regs.ip() - target) + " di=" + regs.get(Reg.RDI));
                    return 0;
                })
                .postHandler((p, regs, f) -> seen.add("post tf=" + ((regs.flags() >> 8) & 1))));
        assertEquals(0xcc, machine.memory().readU8(target));
        assertEquals(10, machine.call("call_target", 30).rax());
        assertEquals(List.of("pre ip=1 di=30", "post tf=0"), seen);
        assertEquals(1, machine.trapCount(Trap.BP));
        assertEquals(1, machine.trapCount(Trap.DB));
        assertEquals(1, kp.hits());
        core.unregisterKprobe(kp);
        assertEquals(10, machine.call("call_target", 30).rax());
        assertEquals(1, machine.trapCount(Trap.BP));
    }

    @ParameterizedTest
    @EnumSource(Generation.class)
    void kretprobe_trapCountsPerGeneration_andHandlerSeesTheReturnValue(Generation g) throws Exception {
        boot(g);
        List<Long> rets = new ArrayList<>();
        Kretprobe rp = core.registerKretprobe(KretprobeSpec.on("kprobe_target")
                .handler((ri, regs) -> { rets.add(regs.returnValue()); return 0; }));
        int n = 50;
        for (int i = 0; i < n; i++) {
            assertEquals(i * 7 / 3, machine.call("call_target", i * 7).rax());
        }
        assertEquals(n, rets.size());
        assertEquals(98 / 3, rets.get(14));
        // 2.6.25's trampoline is code calling the handler: no trap on return (the entry, a
        // 10-byte movabs here, is too long to boost, and this kernel is preemptible anyway).
        long bp = g == Generation.G2_6_25 ? n : 2L * n;
        assertEquals(bp, machine.trapCount(Trap.BP));
        assertEquals(g == Generation.G2005 ? 2L * n : n, machine.trapCount(Trap.DB));
        // Per probe too: the four (three, two) interruptions of each call are this kretprobe's.
        assertEquals(bp, rp.trapCount(Trap.BP));
        assertEquals(g == Generation.G2005 ? 2L * n : n, rp.trapCount(Trap.DB));
        assertEquals(n, rp.kp().trapCount(Trap.BP));
        assertEquals(n, rp.kp().trapCount(Trap.DB));
        assertEquals(0, rp.inFlight());
        assertEquals(0, rp.nmissed());
    }

    @ParameterizedTest
    @EnumSource(Generation.class)
    void kretprobe_trapOrder_isTheSeedsFourInterruptions_orThreeFrom2613(Generation g) throws Exception {
        boot(g);
        List<String> order = new ArrayList<>();
        machine.setTrapSink((cpu, trap) -> {
            long ip = cpu.regs().ip();
            boolean mine = arch.notify(cpu, trap) == NotifyResult.STOP;
            order.add(trap.name() + "@" + where(ip));
            return mine;
        });
        core.registerKretprobe(KretprobeSpec.on("kprobe_target"));
        assertEquals(7, machine.call("call_target", 21).rax());
        List<String> expected = switch (g) {
            case G2005 -> List.of("#BP@kprobe_target+1", "#DB@slot", "#BP@trampoline+1", "#DB@slot");
            case G2_6_13 -> List.of("#BP@kprobe_target+1", "#DB@slot", "#BP@trampoline+1");
            case G2_6_25 -> List.of("#BP@kprobe_target+1", "#DB@slot");
        };
        assertEquals(expected, order);
    }

    private String where(long ip) {
        if (ip - arch.trampoline() >= 0 && ip - arch.trampoline() < 4096) {
            return "trampoline+" + (ip - arch.trampoline());
        }
        if (arch.withinBlacklist(ip)) {
            return "slot";
        }
        return machine.symbols().format(ip).replace("+0x", "+");
    }

    @ParameterizedTest
    @EnumSource(Generation.class)
    void unregisterKretprobe_withInstancesInFlight_returnsCorrectly_skipsTheHandler_freesAll(Generation g)
            throws Exception {
        boot(g);
        List<Long> rets = new ArrayList<>();
        Kretprobe rp = core.registerKretprobe(KretprobeSpec.on("recurse").maxactive(20)
                .handler((ri, regs) -> { rets.add(regs.returnValue()); return 0; }));
        // At the deepest call, five instances are in flight; unregister from inside the guest's run.
        // The handler only records: the core catches whatever a handler throws, assertions included.
        int[] unregistered = {0};
        int[] inFlightAtDeepest = {-1};
        Kprobe trigger = core.registerKprobe(KprobeSpec.at("recurse").preHandler((p, regs) -> {
            if (regs.get(Reg.RDI) == 0 && unregistered[0]++ == 0) {
                inFlightAtDeepest[0] = rp.inFlight();
                core.unregisterKretprobe(rp);
            }
            return 0;
        }));
        assertEquals(15, machine.call("recurse", 5).rax());
        assertEquals(1, unregistered[0], "the pre-handler at the deepest call");
        assertEquals(null, trigger.failure(), "the pre-handler threw");
        assertEquals(5, inFlightAtDeepest[0], "instances in flight at the deepest call");
        assertTrue(!rp.kp().isRegistered(), "unregistered from the handler");
        assertTrue(rets.isEmpty(), "a handler ran after unregister: " + rets);
        assertEquals(0, rp.inFlight());
        assertEquals(0, core.instancesInFlight());
        core.unregisterKprobe(trigger);
        assertEquals(15, machine.call("recurse", 5).rax());
    }

    @ParameterizedTest
    @EnumSource(Generation.class)
    void throwingHandler_disablesItsProbe_andTheGuestCompletes(Generation g) throws Exception {
        boot(g);
        Kretprobe rp = core.registerKretprobe(KretprobeSpec.on("kprobe_target")
                .handler((ri, regs) -> { throw new IllegalStateException("handler bug"); }));
        for (int i = 0; i < 20; i++) {
            assertEquals(i * 10 / 3, machine.call("call_target", i * 10).rax());
        }
        assertTrue(rp.kp().isDisabled());
        assertTrue(rp.kp().failure().contains("handler bug"), rp.kp().failure());
        assertTrue(core.list().get(0).endsWith("[DISABLED]"), core.list().get(0));
        assertEquals(0, rp.inFlight());
    }

    /** The first instruction of {@code sym} the booster could take: boostable and leaving room for the jump back. */
    long boostableBoundary(String sym) throws Exception {
        long a = addr(sym);
        for (int i = 0; i < 16; i++) {
            byte[] b = new byte[16];
            machine.memory().read(a, b, 0, 16);
            Insn insn = Decoder.decode(b, 0, 16, a);
            if (Booster.canBoost(insn, false) && insn.length() + 5 < InsnSlots.SLOT_SIZE
                    && X86Kprobes.fixupOf(insn) == ArchInsn.Fixup.RELOCATE_IP) {
                return a;
            }
            a += insn.length();
        }
        throw new AssertionError("no boostable instruction at the start of " + sym);
    }

    /**
     * The kprobe-booster (2.6.25): the first hit steps the copy (#BP, #DB) and appends a jump
     * back; every later hit of a probe without a post-handler takes only the #BP. Earlier
     * generations step every time.
     */
    @ParameterizedTest
    @EnumSource(Generation.class)
    void booster_laterHitsTakeOnlyTheBreakpoint_in2625_sameResults(Generation g) throws Exception {
        boot(g, "-O2", false);
        long at = boostableBoundary("kprobe_target");
        List<Long> seen = new ArrayList<>();
        Kprobe kp = core.registerKprobe(KprobeSpec.atAddress(at).preHandler((p, regs) -> {
            seen.add(regs.get(Reg.RDI));
            return 0;
        }));
        int n = 10;
        for (int i = 0; i < n; i++) {
            assertEquals(i * 7 / 3, machine.call("call_target", i * 7).rax());
        }
        assertEquals(n, machine.trapCount(Trap.BP));
        assertEquals(g == Generation.G2_6_25 ? 1 : n, machine.trapCount(Trap.DB));
        assertEquals(n, seen.size());
        assertEquals(63L, seen.get(9));
        ArchInsn ai = (ArchInsn) core.getKprobe(at).archData();
        assertEquals(g == Generation.G2_6_25 ? ArchInsn.BOOSTED : ArchInsn.NEVER, ai.boostable().get());
        core.unregisterKprobe(kp);
        assertEquals(n * 7 / 3, machine.call("call_target", n * 7).rax());
    }

    /**
     * Both boosters (2.6.25, not preemptible): a kretprobe on a function whose first instruction
     * can be boosted costs one #BP per call once the first call has stepped it; the return takes
     * no trap, the handler sees the return value and RIP at the real return address.
     */
    @Test
    void kretprobeBooster_oneTrapPerCall_afterTheFirst() throws Exception {
        boot(Generation.G2_6_25, "-O2", false);
        long ret = addr("call_target");
        List<String> seen = new ArrayList<>();
        Kretprobe rp = core.registerKretprobe(KretprobeSpec.on("call_target").handler((ri, regs) -> {
            seen.add(regs.returnValue() + "@" + machine.symbols().format(regs.ip()));
            return 0;
        }));
        ArchInsn entry = (ArchInsn) core.getKprobe(ret).archData();
        int n = 20;
        for (int i = 0; i < n; i++) {
            assertEquals(i * 7 / 3, machine.call("call_target", i * 7).rax());
        }
        assertEquals(ArchInsn.BOOSTED, entry.boostable().get(), "call_target starts with " + entry.insn());
        assertEquals(n, machine.trapCount(Trap.BP));
        assertEquals(1, machine.trapCount(Trap.DB));
        assertEquals(n, seen.size());
        assertTrue(seen.get(3).startsWith("7@"), seen.get(3));
        assertEquals(0, rp.inFlight());
        core.unregisterKretprobe(rp);
        assertEquals(7, machine.call("call_target", 21).rax());
    }

    /** A post-handler needs the step: a boosted instruction is stepped again while one is there. */
    @Test
    void booster_notWithAPostHandler() throws Exception {
        boot(Generation.G2_6_25, "-O2", false);
        long at = boostableBoundary("kprobe_target");
        Kprobe pre = core.registerKprobe(KprobeSpec.atAddress(at).preHandler((p, regs) -> 0));
        machine.call("call_target", 1);
        Kprobe post = core.registerKprobe(KprobeSpec.atAddress(at).postHandler((p, regs, f) -> { }));
        machine.resetTrapCounts();
        for (int i = 0; i < 5; i++) {
            assertEquals(i, machine.call("call_target", i * 3).rax());
        }
        assertEquals(5, machine.trapCount(Trap.DB));
        core.unregisterKprobe(post);
        machine.resetTrapCounts();
        assertEquals(1, machine.call("call_target", 3).rax());
        assertEquals(0, machine.trapCount(Trap.DB), "boosted again once the post-handler went");
        core.unregisterKprobe(pre);
    }

    /** CONFIG_PREEMPT: a task could be switched out between the copy and its jump back, so no boost. */
    @Test
    void booster_offOnAPreemptibleKernel() throws Exception {
        boot(Generation.G2_6_25, "-O2", true);
        core.registerKprobe(KprobeSpec.atAddress(boostableBoundary("kprobe_target")).preHandler((p, regs) -> 0));
        for (int i = 0; i < 5; i++) {
            assertEquals(i, machine.call("call_target", i * 3).rax());
        }
        assertEquals(5, machine.trapCount(Trap.DB));
    }

    /**
     * Boosted probes come and go while the guest runs through them: a freed slot a vCPU may still
     * be in (between the copy and its jump back) is not reused until it has left.
     */
    @Test
    void booster_registerAndUnregisterWhileTheGuestRunsThem_neverChangesAResult() throws Exception {
        boot(Generation.G2_6_25, "-O2", false);
        long at = boostableBoundary("kprobe_target");
        long expected = machine.call("loop_sum", 500).rax();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicLong runs = new java.util.concurrent.atomic.AtomicLong();
        Thread guest = new Thread(() -> {
            try {
                while (!stop.get()) {
                    long got = machine.call("loop_sum", 500).rax();
                    if (got != expected) {
                        throw new AssertionError("loop_sum gave " + got + ", expected " + expected);
                    }
                    runs.incrementAndGet();
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        guest.start();
        try {
            for (int i = 0; i < 200 && failure.get() == null; i++) {
                java.util.concurrent.atomic.AtomicInteger hits = new java.util.concurrent.atomic.AtomicInteger();
                Kprobe kp = core.registerKprobe(KprobeSpec.atAddress(at).preHandler((p, regs) -> {
                    hits.incrementAndGet();
                    return 0;
                }));
                // Unregister only once the running guest has hit it twice (the first hit boosts the
                // copy, the second runs through it): every window removes a probe in use.
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (hits.get() < 2 && failure.get() == null) {
                    assertTrue(System.nanoTime() < deadline, "window " + i + ": the running guest hit the probe "
                            + hits.get() + " times in 60 s");
                    Thread.sleep(1);
                }
                core.unregisterKprobe(kp);
            }
        } finally {
            stop.set(true);
            guest.join(60_000);
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertTrue(runs.get() > 0);
        assertTrue(machine.trapCount(Trap.BP) > machine.trapCount(Trap.DB), "nothing was boosted");
    }

    /**
     * A return handler that spins: the watchdog reports it and shuts its probe off while it still
     * runs; once it returns, the call completes with the right value and no handler of the probe
     * runs again (entry hits included), while another probe's handlers go on.
     */
    @ParameterizedTest
    @EnumSource(Generation.class)
    void stalledHandler_isReportedByTheWatchdog_probeShutOff_guestCompletes(Generation g) throws Exception {
        boot(g);
        core.watchdogThreshold(50);
        java.util.concurrent.atomic.AtomicBoolean release = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        Kretprobe rp = core.registerKretprobe(KretprobeSpec.on("kprobe_target").handler((ri, regs) -> {
            calls.incrementAndGet();
            while (!release.get()) {
                Thread.onSpinWait(); // a handler bug: a loop that takes far too long
            }
            return 0;
        }));
        List<Long> other = java.util.Collections.synchronizedList(new ArrayList<>());
        Kprobe kp = core.registerKprobe(KprobeSpec.at("call_target").preHandler((p, regs) -> {
            other.add(regs.get(Reg.RDI));
            return 0;
        }));
        var call = java.util.concurrent.CompletableFuture.supplyAsync(() -> machine.call("call_target", 30).rax());
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (rp.kp().failure() == null && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(rp.kp().isDisabled(), "the watchdog did not fire");
        assertTrue(rp.kp().failure().matches("return handler ran for \\d+ ms on .* \\(watchdog\\)"), rp.kp().failure());
        assertTrue(!call.isDone(), "the handler is still spinning: the call cannot have returned");
        // Its vCPU cannot park for stop-machine: changes are refused at once, not left hanging.
        KprobeException busy = assertThrows(KprobeException.class,
                () -> core.registerKprobe(KprobeSpec.at("kprobe_target2")));
        assertEquals(Errno.EBUSY, busy.errno());
        assertTrue(busy.getMessage().contains("kprobelab-vcpu-0 is stuck in the return handler of kretprobe kprobe_target+0x0"),
                busy.getMessage());
        assertThrows(IllegalStateException.class, () -> core.unregisterKprobe(kp));
        release.set(true);
        assertEquals(10L, call.get(30, java.util.concurrent.TimeUnit.SECONDS));
        for (int i = 0; i < 5; i++) {
            assertEquals(i * 10 / 3, machine.call("call_target", i * 10).rax());
        }
        assertEquals(1, calls.get(), "a stalled probe's handler ran again");
        assertEquals(List.of(30L, 0L, 10L, 20L, 30L, 40L), other);
        assertEquals(0, rp.inFlight());
        assertTrue(core.list().stream().anyMatch(l -> l.contains("kprobe_target") && l.endsWith("[DISABLED]")), core.list().toString());
        core.unregisterKretprobe(rp);
        core.unregisterKprobe(kp);
    }

    @ParameterizedTest
    @EnumSource(Generation.class)
    void registeringWhileTheGuestRuns_goesThroughStopMachine_andNeverChangesAResult(Generation g) throws Exception {
        boot(g);
        long expected = machine.call("loop_sum", 2000).rax();
        int original = machine.memory().readU8(addr("kprobe_target"));
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong runs = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread guest = new Thread(() -> {
            try {
                while (!stop.get()) {
                    long got = machine.call("loop_sum", 2000).rax();
                    if (got != expected) {
                        throw new AssertionError("loop_sum gave " + got + ", expected " + expected);
                    }
                    runs.incrementAndGet();
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "guest-caller");
        guest.start();
        for (int i = 0; i < 200 && failure.get() == null; i++) {
            java.util.concurrent.atomic.AtomicInteger hits = new java.util.concurrent.atomic.AtomicInteger();
            Kprobe kp = core.registerKprobe(KprobeSpec.at("kprobe_target").preHandler((p, r) -> {
                hits.incrementAndGet();
                return 0;
            }));
            Kretprobe rp = core.registerKretprobe(KretprobeSpec.on("kprobe_target").maxactive(4));
            // Unregister only once the running guest has gone through the probes: every window
            // changes text the guest is running, with return instances possibly in flight.
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (hits.get() == 0 && failure.get() == null) {
                assertTrue(System.nanoTime() < deadline, "window " + i + ": the running guest never hit the probe in 60 s");
                Thread.yield();
            }
            core.unregisterKretprobe(rp);
            core.unregisterKprobe(kp);
        }
        // and a few whole runs after, so that results were compared since the last change
        long before = runs.get(), deadline = System.nanoTime() + 60_000_000_000L;
        while (runs.get() < before + 3 && failure.get() == null) {
            assertTrue(System.nanoTime() < deadline, "the guest finished " + (runs.get() - before) + " runs in 60 s");
            Thread.sleep(1);
        }
        stop.set(true);
        guest.join(60_000);
        assertTrue(!guest.isAlive(), "the guest caller did not stop within 60 s");
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertEquals(expected, machine.call("loop_sum", 2000).rax());
        assertEquals(0, core.instancesInFlight());
        assertEquals(original, machine.memory().readU8(addr("kprobe_target")), "kprobe_target's first byte not restored");
    }

    @ParameterizedTest
    @EnumSource(Generation.class)
    void newImage_replantsEveryProbe_whereItsSymbolNowIs(Generation g) throws Exception {
        boot(g, "-O2");
        List<Long> rets = new ArrayList<>();
        Kprobe kp = core.registerKprobe(KprobeSpec.at("switcher"));
        Kretprobe rp = core.registerKretprobe(KretprobeSpec.on("switcher")
                .handler((ri, regs) -> { rets.add(regs.returnValue()); return 0; }));
        long before = kp.addr();
        machine.loadBare(TargetImage.get("-O0")); // another layout: the symbols moved
        assertTrue(kp.isRegistered() && !kp.isGone());
        assertTrue(before != addr("switcher"), "the -O0 image should place switcher elsewhere");
        assertEquals(addr("switcher"), kp.addr());
        assertEquals(0xcc, machine.memory().readU8(kp.addr()));
        machine.resetTrapCounts();
        assertEquals(0x55 ^ 9, machine.call("switcher", 9).rax());
        assertEquals(List.of(0x55L ^ 9), rets);
        assertEquals(g == Generation.G2005 ? 2 : 1, machine.trapCount(Trap.DB));
        core.unregisterKretprobe(rp);
        core.unregisterKprobe(kp);
        assertEquals(0x55 ^ 9, machine.call("switcher", 9).rax());
    }

    @ParameterizedTest
    @EnumSource(Generation.class)
    void kretprobe_recursion_isLifo_andMaxactiveExhaustionCountsMisses(Generation g) throws Exception {
        boot(g);
        List<Long> rets = new ArrayList<>();
        Kretprobe rp = core.registerKretprobe(KretprobeSpec.on("recurse").maxactive(20)
                .handler((ri, regs) -> { rets.add(regs.returnValue()); return 0; }));
        assertEquals(15, machine.call("recurse", 5).rax());
        assertEquals(List.of(0L, 1L, 3L, 6L, 10L, 15L), rets);
        core.unregisterKretprobe(rp);

        Kretprobe small = core.registerKretprobe(KretprobeSpec.on("recurse").maxactive(2));
        assertEquals(55, machine.call("recurse", 10).rax());
        assertEquals(9, small.nmissed()); // 11 calls, 2 hooked
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> generationsAndLevels() {
        return java.util.stream.Stream.of(Generation.values()).flatMap(g -> java.util.stream.Stream.of("-O0", "-O2", "-Os")
                .map(o -> org.junit.jupiter.params.provider.Arguments.of(g, o)));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("generationsAndLevels")
    void boundarySweep_everyInstructionProbed_resultsUnchanged_nonBoundariesRefused(Generation g, String opt)
            throws Exception {
        boot(g, opt);
        long x = 37;
        long expected = machine.call("driver", x).rax();
        byte[] before;
        for (String fn : List.of("driver", "call_target", "switcher", "rip_relative", "flags_dance", "recurse",
                "indirect_call", "loop_sum", "kprobe_target")) {
            Symbol s = machine.symbols().lookup(fn).orElseThrow();
            before = machine.memory().read(s.address(), (int) s.size());
            int off = 0;
            long totalHits = 0;
            while (off < s.size()) {
                Insn insn = Decoder.decode(before, off, before.length - off, s.address() + off);
                int[] hits = {0};
                Kprobe kp = core.registerKprobe(KprobeSpec.at(fn, off).preHandler((p, r) -> { hits[0]++; return 0; }));
                long got = machine.call("driver", x).rax();
                assertEquals(expected, got, opt + " " + fn + "+0x" + Integer.toHexString(off) + " changed the result");
                totalHits += hits[0];
                core.unregisterKprobe(kp);
                for (int k = 1; k < insn.length(); k++) {
                    int bad = off + k;
                    KprobeException e = assertThrows(KprobeException.class, () -> core.registerKprobe(KprobeSpec.at(fn, bad)));
                    assertEquals(Errno.EILSEQ, e.errno());
                }
                off += insn.length();
            }
            assertTrue(totalHits > 0, fn + ": no probe in it ever fired");
            assertArrayEquals(before, machine.memory().read(s.address(), (int) s.size()), fn + " not restored");
        }
    }
}
