package io.kprobelab.kprobes.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.kprobes.Errno;
import io.kprobelab.kprobes.Generation;
import io.kprobelab.kprobes.Kprobe;
import io.kprobelab.kprobes.KprobeException;
import io.kprobelab.kprobes.KprobeSpec;
import io.kprobelab.kprobes.Kretprobe;
import io.kprobelab.kprobes.KretprobeSpec;
import io.kprobelab.kprobes.spi.ProbePoint;
import io.kprobelab.machine.Reg;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The generic core's bookkeeping, against a fake arch and machine. */
class KprobesServiceTest {

    static final long STEXT = 0xffffffff81000000L;
    static final long MKDIR = 0xffffffff81000100L;
    static final long RMDIR = 0xffffffff81000200L;
    static final long KTEXT = 0xffffffff81000800L;

    FakeMachine machine;
    FakeArch arch;
    KprobesService core;

    @BeforeEach
    void setUp() throws KprobeException {
        machine = new FakeMachine()
                .sym("_stext", STEXT, 0, 'T')
                .sym("sys_mkdir", MKDIR, 0x40, 'T')
                .sym("sys_rmdir", RMDIR, 0x40, 'T')
                .sym("__kprobes_text_start", KTEXT, 0, 'T')
                .sym("entry_SYSCALL_64", KTEXT, 0x20, 'T')
                .sym("__kprobes_text_end", KTEXT + 0x20, 0, 'T')
                .sym("_etext", STEXT + 0x1000, 0, 'T')
                .sym("jiffies", 0xffffffff82000000L, 8, 'D');
        arch = new FakeArch();
        core = new KprobesService(machine, arch, Generation.G2005, true);
    }

    @AfterEach
    void tearDown() {
        core.close();
    }

    @Test
    void registerKprobe_bySymbolAndOffset_preparesArmsAndLists() throws KprobeException {
        Kprobe kp = core.registerKprobe(KprobeSpec.at("sys_mkdir", 4));
        assertEquals(MKDIR + 4, kp.addr());
        assertEquals(List.of("init 2005", "prepare ffffffff81000104", "arm ffffffff81000104"), arch.calls);
        assertEquals(List.of("ffffffff81000104  k  sys_mkdir+0x4    "), core.list());
        assertTrue(core.getKprobe(MKDIR + 4) != null);
    }

    @Test
    void unregisterKprobe_disarmsRemovesAndFreesTheSlot() throws KprobeException {
        Kprobe kp = core.registerKprobe(KprobeSpec.at("sys_mkdir"));
        core.unregisterKprobe(kp);
        assertEquals(List.of("disarm ffffffff81000100", "remove ffffffff81000100"), arch.calls.subList(3, 5));
        assertNull(core.getKprobe(MKDIR));
        assertFalse(kp.isRegistered());
        core.unregisterKprobe(kp); // idempotent
        assertEquals(5, arch.calls.size());
    }

    @Test
    void errors_carryTheKernelErrnoAndASentence() {
        KprobeException e = assertThrows(KprobeException.class, () -> core.registerKprobe(KprobeSpec.at("no_such")));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("ENOENT: no symbol 'no_such'", e.getMessage());

        e = assertThrows(KprobeException.class, () -> core.registerKprobe(KprobeSpec.at("jiffies")));
        assertEquals("EINVAL: jiffies+0x0 is not in kernel text", e.getMessage());

        e = assertThrows(KprobeException.class, () -> core.registerKprobe(KprobeSpec.at("entry_SYSCALL_64", 2)));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains(".kprobes.text"), e.getMessage());

        arch.notBoundaries.add(MKDIR + 3);
        e = assertThrows(KprobeException.class, () -> core.registerKprobe(KprobeSpec.at("sys_mkdir", 3)));
        assertEquals(Errno.EILSEQ, e.errno());
        assertNull(core.getKprobe(MKDIR + 3));

        e = assertThrows(KprobeException.class, () -> core.registerKretprobe(KretprobeSpec.on(KprobeSpec.at("sys_mkdir", 1))));
        assertEquals("EINVAL: sys_mkdir+0x1 is not a function entry", e.getMessage());

