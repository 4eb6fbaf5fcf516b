package io.kprobelab.kprobes.internal.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.kprobes.Errno;
import io.kprobelab.kprobes.Generation;
import io.kprobelab.kprobes.KprobeException;
import io.kprobelab.kprobes.events.ProbeEventException;
import io.kprobelab.kprobes.internal.KprobesService;
import io.kprobelab.kprobes.spi.ProbePoint;
import io.kprobelab.machine.PtRegs;
import io.kprobelab.machine.Reg;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The kprobe event registry over the real generic core, a test arch and a test machine: the
 * tracefs files' exact lines (kprobe_events, kprobe_profile, trace, trace_pipe), the busy check,
 * enable/disable, and the error_log of a failed registration.
 */
class KprobeEventsServiceTest {

    static final long STEXT = 0xffffffff81000000L;
    static final long DO_MKDIRAT = STEXT;
    static final long MKDIR = STEXT + 0x100;
    static final long RMDIR = STEXT + 0x200;
    static final long KTEXT = STEXT + 0x800;
    static final long PCPU = 0xffffffff82000000L;
    static final long TASK = 0xffff888000010000L;
    static final long STR = 0xffff888000020000L;

    static final List<String> HEADER_HELP = List.of(
            "#                                _-----=> irqs-off/BH-disabled",
            "#                               / _----=> need-resched",
            "#                              | / _---=> hardirq/softirq",
            "#                              || / _--=> preempt-depth",
            "#                              ||| / _-=> migrate-disable",
            "#                              |||| /     delay",
            "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION",
            "#              | |         |   |||||     |         |");

    TestMachine machine;
    TestArch arch;
    KprobesService core;
    KprobeEventsService events;
    TestMachine.Regs regs;

    @BeforeEach
    void setUp() throws KprobeException {
        machine = kernel(new TestMachine(1));
        machine.sym("pcpu_area", PCPU, 0x40, 'D');
        machine.pokeU64(PCPU + 8, TASK);
        machine.pokeU64(TASK + 4, 75);
        machine.pokeString(TASK + 0x28, "sh", 16);
        machine.pokeString(STR, "/tmp/x", 8);
        arch = new TestArch();
        core = new KprobesService(machine, arch, Generation.G2005, true);
        events = new KprobeEventsService(core, machine, 8);
        regs = machine.regs(0);
        regs.set(Reg.RFLAGS, PtRegs.FLAG_IF | 2);
    }

    @AfterEach
    void tearDown() {
        events.close();
        core.close();
    }

    static TestMachine kernel(TestMachine m) {
        return m.sym("_stext", STEXT, 0, 'T')
                .sym("do_mkdirat", DO_MKDIRAT, 0x80, 'T')
                .sym("sys_mkdir", MKDIR, 0x40, 'T')
                .sym("sys_rmdir", RMDIR, 0x40, 'T')
                .sym("__kprobes_text_start", KTEXT, 0, 'T')
                .sym("entry_SYSCALL_64", KTEXT, 0x20, 'T')
                .sym("__kprobes_text_end", KTEXT + 0x20, 0, 'T')
                .sym("_etext", STEXT + 0x1000, 0, 'T')
                .sym("jiffies", PCPU + 0x100, 8, 'D');
    }

    /** The breakpoint at {@code addr} is hit on vCPU 0. */
    void hit(long addr) {
        ProbePoint p = core.getKprobe(addr);
        assertTrue(p != null, "no probe at " + Long.toHexString(addr));
        p.runPreHandlers(regs);
    }

    /** Every hooked call returns (the trampoline's handler, newest first). */
    void returnAll() {
        core.walkKretprobeInstances(arch.task, ri -> {
            core.callKretprobeHandler(ri, regs);
            core.recycleKretprobeInstance(ri);
            return true;
        });
    }

    static String profileLine(String name, long hits, long misses) {
        String h = Long.toString(hits);
        String m = Long.toString(misses);
        return "  " + name + " ".repeat(44 - name.length()) + " " + " ".repeat(15 - h.length()) + h
                + " " + " ".repeat(15 - m.length()) + m;
    }

