package io.kprobelab.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.kprobes.Errno;
import io.kprobelab.kprobes.Generation;
import io.kprobelab.kprobes.Kprobe;
import io.kprobelab.kprobes.KprobeException;
import io.kprobelab.kprobes.KprobeRegistry;
import io.kprobelab.kprobes.KprobeSpec;
import io.kprobelab.kprobes.Kretprobe;
import io.kprobelab.kprobes.KretprobeSpec;
import io.kprobelab.kprobes.events.ProbeEventError;
import io.kprobelab.kprobes.events.ProbeEventException;
import io.kprobelab.kprobes.events.ProbeEvents;
import io.kprobelab.machine.PtRegs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class KprobeCommandsTest {

    private final FakeRegistry registry = new FakeRegistry();
    private final FakeEvents events = new FakeEvents();
    private final KprobeCommands commands = new KprobeCommands(registry, events);

    @Test
    void testAdd_wordsSplitByTheShellAreJoinedWithSingleSpaces() {
        commands.add("p:myprobe", "kprobe_target", "%di");
        commands.add("r:myretprobe kprobe_target $retval");
        assertEquals(List.of("p:myprobe kprobe_target %di", "r:myretprobe kprobe_target $retval"), events.written);
    }

    @Test
    void testAdd_refused_failsWithTheErrorLogEntry_caretUnderTheOffendingByte() {
        events.refuse = new ProbeEventException(ProbeEventError.BAD_INSN_BNDRY, Errno.EILSEQ,
                "p:bad kprobe_target+1", 6);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> commands.add("p:bad", "kprobe_target+1"));
        assertEquals(String.join("\n",
                "error: Probe point is not an instruction boundary",
                "  Command: p:bad kprobe_target+1",
                "                 ^"), e.getMessage());
        assertSame(events.refuse, e.getCause());
    }

    @Test
    void testRemove_busyAndUnknown_sayErrnoAndWhy() {
        events.refuse = new ProbeEventException(Errno.EBUSY, "-:myretprobe", "kprobes/myretprobe is enabled");
        IllegalStateException busy = assertThrows(IllegalStateException.class, () -> commands.remove(false, "myretprobe"));
        assertEquals("EBUSY: kprobes/myretprobe is enabled", busy.getMessage());

        events.refuse = new ProbeEventException(Errno.ENOENT, "-:nosuch", "no such event");
        IllegalArgumentException gone = assertThrows(IllegalArgumentException.class, () -> commands.remove(false, "nosuch"));
        assertEquals("ENOENT: no such event: -:nosuch", gone.getMessage());

        events.refuse = null;
        commands.remove(false, "kprobes/myprobe");
        assertEquals(List.of("-:kprobes/myprobe"), events.written);
    }

    @Test
    void testRemoveAll_isEchoToKprobeEvents_busyWhileOneIsEnabled() {
        commands.remove(true);
        assertEquals(List.of("(truncate)"), events.written);
        events.refuse = new ProbeEventException(Errno.EBUSY, "", "kprobes/myprobe is enabled");
        IllegalStateException busy = assertThrows(IllegalStateException.class, () -> commands.remove(true));
        assertEquals("EBUSY: kprobes/myprobe is enabled", busy.getMessage());
        assertThrows(CommandError.class, () -> commands.remove(false));
        assertThrows(CommandError.class, () -> commands.remove(true, "myprobe"));
        assertThrows(CommandError.class, () -> commands.remove(false, "a", "b"));
    }

    @Test
    void testViews_areTheServicesLinesVerbatim_nothingWhenEmpty() {
        assertNull(commands.events());
        assertNull(commands.list());
        assertNull(commands.profile());
        events.lines = List.of("p:kprobes/myprobe kprobe_target arg1=%di", "r10:kprobes/myretprobe kprobe_target arg1=$retval");
        registry.lines = List.of("ffffffff81001000  r  kprobe_target+0x0    ", "ffffffff81001000  k  kprobe_target+0x0    ");
        assertEquals("p:kprobes/myprobe kprobe_target arg1=%di\nr10:kprobes/myretprobe kprobe_target arg1=$retval",
                commands.events());
        assertEquals("ffffffff81001000  r  kprobe_target+0x0    \nffffffff81001000  k  kprobe_target+0x0    ",
                commands.list());
        assertEquals(commands.events(), commands.profile());
        assertEquals(commands.events(), commands.trace());
        assertEquals(commands.list(), commands.blacklist());
    }

    @Test
    void testEnableDisable_perEvent_orTheGlobalSwitchWithoutArgument() {
        commands.enable("myprobe");
        commands.disable("kprobes/myprobe");
        assertEquals(List.of("enable myprobe", "disable kprobes/myprobe"), events.switched);
        assertEquals("1", commands.enabled());
        assertEquals("Kprobes globally disabled (kprobes/enabled is 0; events keep their own switches)",
                commands.disable(), "says what it switched");
        assertEquals("0", commands.enabled());
        assertEquals("Kprobes globally disabled already (kprobes/enabled is 0)", commands.disable());
        assertEquals("Kprobes globally enabled (kprobes/enabled is 1; events keep their own switches)",
                commands.enable());
        assertEquals("1", commands.enabled());
        assertEquals(2, events.switched.size()); // the global switch is not an event's

        events.refuse = new ProbeEventException(Errno.ENOENT, "nosuch", "no such event: nosuch");
        assertEquals("ENOENT: no such event: nosuch",
                assertThrows(IllegalArgumentException.class, () -> commands.enable("nosuch")).getMessage());
    }

    @Test
    void testClear_emptiesTheTraceBuffer() {
        commands.clear();
        assertTrue(events.traceCleared);
    }

    @Test
    void testGeneration_showAndSwitch_busyPassesTheCoresMessage() throws Exception {
        assertEquals("2005", commands.generation());
        commands.generation("2.6.13");
        assertEquals("2.6.13", commands.generation());
        assertEquals("unknown generation '1999' (known: 2005, 2.6.13, 2.6.25)",
                assertThrows(IllegalArgumentException.class, () -> commands.generation("1999")).getMessage());
        registry.busy = true;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> commands.generation("2005"));
        assertEquals(Errno.EBUSY, ((KprobeException) e.getCause()).errno());
        assertEquals(e.getCause().getMessage(), e.toString(), "the message alone, no class name");
        assertEquals("2.6.13", commands.generation());
        assertEquals(List.of("generations:",
                "  2005     the seed's design: 4 traps per kretprobe'd call",
                "  2.6.13   instances keyed by task, no step after the trampoline: 3 traps",
                "  2.6.25   kprobe-booster and kretprobe-booster: 1 or 2 traps"), commands.notes("generation"));
    }

    @Test
    void testPipe_printsEntriesAsTheyCome_untilTheTimeout() {
        events.pipe.add(List.of("a-1 [000] d.... 0.000001: myprobe: (f+0x0/0x20) arg1=0x1e"));
        events.pipe.add(List.of());
        events.pipe.add(List.of("a-1 [000] d.... 0.000002: myprobe: (f+0x0/0x20) arg1=0x1f", "third"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long start = System.nanoTime();
        // returns on its own: a generous bound against a hang, not a measure of speed
        assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> commands.pipe(300, new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        long ns = System.nanoTime() - start;
        assertEquals("a-1 [000] d.... 0.000001: myprobe: (f+0x0/0x20) arg1=0x1e\n"
                + "a-1 [000] d.... 0.000002: myprobe: (f+0x0/0x20) arg1=0x1f\nthird\n",
                bytes.toString(StandardCharsets.UTF_8));
        // Not before the timeout: the command's deadline is on this clock and starts after ours.
        assertTrue(ns >= TimeUnit.MILLISECONDS.toNanos(300), ns + " ns");
        List<long[]> polls = events.polls();
        assertTrue(polls.stream().allMatch(w -> w[0] > 0 && w[0] <= KprobeCommands.PIPE_POLL_MS), events.waits());
        // Not past it either, whatever the machine's speed: each poll asks to wait at most the time
        // left to the deadline (+1 ms of rounding). That deadline is at most 300 ms after the first
        // poll arrived, and each poll is computed after the one before returned.
        long deadline = polls.get(0)[1] + TimeUnit.MILLISECONDS.toNanos(300);
        for (int k = 1; k < polls.size(); k++) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - polls.get(k - 1)[2]) + 1;
            assertTrue(polls.get(k)[0] <= left, "poll " + k + " asked for " + polls.get(k)[0] + " ms with at most "
                    + left + " ms left: " + events.waits());
        }
    }

    @Test
    void testPipe_withoutTimeout_followsUntilInterrupted() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        events.pipe.add(List.of("one"));
        Thread t = new Thread(() -> commands.pipe(0, new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        t.start();
        // Evidence that it follows: past "one", two empty polls of a whole PIPE_POLL_MS each, and on.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (events.polls().size() < 3) {
            assertTrue(System.nanoTime() < deadline, "pipe polled " + events.polls().size() + " times in 60 s");
            Thread.sleep(1);
        }
        assertTrue(t.isAlive(), "pipe with no timeout returned on its own");
        assertTrue(events.polls().stream().allMatch(w -> w[0] == KprobeCommands.PIPE_POLL_MS), events.waits());
        t.interrupt();
        t.join(60_000);
        assertFalse(t.isAlive(), "pipe did not return within 60 s of the interrupt");
        assertEquals("one\n", bytes.toString(StandardCharsets.UTF_8));
        assertThrows(IllegalArgumentException.class, () -> commands.pipe(-1, System.out));
    }

    @Test
    void testNoServices_saySo() {
        KprobeCommands none = new KprobeCommands();
        assertTrue(assertThrows(IllegalStateException.class, none::list).getMessage().startsWith("no kprobes"));
        assertTrue(assertThrows(IllegalStateException.class, none::events).getMessage().startsWith("no kprobe events"));
    }

    @Test
    void testFailure_keepsTheErrorLogOfTwoEntries() {
        ProbeEventException first = new ProbeEventException(ProbeEventError.BAD_PROBE_ADDR, Errno.EINVAL, "p x", 2);
        ProbeEventException second = new ProbeEventException(ProbeEventError.FAIL_REG_PROBE, Errno.EINVAL, "p x", 2, first);
        RuntimeException r = KprobeCommands.failure(second);
        assertInstanceOf(IllegalArgumentException.class, r);
        assertEquals(6, r.getMessage().lines().count());
    }

    /** kprobe_events: records writes and switches, refuses with {@link #refuse} when set. */
    static final class FakeEvents implements ProbeEvents {
        final List<String> written = new ArrayList<>();
        final List<String> switched = new ArrayList<>();
        final Deque<List<String>> pipe = new ArrayDeque<>();
        private final List<long[]> polls = new ArrayList<>();
        List<String> lines = List.of();
        ProbeEventException refuse;
        boolean traceCleared;

        private void check() throws ProbeEventException {
            if (refuse != null) {
                throw refuse;
            }
        }

        @Override public void add(String line) throws ProbeEventException {
            check();
            written.add(line);
        }
        @Override public void remove(String event) throws ProbeEventException {
            add("-:" + event);
        }
        @Override public void clear() throws ProbeEventException {
            check();
            written.add("(truncate)");
        }
        @Override public void enable(String event) throws ProbeEventException {
            check();
            switched.add("enable " + event);
        }
        @Override public void disable(String event) throws ProbeEventException {
            check();
            switched.add("disable " + event);
        }
        @Override public boolean isEnabled(String event) { throw new UnsupportedOperationException(); }
        @Override public List<String> names() { return List.of(); }
        @Override public List<String> events() { return lines; }
        @Override public List<String> profile() { return lines; }
        @Override public List<String> trace() { return lines; }
        @Override public void clearTrace() { traceCleared = true; }
        @Override public List<String> readTracePipe(long timeout, TimeUnit unit) throws InterruptedException {
            long[] poll = {unit.toMillis(timeout), System.nanoTime(), 0};
            synchronized (polls) {
                polls.add(poll);
            }
            List<String> next = pipe.poll();
            if (next == null) {
                unit.sleep(timeout); // nothing came: the whole wait, as trace_pipe blocks
                next = List.of();
            }
            poll[2] = System.nanoTime();
            return next;
        }

        /** Each poll: the wait asked for (ms), when it arrived and when it returned (nanoTime; 0 while blocked). */
        List<long[]> polls() {
            synchronized (polls) {
                return List.copyOf(polls);
            }
        }

        /** The waits asked for, for messages. */
        String waits() {
            return polls().stream().map(p -> p[0] + " ms").toList().toString();
        }
    }

    /** The core, as far as the commands use it. */
    static final class FakeRegistry implements KprobeRegistry {
        List<String> lines = List.of();
        boolean enabled = true;
        boolean busy;
        Generation generation = Generation.G2005;

        @Override public boolean isEnabled() { return enabled; }
        @Override public void setEnabled(boolean on) { enabled = on; }
        @Override public Generation generation() { return generation; }
        @Override public void setGeneration(Generation g) throws KprobeException {
            if (busy) {
                throw new KprobeException(Errno.EBUSY, "cannot switch to generation " + g.label()
                        + " while 1 probe(s) are registered");
            }
            generation = g;
        }
        @Override public List<String> list() { return lines; }
        @Override public List<String> blacklist() { return lines; }

        @Override public Kprobe registerKprobe(KprobeSpec spec) { throw new UnsupportedOperationException(); }
        @Override public void unregisterKprobe(Kprobe p) { throw new UnsupportedOperationException(); }
        @Override public List<Kprobe> registerKprobes(List<KprobeSpec> specs) { throw new UnsupportedOperationException(); }
        @Override public void unregisterKprobes(List<Kprobe> probes) { throw new UnsupportedOperationException(); }
        @Override public Kretprobe registerKretprobe(KretprobeSpec spec) { throw new UnsupportedOperationException(); }
        @Override public void unregisterKretprobe(Kretprobe rp) { throw new UnsupportedOperationException(); }
        @Override public List<Kretprobe> registerKretprobes(List<KretprobeSpec> specs) { throw new UnsupportedOperationException(); }
        @Override public void unregisterKretprobes(List<Kretprobe> rps) { throw new UnsupportedOperationException(); }
        @Override public void enableKprobe(Kprobe p) { throw new UnsupportedOperationException(); }
        @Override public void disableKprobe(Kprobe p) { throw new UnsupportedOperationException(); }
        @Override public long[] stackTrace(PtRegs regs, int max) { throw new UnsupportedOperationException(); }
    }
}
