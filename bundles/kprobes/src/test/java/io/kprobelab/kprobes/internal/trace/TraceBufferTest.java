package io.kprobelab.kprobes.internal.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kprobelab.kprobes.internal.events.TestMachine;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The ring's bookkeeping and the ftrace line format's corner cases. */
class TraceBufferTest {

    static final long F = 0xffffffff81000000L;

    final TestMachine machine = new TestMachine(1).sym("f", F, 0x40, 'T').sym("g", F + 0x40, 0x40, 'T');
    final TraceBuffer buffer = new TraceBuffer(4, machine::symbols, () -> 128);

    static String last(List<String> lines) {
        return lines.get(lines.size() - 1);
    }

    /** A configuration change of trace.entries resizes the live ring: the newest entries stay. */
    @Test
    void resize_keepsTheNewestEntriesThatFit_countsTheRestAsOverruns() {
        for (int i = 1; i <= 4; i++) {
            buffer.recordEntry("e" + i, 0, 1, "a", 0, i, F, "");
        }
        buffer.resize(2);
        assertEquals(2, buffer.capacity());
        List<String> t = buffer.trace();
        assertEquals("# entries-in-buffer/entries-written: 2/4   #P:128", t.get(2));
        assertEquals(List.of("e3", "e4"), t.subList(12, 14).stream().map(l -> l.split(": ")[1]).toList());
        buffer.recordEntry("e5", 0, 1, "a", 0, 5, F, "");
        buffer.resize(8);
        buffer.recordEntry("e6", 0, 1, "a", 0, 6, F, "");
        t = buffer.trace();
        assertEquals(List.of("e4", "e5", "e6"), t.subList(12, 15).stream().map(l -> l.split(": ")[1]).toList());
    }

    @Test
    void context_padsCommPidCpuAndTime_likeTracePrintContext() {
        buffer.recordEntry("ev", 127, 12345678, "kworker/0:1H", TraceBuffer.IRQS_OFF, 123_456_000_999_499L, F + 4, "");
        assertEquals("    kworker/0:1H-12345678 [127] d.... 123456.000999: ev: (f+0x4/0x40)", last(buffer.trace()));
        buffer.recordEntry("ev", 5, 7, "a", 0, 999_999_999_500L, F, " x=1");
        assertEquals("               a-7       [005] .....  1000.000000: ev: (f+0x0/0x40) x=1", last(buffer.trace()));
        assertEquals("# entries-in-buffer/entries-written: 2/2   #P:128", buffer.trace().get(2));
    }

    @Test
    void returnLine_namesTheFunctionWithoutOffset_andUnknownAddressesInHex() {
        buffer.recordReturn("r", 0, 1, "init", 0, 0, F + 0x47, F + 0x40, "");
        assertEquals("            init-1       [000] .....     0.000000: r: (g+0x7/0x40 <- g)", last(buffer.trace()));
        buffer.recordReturn("r", 0, 1, "init", 0, 0, 0x1234, 0xdead0000L, "");
        assertEquals("            init-1       [000] .....     0.000000: r: (0x1234 <- 0xdead0000)", last(buffer.trace()));
        buffer.recordEntry("p", 0, 1, "init", 0, 0, 0, "");
        assertEquals("            init-1       [000] .....     0.000000: p: (0)", last(buffer.trace()));
    }

    @Test
    void savedCmdlines_keepTheLast128Pids_andPid0IsIdle() {
        TraceBuffer big = new TraceBuffer(256, machine::symbols, () -> 1);
        big.recordEntry("e", 0, 0, "swapper", 0, 0, F, "");
        for (int pid = 1; pid <= 129; pid++) {
            big.recordEntry("e", 0, pid, "t" + pid, 0, 0, F, "");
        }
        List<String> t = big.trace();
        assertEquals("          <idle>-0       [000] .....     0.000000: e: (f+0x0/0x40)", t.get(12));
        assertEquals("           <...>-1       [000] .....     0.000000: e: (f+0x0/0x40)", t.get(13));
        assertEquals("              t2-2       [000] .....     0.000000: e: (f+0x0/0x40)", t.get(14));
        assertEquals("            t129-129     [000] .....     0.000000: e: (f+0x0/0x40)", last(t));
    }

    @Test
    void commIsTheNewestSeenForThePid() {
        buffer.recordEntry("e", 0, 9, "sh", 0, 0, F, "");
        buffer.recordEntry("e", 0, 9, "mkdir", 0, 0, F, ""); // exec'd: the kernel shows the new name
        List<String> t = buffer.trace();
        assertEquals("           mkdir-9       [000] .....     0.000000: e: (f+0x0/0x40)", t.get(12));
    }

    @Test
    void overwrite_pipe_andClear_keepTheKernelsCounters() throws InterruptedException {
        for (int i = 0; i < 6; i++) {
            buffer.recordEntry("e" + i, 0, 1, "init", 0, 0, F, "");
        }
        assertEquals(4, buffer.entries());
        assertEquals(6, buffer.written());
        List<String> piped = buffer.readPipe(0, TimeUnit.MILLISECONDS);
        assertEquals(4, piped.size());
        assertEquals("            init-1       [000] .....     0.000000: e2: (f+0x0/0x40)", piped.get(0));
        assertEquals(0, buffer.entries());
        assertEquals(2, buffer.written()); // written = in buffer + overrun, as get_total_entries counts
        assertEquals(List.of(), buffer.readPipe(5, TimeUnit.MILLISECONDS));
        buffer.clear();
        assertEquals("# entries-in-buffer/entries-written: 0/0   #P:128", buffer.trace().get(2));
        assertEquals(12, buffer.trace().size());
    }
}