    @Test
    void add_readsBackTheKernelWay_andEventsStartDisabled() throws Exception {
        events.add("p:myprobe sys_mkdir dfd=%di:s32");
        events.add("r:myret sys_mkdir $retval");
        events.add("r5:grp/five sys_rmdir");
        events.add("p sys_rmdir+4");
        assertEquals(List.of(
                "p:kprobes/myprobe sys_mkdir dfd=%di:s32",
                "r10:kprobes/myret sys_mkdir arg1=$retval",
                "r5:grp/five sys_rmdir",
                "p:kprobes/p_sys_rmdir_4 sys_rmdir+4"), events.events());
        assertEquals(List.of("kprobes/myprobe", "kprobes/myret", "grp/five", "kprobes/p_sys_rmdir_4"), events.names());
        assertFalse(events.isEnabled("myprobe"));
        assertTrue(arch.calls.stream().noneMatch(c -> c.startsWith("arm")), arch.calls.toString());
        assertTrue(core.list().stream().allMatch(l -> l.endsWith("[DISABLED]")), core.list().toString());
        assertEquals(4, core.list().size());
    }

    @Test
    void enableAndDisable_armAndDisarmEveryProbeOfTheEvent() throws Exception {
        events.add("p:twice sys_mkdir");
        events.add("p:twice sys_rmdir"); // appended: same event, second probe
        events.enable("kprobes/twice");
        assertTrue(events.isEnabled("twice"));
        assertEquals(List.of("arm ffffffff81000100", "arm ffffffff81000200"), arch.calls);
        events.add("p:twice sys_mkdir+4"); // appended to an enabled event: armed at once
        assertEquals("arm ffffffff81000104", arch.calls.get(2));
        events.disable("twice");
        assertEquals(List.of("disarm ffffffff81000100", "disarm ffffffff81000200", "disarm ffffffff81000104"),
                arch.calls.subList(3, 6));
        ProbeEventException e = assertThrows(ProbeEventException.class, () -> events.enable("nosuch"));
        assertEquals(Errno.ENOENT, e.errno());
    }

    @Test
    void removeAndClear_refuseWhileEnabled_andChangeNothing() throws Exception {
        events.add("p:a sys_mkdir");
        events.add("p:b sys_rmdir");
        events.enable("a");
        List<String> before = events.events();

        ProbeEventException e = assertThrows(ProbeEventException.class, () -> events.remove("a"));
        assertEquals(Errno.EBUSY, e.errno());
        assertTrue(e.errorLog().isEmpty()); // the kernel logs nothing for EBUSY
        e = assertThrows(ProbeEventException.class, () -> events.clear());
        assertEquals(Errno.EBUSY, e.errno());
        e = assertThrows(ProbeEventException.class, () -> events.add("-:kprobes/"));
        assertEquals(Errno.EBUSY, e.errno());
        assertEquals(before, events.events());
        assertEquals(2, core.list().size());

        events.remove("b");
        assertEquals(List.of("p:kprobes/a sys_mkdir"), events.events());
        events.disable("a");
        events.clear();
        assertEquals(List.of(), events.events());
        assertEquals(List.of(), core.list());
        e = assertThrows(ProbeEventException.class, () -> events.remove("a"));
        assertEquals(Errno.ENOENT, e.errno());
    }

    @Test
    void failedRegistration_logsTheKernelErrorWithTheCaretUnderTheProbePoint() throws Exception {
        events.add("p:ok sys_rmdir");
        arch.notBoundaries.add(MKDIR + 3);
        ProbeEventException e = assertThrows(ProbeEventException.class, () -> events.add("p:bad sys_mkdir+3 x=%ax"));
        assertEquals(Errno.EILSEQ, e.errno());
        assertEquals(List.of(
                "error: Probe point is not an instruction boundary",
                "  Command: p:bad sys_mkdir+3 x=%ax",
                "                 ^"), e.errorLog());

        e = assertThrows(ProbeEventException.class, () -> events.add("p:kt entry_SYSCALL_64+2"));
        assertEquals(Errno.EINVAL, e.errno());
        assertEquals(List.of(
                "error: Failed to register probe event",
                "  Command: p:kt entry_SYSCALL_64+2",
                "                ^"), e.errorLog());

        e = assertThrows(ProbeEventException.class, () -> events.add("r:data jiffies"));
        assertEquals("error: Failed to register probe event", e.errorLog().get(0));

        e = assertThrows(ProbeEventException.class, () -> events.add("p:gone no_such_fn"));
        assertEquals(List.of(
                "error: Invalid probed address or symbol",
                "  Command: p:gone no_such_fn",
                "                  ^"), e.errorLog());

        // nothing of the failed lines stayed
        assertEquals(List.of("p:kprobes/ok sys_rmdir"), events.events());
        assertEquals(List.of("kprobes/ok"), events.names());
        assertEquals(1, core.list().size());
        assertEquals(null, core.getKprobe(MKDIR + 3));
    }

