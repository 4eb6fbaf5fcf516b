// SPDX-License-Identifier: Apache-2.0
package io.kprobelab.arch.x86_64.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.guest.BootParams;
import io.kprobelab.guest.GuestKernel;
import io.kprobelab.guest.ProgramResult;
import io.kprobelab.kprobes.Generation;
import io.kprobelab.kprobes.Kprobe;
import io.kprobelab.kprobes.KprobeException;
import io.kprobelab.kprobes.KprobeSpec;
import io.kprobelab.kprobes.Kretprobe;
import io.kprobelab.kprobes.KretprobeSpec;
import io.kprobelab.kprobes.internal.KprobesService;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Machines;
import io.kprobelab.machine.Symbol;
import io.kprobelab.machine.Trap;
import io.kprobelab.traps.NotifyResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The kprobes machinery on the real guest kernel: the committed vmlinux booted to idle, programs run through umh_mailbox. */
class GuestKernelKprobesTest {

    static final long MAX = 2_000_000_000L;

    Machine machine;
    X86Kprobes arch;
    KprobesService core;

    /** A guest booted to idle with pid 1 = {@code sh} (exits at once), as the Guest service boots it. */
    static Machine bootedGuest() {
        Machine m = Machines.create(1, 64);
        GuestKernel.bootToIdle(m, BootParams.of("sh"), MAX);
        return m;
    }