        e = assertThrows(KprobeException.class, () -> core.registerKretprobe(KretprobeSpec.on("sys_mkdir").dataSize(4097)));
        assertEquals(Errno.E2BIG, e.errno());
        assertTrue(core.list().isEmpty());
    }

    @Test
    void aggregateProbe_runsNewestFirst_ignoresReturnValues_andStaysUntilTheLastGoes() throws KprobeException {
        List<String> order = new ArrayList<>();
        Kprobe a = core.registerKprobe(KprobeSpec.at("sys_mkdir").preHandler((p, r) -> { order.add("a"); return 1; }));
        Kprobe b = core.registerKprobe(KprobeSpec.at("sys_mkdir").preHandler((p, r) -> { order.add("b"); return 1; })
                .postHandler((p, r, f) -> order.add("b-post")));
        assertEquals(1, arch.calls.stream().filter(c -> c.startsWith("prepare")).count());
        ProbePoint site = core.getKprobe(MKDIR);
        assertEquals(0, site.runPreHandlers(new FakeMachine.FakeRegs()));
        site.runPostHandlers(new FakeMachine.FakeRegs());
        assertEquals(List.of("b", "a", "b-post"), order);
        assertTrue(site.hasPostHandler());
        assertEquals(2, core.list().size());

        core.unregisterKprobe(b);
        assertTrue(core.getKprobe(MKDIR) != null);
        assertEquals(1, core.getKprobe(MKDIR).runPreHandlers(new FakeMachine.FakeRegs())); // lone probe: its result counts
        core.unregisterKprobe(a);
        assertNull(core.getKprobe(MKDIR));
    }

    @Test
    void disable_disarmsOnlyWhenEveryProbeAtTheAddressIsDisabled() throws KprobeException {
        Kprobe a = core.registerKprobe(KprobeSpec.at("sys_mkdir"));
        Kprobe b = core.registerKprobe(KprobeSpec.at("sys_mkdir"));
        core.disableKprobe(a);
        assertFalse(arch.calls.contains("disarm ffffffff81000100"));
        core.disableKprobe(b);
        assertTrue(arch.calls.contains("disarm ffffffff81000100"));
        assertEquals(List.of("ffffffff81000100  k  sys_mkdir+0x0    [DISABLED]",
                "ffffffff81000100  k  sys_mkdir+0x0    [DISABLED]"), core.list());
        core.enableKprobe(a);
        assertEquals("arm ffffffff81000100", arch.calls.get(arch.calls.size() - 1));
    }

    @Test
    void globalSwitch_disarmsAndRearmsKeepingEachProbesOwnState() throws KprobeException {
        core.registerKprobe(KprobeSpec.at("sys_mkdir"));
        Kprobe r = core.registerKprobe(KprobeSpec.at("sys_rmdir"));
        core.disableKprobe(r);
        arch.calls.clear();
        core.setEnabled(false);
        assertEquals(List.of("disarm ffffffff81000100"), arch.calls);
        arch.calls.clear();
        core.setEnabled(true);
        assertEquals(List.of("arm ffffffff81000100"), arch.calls);
        assertTrue(r.isDisabled());
    }

    @Test
    void throwingHandler_isCaughtAndItsProbeDisabled() throws Exception {
        Kprobe kp = core.registerKprobe(KprobeSpec.at("sys_mkdir").preHandler((p, r) -> { throw new IllegalStateException("boom"); }));
        assertEquals(0, core.getKprobe(MKDIR).runPreHandlers(new FakeMachine.FakeRegs()));
        assertTrue(kp.isDisabled());
        assertTrue(kp.failure().contains("boom"));
        // Disarming needs stop-machine, so the core does it on a thread of its own: wait for it, generously.
        assertTrue(arch.awaitCall("disarm ffffffff81000100", 60), "not disarmed within 60 s: " + arch.calls);
    }

    @Test
    void registerKprobes_failureUnregistersThePrefix() {
        arch.notBoundaries.add(RMDIR + 1);
        KprobeException e = assertThrows(KprobeException.class, () -> core.registerKprobes(
                List.of(KprobeSpec.at("sys_mkdir"), KprobeSpec.at("sys_rmdir"), KprobeSpec.at("sys_rmdir", 1))));
        assertEquals(Errno.EILSEQ, e.errno());
        assertTrue(core.list().isEmpty());
        assertNull(core.getKprobe(MKDIR));
    }

    private FakeMachine.FakeRegs entryRegs(long ret, long sp) {
        FakeMachine.FakeRegs regs = new FakeMachine.FakeRegs();
        regs.set(Reg.RAX, ret);
        regs.set(Reg.RSP, sp);
        return regs;
    }

    @Test
    void kretprobe_instancesAreLifoPerTask_andNmissedCountsExhaustion() throws KprobeException {
        List<Long> seen = new ArrayList<>();
        Kretprobe rp = core.registerKretprobe(KretprobeSpec.on("sys_mkdir").maxactive(2)
                .handler((ri, regs) -> { seen.add(ri.retAddr()); return 0; }));
        assertEquals(List.of("ffffffff81000100  r  sys_mkdir+0x0    "), core.list());
        ProbePoint site = core.getKprobe(MKDIR);
        site.runPreHandlers(entryRegs(0x111, 0x8000));
        site.runPreHandlers(entryRegs(0x222, 0x7000));
        site.runPreHandlers(entryRegs(0x333, 0x6000)); // no instance left
        assertEquals(1, rp.nmissed());
        assertEquals(2, rp.inFlight());

        List<Long> walk = new ArrayList<>();
        core.walkKretprobeInstances(arch.task, ri -> {
            walk.add(ri.retAddr());
            core.callKretprobeHandler(ri, new FakeMachine.FakeRegs());
            core.recycleKretprobeInstance(ri);
            return false; // innermost first, one at a time
        });
        assertEquals(List.of(0x222L), walk);
        assertEquals(List.of(0x222L), seen);
        assertEquals(1, rp.inFlight());
        assertEquals(3, rp.kp().hits());
    }

    @Test
    void entryHandler_sharesDataWithTheReturnHandler_andNonZeroCancels() throws KprobeException {
        List<Long> durations = new ArrayList<>();
        Kretprobe rp = core.registerKretprobe(KretprobeSpec.on("sys_mkdir").maxactive(4).dataSize(8)
                .entryHandler((ri, regs) -> {
                    if (regs.get(Reg.RAX) == 0xdead) {
                        return 1;
                    }
                    ri.data().putLong(0, 1000);
                    return 0;
                })
                .handler((ri, regs) -> { durations.add(1234 - ri.data().getLong(0)); return 0; }));
        ProbePoint site = core.getKprobe(MKDIR);
        site.runPreHandlers(entryRegs(0xdead, 0x8000));
        assertEquals(0, rp.inFlight());
        site.runPreHandlers(entryRegs(0x111, 0x8000));
        core.walkKretprobeInstances(arch.task, ri -> {
            core.callKretprobeHandler(ri, new FakeMachine.FakeRegs());
            core.recycleKretprobeInstance(ri);
            return true;
        });
        assertEquals(List.of(234L), durations);
        assertEquals(0, core.instancesInFlight());
    }

    @Test
    void unregisterKretprobe_withInstancesInFlight_leavesOrphansThatReturnSilently() throws KprobeException {
        List<Long> seen = new ArrayList<>();
        Kretprobe rp = core.registerKretprobe(KretprobeSpec.on("sys_mkdir").maxactive(3)
                .handler((ri, regs) -> { seen.add(ri.retAddr()); return 0; }));
        core.getKprobe(MKDIR).runPreHandlers(entryRegs(0x111, 0x8000));
        core.unregisterKretprobe(rp);
        assertNull(core.getKprobe(MKDIR));
        List<Long> returned = new ArrayList<>();
        core.walkKretprobeInstances(arch.task, ri -> {
            assertNull(ri.rp());
            returned.add(ri.retAddr()); // the trampoline still finds the real return address
            core.callKretprobeHandler(ri, new FakeMachine.FakeRegs());
            core.recycleKretprobeInstance(ri);
            return true;
        });
        assertEquals(List.of(0x111L), returned);
        assertTrue(seen.isEmpty());
        assertEquals(0, rp.inFlight());
        assertEquals(0, core.instancesInFlight());
    }

    @Test
    void flushTask_2005_restoresReturnAddressesOnTheStack() throws Exception {
        core.registerKretprobe(KretprobeSpec.on("sys_mkdir").maxactive(3));
        core.getKprobe(MKDIR).runPreHandlers(entryRegs(0x4242, 0x9000));
        core.flushTask(arch.task);
        assertEquals(0x4242, machine.memory().readU64(0x9000));
        assertEquals(0, core.instancesInFlight());
    }

    @Test
    void defaultMaxactive_followsThe2005Rule() throws KprobeException {
        assertEquals(10, core.registerKretprobe(KretprobeSpec.on("sys_mkdir")).maxactive());
        KprobesService nonPreemptible = new KprobesService(machine, new FakeArch(), Generation.G2005, false);
        try {
            assertEquals(1, nonPreemptible.registerKretprobe(KretprobeSpec.on("sys_rmdir")).maxactive());
        } finally {
            nonPreemptible.close();
        }
    }

    @Test
    void generation_switchesOnlyWhileNoProbeIsRegistered() throws KprobeException {
        Kprobe kp = core.registerKprobe(KprobeSpec.at("sys_mkdir"));
        KprobeException e = assertThrows(KprobeException.class, () -> core.setGeneration(Generation.G2_6_13));
        assertEquals(Errno.EBUSY, e.errno());
        core.unregisterKprobe(kp);
        core.setGeneration(Generation.G2_6_13);
        assertEquals(Generation.G2_6_13, core.generation());
        assertTrue(arch.calls.containsAll(List.of("exit", "init 2.6.13")));
    }

    @Test
    void blacklist_listsKprobesTextFunctionsAndTheArchRanges() throws KprobeException {
        assertEquals(List.of("0xffffffff81000800-0xffffffff81000820\tentry_SYSCALL_64",
                "0xffffffff81fff000-0xffffffff81fff010\tkretprobe_trampoline"), core.blacklist());
        KprobeException e = assertThrows(KprobeException.class, () -> core.registerKprobe(KprobeSpec.atAddress(FakeArch.TRAMPOLINE)));
        assertEquals(Errno.EINVAL, e.errno());
    }

    static KprobesService.Config config(String generation, boolean enabled, long watchdogMs) {
        return new KprobesService.Config() {
            @Override public String generation() { return generation; }
            @Override public boolean enabled() { return enabled; }
            @Override public boolean preemptible() { return true; }
            @Override public long watchdog_threshold_ms() { return watchdogMs; }
            @Override public Class<? extends java.lang.annotation.Annotation> annotationType() { return KprobesService.Config.class; }
        };
    }

    /**
     * Editing config/io.kprobelab.kprobes.cfg reaches the running core: what changed applies, the
     * probes stay, and a generation switch is refused while probes are registered, as
     * kprobe:generation refuses it.
     */
    @Test
    void modifiedConfiguration_keepsTheProbes_refusesAGenerationSwitchWhileProbed() throws KprobeException {
        core.modified(config("", true, 2000), null);
        Kprobe kp = core.registerKprobe(KprobeSpec.at("sys_mkdir"));
        core.modified(config("2.6.13", true, 2000), null);
        assertEquals(Generation.G2005, core.generation(), "refused: a probe is registered");
        core.modified(config("2.6.13", true, 5000), null);
        core.modified(config("2.6.13", false, 5000), null);
        assertFalse(core.isEnabled(), "the global switch follows the file");
        assertTrue(kp.isRegistered());
        assertEquals(List.of("ffffffff81000100  k  sys_mkdir+0x0    "), core.list());
        core.unregisterKprobe(kp);
        core.modified(config("2.6.25", false, 5000), null);
        assertEquals(Generation.G2_6_25, core.generation(), "no probe left: the switch happens");
        core.modified(config("1999", false, 5000), null);
        assertEquals(Generation.G2_6_25, core.generation(), "an unknown name is logged, not applied");
    }
}