    @Test
    void trace_printsTheFtraceHeaderAndEntryAndReturnLines() throws Exception {
        events.add("p:myprobe sys_mkdir dfd=%di:s32 path=+0(%si):string");
        events.add("r:myret sys_mkdir ret=$retval:s32");
        events.enable("myprobe");
        events.enable("myret");

        machine.setRetired(0, 1_234_567_890L);
        regs.set(Reg.RDI, -100);
        regs.set(Reg.RSI, STR);
        regs.set(Reg.RAX, DO_MKDIRAT + 0x1d); // the return address the test arch hooks
        hit(MKDIR);

        machine.setRetired(0, 2_000_001_500L); // 2000001.5 us: rounds up, as ns2usecs does
        regs.set(Reg.RAX, -17);
        regs.set(Reg.RFLAGS, 2);         // interrupts off at the return
        returnAll();

        List<String> expected = new ArrayList<>(List.of(
                "# tracer: nop",
                "#",
                "# entries-in-buffer/entries-written: 2/2   #P:1",
                "#"));
        expected.addAll(HEADER_HELP);
        expected.add("              sh-75      [000] .....     1.234568: myprobe: (sys_mkdir+0x0/0x100) dfd=-100 path=\"/tmp/x\"");
        expected.add("              sh-75      [000] d....     2.000002: myret: (do_mkdirat+0x1d/0x100 <- sys_mkdir) ret=-17");
        assertEquals(expected, events.trace());

        assertEquals(List.of(profileLine("myprobe", 1, 0), profileLine("myret", 1, 0)), events.profile());
    }

    @Test
    void returnProbe_printsTheArgumentsItsEntryHandlerSaved() throws Exception {
        events.add("r:myret sys_mkdir mode=$arg2:x16");
        events.enable("myret");
        regs.set(Reg.RSI, 0x1ff);
        regs.set(Reg.RAX, DO_MKDIRAT + 0x1d);
        hit(MKDIR);
        regs.set(Reg.RSI, 0x5); // clobbered by the function body
        returnAll();
        List<String> t = events.trace();
        assertEquals("              sh-75      [000] .....     0.000000: myret: (do_mkdirat+0x1d/0x100 <- sys_mkdir) mode=0x1ff",
                t.get(t.size() - 1));
    }

    @Test
    void bareMode_hitsAreInTheIdleTask() throws Exception {
        TestMachine bare = kernel(new TestMachine(2));
        KprobesService c = new KprobesService(bare, new TestArch(), Generation.G2005, true);
        KprobeEventsService ev = new KprobeEventsService(c, bare, 16);
        try {
            ev.add("p:p1 sys_rmdir comm=$comm");
            ev.enable("p1");
            bare.setRetired(1, 42_000_000_000L);
            c.getKprobe(RMDIR).runPreHandlers(bare.regs(1)); // on vCPU 1, IF clear
            List<String> t = ev.trace();
            assertEquals("# entries-in-buffer/entries-written: 1/1   #P:2", t.get(2));
            assertEquals("          <idle>-0       [001] d....    42.000000: p1: (sys_rmdir+0x0/0x600) comm=\"swapper\"",
                    t.get(t.size() - 1));
        } finally {
            ev.close();
            c.close();
        }
    }