    /** Boots the guest, then wires kprobes to it without OSGi, as X86KprobesTest does. */
    void boot(Generation g) throws Exception {
        machine = bootedGuest();
        arch = new X86Kprobes();
        core = new KprobesService(machine, arch, g, false);
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

    static void assertSameRun(ProgramResult expected, ProgramResult actual) {
        assertEquals(expected.pid(), actual.pid(), "pid");
        assertEquals(expected.status(), actual.status(), "exit status of " + actual);
        assertEquals(expected.output(), actual.output(), "console output");
    }

    @ParameterizedTest
    @EnumSource(Generation.class)
    void kretprobeOnSysMkdir_duringMkdirbench_seesEveryReturn_seedTrapCounts_nothingLeftInFlight(Generation g)
            throws Exception {
        int n = 200;
        ProgramResult plain = GuestKernel.run(bootedGuest(), "mkdirbench " + n, null, MAX);
        assertEquals(0, plain.status(), plain.output());
        boot(g);
        List<Long> rets = new ArrayList<>();
        Kretprobe rp = core.registerKretprobe(KretprobeSpec.on("sys_mkdir")
                .handler((ri, regs) -> { rets.add(regs.returnValue()); return 0; }));
        ProgramResult r = GuestKernel.run(machine, "mkdirbench " + n, null, MAX);
        assertSameRun(plain, r);
        // mkdirbench does n mkdir("/bench") calls (each followed by rmdir); nothing else in the guest mkdirs.
        assertEquals(n, rets.size());
        assertTrue(rets.stream().allMatch(v -> v == 0), "every mkdir succeeded: " + rets);
        // Per call: entry #BP + its #DB step, trampoline #BP (+ its #DB in 2005; 2.6.13 returns
        // directly). 2.6.25: the entry's push %rbp is boosted after the first step, and the
        // trampoline calls the handler without a trap: one #BP per call.
        assertEquals(g == Generation.G2_6_25 ? n : 2L * n, rp.trapCount(Trap.BP));
        assertEquals(switch (g) {
            case G2005 -> 2L * n;
            case G2_6_13 -> n;
            case G2_6_25 -> 1L;
        }, rp.trapCount(Trap.DB));
        assertEquals(0, rp.nmissed());
        assertEquals(0, rp.inFlight());
        assertEquals(0, core.instancesInFlight());
        core.unregisterKretprobe(rp);
        assertEquals(0x55, machine.memory().readU8(addr("sys_mkdir")), "push %rbp restored");
    }

    @ParameterizedTest
    @EnumSource(Generation.class)
    void exitedTasks_instancesAreFlushedWhenTheTaskIsReleased(Generation g) throws Exception {
        boot(g);
        // do_exit and the exiting task's last schedule never return: without kprobe_flush_task
        // their instances would stay keyed to a task_struct the next task reuses.
        Kretprobe exit = core.registerKretprobe(KretprobeSpec.on("do_exit").maxactive(8));
        Kretprobe sched = core.registerKretprobe(KretprobeSpec.on("schedule").maxactive(64));
        for (int i = 0; i < 4; i++) {
            ProgramResult r = GuestKernel.run(machine, "mkdir /d" + i, null, MAX);
            assertEquals(0, r.status(), r.output());
        }
        assertEquals(4, exit.kp().hits(), "do_exit entered once per program");
        assertEquals(0, exit.inFlight(), "do_exit instances of released tasks were flushed");
        assertEquals(0, exit.nmissed());
        assertEquals(0, sched.nmissed());
        assertEquals(core.instancesInFlight(), sched.inFlight(), "only schedule() instances of live tasks remain");
        assertTrue(sched.inFlight() <= 1, "at most the idle task's schedule is in flight: " + sched.inFlight());
        assertTrue(!core.list().stream().anyMatch(l -> l.contains("release_task")), "the hook is not listed");
    }

    @ParameterizedTest
    @EnumSource(Generation.class)
    void unregisterKretprobe_whileItsTaskSleeps_sleeperReturnsCorrectly_handlerSkipped(Generation g)
            throws Exception {
        ProgramResult plain = GuestKernel.run(bootedGuest(), "sleep 50", null, MAX);
        assertEquals(0, plain.status(), plain.output());
        boot(g);
        // sleep blocks in sys_nanosleep -> schedule(); the instance stays in flight for ~50 ticks.
        List<Long> rets = new ArrayList<>();
        Kretprobe rp = core.registerKretprobe(KretprobeSpec.on("sys_nanosleep")
                .handler((ri, regs) -> { rets.add(regs.returnValue()); return 0; }));
        // scheduler_tick runs on every timer interrupt (idle task current while the sleeper is
        // blocked): unregister from there, on the vCPU thread, once the sleeper's instance is taken.
        int[] inFlightAtUnregister = {-1, -1};
        long pcpuCurrent = addr("pcpu_area") + 8; // BOOT.md section 5: current_task at %gs:0x8
        long[] currentAtUnregister = {-1};
        Kprobe trigger = core.registerKprobe(KprobeSpec.at("scheduler_tick").preHandler((p, regs) -> {
            if (inFlightAtUnregister[0] < 0 && rp.inFlight() == 1) {
                inFlightAtUnregister[0] = rp.inFlight();
                inFlightAtUnregister[1] = core.instancesInFlight();
                try {
                    currentAtUnregister[0] = machine.memory().readU64(pcpuCurrent);
                } catch (io.kprobelab.machine.MemoryFault e) {
                    throw new IllegalStateException(e);
                }
                core.unregisterKretprobe(rp);
            }
            return 0;
        }));
        ProgramResult r = GuestKernel.run(machine, "sleep 50", null, MAX);
        assertEquals(1, inFlightAtUnregister[0], "unregistered while the sleeper was in sys_nanosleep");
        assertEquals(1, inFlightAtUnregister[1]);
        // The sleeper was off the CPU: the tick interrupted the idle task.
        assertEquals(addr("init_task"), currentAtUnregister[0], "current task at unregister");
        assertSameRun(plain, r);
        assertTrue(rets.isEmpty(), "a handler ran after unregister: " + rets);
        assertEquals(0, rp.inFlight());
        assertEquals(0, core.instancesInFlight());
        assertEquals(0x55, machine.memory().readU8(addr("sys_nanosleep")), "push %rbp restored");
        core.unregisterKprobe(trigger);
        // The kernel goes on: another sleep, unprobed, still works.
        ProgramResult again = GuestKernel.run(machine, "sleep 5", null, MAX);
        assertEquals(0, again.status(), again.output());
    }

    @ParameterizedTest
    @EnumSource(Generation.class)
    void kretprobeOnEveryProbeableFunction_programsRunUnchanged_textRestoredExactly(Generation g) throws Exception {
        String[] programs = {"syscalltest", "mkdirbench 20", "deeprec 50"};
        Machine plainGuest = bootedGuest();
        List<ProgramResult> plain = new ArrayList<>();
        for (String p : programs) {
            plain.add(GuestKernel.run(plainGuest, p, null, MAX));
        }
        boot(g);
        long stext = addr("_stext");
        long etext = addr("_etext");
        byte[] textBefore = new byte[(int) (etext - stext)];
        machine.memory().read(stext, textBefore, 0, textBefore.length);

        AtomicLong returns = new AtomicLong();
        AtomicLong mkdirReturns = new AtomicLong();
        long sysMkdir = addr("sys_mkdir");
        List<Kretprobe> rps = new ArrayList<>();
        Map<String, Integer> refusedByKind = new TreeMap<>();
        List<String> unexpected = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (Symbol s : machine.symbols().all()) {
            long a = s.address();
            if (!s.isText() || Long.compareUnsigned(a, stext) < 0 || Long.compareUnsigned(a, etext) >= 0
                    || !seen.add(a)) {
                continue; // one probe per address: aliases share an entry
            }
            try {
                rps.add(core.registerKretprobe(KretprobeSpec.on(KprobeSpec.atAddress(a)).maxactive(64)
                        .handler((ri, regs) -> {
                            returns.incrementAndGet();
                            if (a == sysMkdir) {
                                mkdirReturns.incrementAndGet();
                            }
                            return 0;
                        })));
            } catch (KprobeException e) {
                String m = e.getMessage();
                String kind = m.contains(".kprobes.text") ? ".kprobes.text"
                        : m.contains("blacklisted") ? "blacklist"
                        : m.contains("not a function entry") ? "not a function entry" : null;
                if (kind == null) {
                    unexpected.add(s.name() + ": " + e.errno() + " " + m);
                } else {
                    refusedByKind.merge(kind, 1, Integer::sum);
                }
            }
        }
        assertTrue(unexpected.isEmpty(), "refused for an undocumented reason: " + unexpected);
        System.out.println("[" + g + "] kretprobes on " + rps.size() + " guest functions; refused " + refusedByKind);
        // The guest is small: about 90 probeable functions (2026 image). The mkdir path, the
        // scheduler and the timer path must all be among them.
        assertTrue(rps.size() >= 80, "only " + rps.size() + " functions probed");
        Set<Long> probed = new HashSet<>();
        rps.forEach(rp -> probed.add(rp.kp().addr()));
        for (String f : List.of("sys_mkdir", "do_mkdirat", "vfs_mkdir", "walk_component", "scheduler_tick",
                "sys_nanosleep", "sys_spawn", "schedule_tail", "wake_up_process")) {
            assertTrue(probed.contains(addr(f)), f + " not probed");
        }
        assertTrue(refusedByKind.getOrDefault(".kprobes.text", 0) > 0, "the entry stubs must be refused");

        for (int i = 0; i < programs.length; i++) {
            ProgramResult r;
            try {
                r = GuestKernel.run(machine, programs[i], null, MAX);
            } catch (IllegalStateException e) {
                String c = machine.console().text();
                throw new AssertionError(programs[i] + " under " + g + ": " + e.getMessage() + "\nconsole tail:\n"
                        + c.substring(Math.max(0, c.length() - 3000)), e);
            }
            assertSameRun(plain.get(i), r);
        }
        assertTrue(mkdirReturns.get() >= 20 + 50, "sys_mkdir returns seen: " + mkdirReturns.get());
        System.out.println("[" + g + "] sweep: " + returns.get() + " returns handled, "
                + core.instancesInFlight() + " instances in flight before unregister");

        core.unregisterKretprobes(rps);
        byte[] textAfter = new byte[textBefore.length];
        machine.memory().read(stext, textAfter, 0, textAfter.length);
        assertArrayEquals(textBefore, textAfter, "kernel text not restored exactly");
        // Orphaned instances return through the trampoline; the guest still runs programs.
        ProgramResult after = GuestKernel.run(machine, "mkdirbench 5", null, MAX);
        assertEquals(0, after.status(), after.output());
    }
}