    @Test
    void profile_countsHitsAndMisses_includingKretprobeNmissed() throws Exception {
        events.add("p:myprobe sys_mkdir");
        events.add("r1:myret sys_rmdir");
        events.enable("myprobe");
        events.enable("myret");
        assertEquals(List.of(profileLine("myprobe", 0, 0), profileLine("myret", 0, 0)), events.profile());

        hit(MKDIR);
        hit(MKDIR);
        core.getKprobe(MKDIR).incMissed(); // a re-entered hit
        hit(RMDIR);
        hit(RMDIR); // maxactive 1: no free instance, kretprobe nmissed
        returnAll();
        assertEquals(List.of(profileLine("myprobe", 2, 1), profileLine("myret", 1, 1)), events.profile());
        assertEquals("  myprobe                                                    2               1",
                events.profile().get(0));
    }

    @Test
    void ring_overwritesTheOldest_andCountsWrittenEntries() throws Exception {
        events.add("p:myprobe sys_mkdir");
        events.enable("myprobe");
        for (int i = 1; i <= 10; i++) {
            machine.setRetired(0, i * 1000L);
            hit(MKDIR);
        }
        List<String> t = events.trace();
        assertEquals("# entries-in-buffer/entries-written: 8/10   #P:1", t.get(2));
        assertEquals(12 + 8, t.size());
        assertTrue(t.get(12).contains(" 0.000003: myprobe:"), t.get(12)); // 1 and 2 were overwritten
        events.clearTrace();
        assertEquals("# entries-in-buffer/entries-written: 0/0   #P:1", events.trace().get(2));
    }

    @Test
    void tracePipe_consumesEntries_andWaitsForTheNext() throws Exception {
        events.add("p:myprobe sys_mkdir");
        events.enable("myprobe");
        hit(MKDIR);
        List<String> lines = events.readTracePipe(1, TimeUnit.SECONDS);
        assertEquals(List.of("              sh-75      [000] .....     0.000000: myprobe: (sys_mkdir+0x0/0x100)"), lines);
        assertEquals("# entries-in-buffer/entries-written: 0/0   #P:1", events.trace().get(2));
        assertEquals(List.of(), events.readTracePipe(10, TimeUnit.MILLISECONDS));

        CompletableFuture<List<String>> reader = new CompletableFuture<>();
        new Thread(() -> {
            try {
                reader.complete(events.readTracePipe(60, TimeUnit.SECONDS));
            } catch (Throwable t) {
                reader.completeExceptionally(t);
            }
        }, "trace_pipe reader").start();
        // Hit only once the reader is blocked in trace_pipe: waking it is what this checks.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (events.buffer().pipeWaiters() == 0) {
            assertTrue(System.nanoTime() < deadline, "the reader never blocked in trace_pipe");
            Thread.sleep(1);
        }
        hit(MKDIR);
        assertEquals(1, reader.get(60, TimeUnit.SECONDS).size());
    }

    @Test
    void removingAUsedEvent_resetsTheTrace_andDisabledEventsRecordNothing() throws Exception {
        events.add("p:myprobe sys_mkdir");
        events.add("p:other sys_rmdir");
        events.enable("myprobe");
        hit(MKDIR);
        events.disable("myprobe");
        hit(MKDIR); // the disabled probe's handler does not run
        assertEquals("# entries-in-buffer/entries-written: 1/1   #P:1", events.trace().get(2));
        events.remove("other"); // never enabled: the trace stays
        assertEquals("# entries-in-buffer/entries-written: 1/1   #P:1", events.trace().get(2));
        events.remove("myprobe");
        assertEquals("# entries-in-buffer/entries-written: 0/0   #P:1", events.trace().get(2));
    }

    @Test
    void removalWithAProbePoint_removesOnlyThatProbeOfTheEvent() throws Exception {
        events.add("p:multi sys_mkdir");
        events.add("p:multi sys_rmdir");
        events.add("-:multi sys_rmdir");
        assertEquals(List.of("p:kprobes/multi sys_mkdir"), events.events());
        assertEquals(null, core.getKprobe(RMDIR));
        ProbeEventException e = assertThrows(ProbeEventException.class, () -> events.add("p:multi sys_rmdir x=%ax"));
        assertEquals("error: Argument type or name is different from existing probe", e.errorLog().get(0));
    }

    @Test
    void close_unregistersEverything() throws Exception {
        events.add("p:a sys_mkdir");
        events.add("r:b sys_rmdir");
        events.enable("a");
        events.close();
        assertEquals(List.of(), core.list());
        assertEquals(List.of(), events.events());
    }
}
