package io.kprobelab.kprobes.internal.trace;

import io.kprobelab.kprobes.internal.events.KallsymsFormat;
import io.kprobelab.machine.Symbol;
import io.kprobelab.machine.SymbolTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The trace ring buffer ({@code trace_array} over a {@code ring_buffer} in overwrite mode) for
 * kprobe events, and the ftrace text output ({@code print_trace_header},
 * {@code print_func_help_header_irq}, {@code trace_print_context}, {@code print_kprobe_event},
 * {@code print_kretprobe_event}).
 *
 * <p>An entry is stored raw in preallocated parallel arrays — times, addresses, pid, cpu, flags,
 * the event's name and its already formatted arguments (memory must be read at hit time) — so
 * recording allocates nothing but the argument text; symbols, comm and padding are formatted at
 * read time. One short lock guards the ring: uncontended with one vCPU, it costs less than the
 * hit's trap. The kernel keeps one ring per CPU and merges them by timestamp on read; vCPUs'
 * virtual clocks are independent, so here one ring keeps the order in which entries were written.
 */
public final class TraceBuffer {

    /** Entries kept by default (the oldest are overwritten, counted as overruns). */
    public static final int DEFAULT_ENTRIES = 1 << 16;

    /** Flag: interrupts were disabled at the hit (the {@code d} of the flags column). */
    public static final int IRQS_OFF = 1;
    /** Internal flag: a return event, printed {@code (caller <- func)}. */
    private static final int RETURN = 0x80;

    private static final List<String> HELP_HEADER_IRQ = List.of(
            "#                                _-----=> irqs-off/BH-disabled",
            "#                               / _----=> need-resched",
            "#                              | / _---=> hardirq/softirq",
            "#                              || / _--=> preempt-depth",
            "#                              ||| / _-=> migrate-disable",
            "#                              |||| /     delay",
            "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION",
            "#              | |         |   |||||     |         |");

    private final Object lock = new Object();
    private final Supplier<SymbolTable> symbols;
    private final IntSupplier onlineCpus;
    // The ring; replaced whole by resize(), always under the lock.
    private int capacity;
    private long[] ts;
    private long[] ip;
    private long[] func;
    private int[] pid;
    private int[] cpu;
    private byte[] flags;
    private String[] event;
    private String[] args;
    private final SavedCmdlines cmdlines = new SavedCmdlines(SavedCmdlines.DEFAULT_NUM);
    /** Sequence numbers: entries [tail, head) are in the buffer. */
    private long head;
    private long tail;
    /** Entries overwritten since the last reset ({@code ring_buffer_overrun_cpu}). */
    private long overrun;
    private int pipeWaiters;

    /**
     * @param capacity   entries kept
     * @param symbols    kallsyms at read time
     * @param onlineCpus the {@code #P:} of the header
     */
    public TraceBuffer(int capacity, Supplier<SymbolTable> symbols, IntSupplier onlineCpus) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity " + capacity);
        }
        this.symbols = symbols;
        this.onlineCpus = onlineCpus;
        allocate(capacity);
    }

    private void allocate(int n) {
        capacity = n;
        ts = new long[n];
        ip = new long[n];
        func = new long[n];
        pid = new int[n];
        cpu = new int[n];
        flags = new byte[n];
        event = new String[n];
        args = new String[n];
    }

    /** Entries kept. */
    public int capacity() {
        synchronized (lock) {
            return capacity;
        }
    }

    /**
     * Keeps {@code n} entries from now on ({@code ring_buffer_resize}, what writing
     * {@code buffer_size_kb} does): the newest entries that fit stay, the others count as overruns.
     */
    public void resize(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("capacity " + n);
        }
        synchronized (lock) {
            if (n == capacity) {
                return;
            }
            long[] ts0 = ts, ip0 = ip, func0 = func;
            int[] pid0 = pid, cpu0 = cpu;
            byte[] flags0 = flags;
            String[] event0 = event, args0 = args;
            int old = capacity;
            long kept = Math.min(head - tail, n);
            overrun += head - tail - kept;
            tail = head - kept;
            allocate(n);
            for (long q = tail; q < head; q++) {
                int from = (int) (q % old), to = (int) (q % n);
                ts[to] = ts0[from];
                ip[to] = ip0[from];
                func[to] = func0[from];
                pid[to] = pid0[from];
                cpu[to] = cpu0[from];
                flags[to] = flags0[from];
                event[to] = event0[from];
                args[to] = args0[from];
            }
        }
    }

    /**
     * Records an entry event ({@code kprobe_trace_func}).
     *
     * @param name  the event's name
     * @param ts    virtual time in ns
     * @param ip    the probed address
     * @param args  the formatted arguments ({@code " name=value"...}), or "" for none
     */
    public void recordEntry(String name, int cpu, int pid, CharSequence comm, int flags, long ts, long ip,
            String args) {
        record(name, cpu, pid, comm, flags & ~RETURN, ts, ip, 0, args);
    }

    /**
     * Records a return event ({@code kretprobe_trace_func}).
     *
     * @param retIp the real return address (the caller)
     * @param func  the probed function's address
     */
    public void recordReturn(String name, int cpu, int pid, CharSequence comm, int flags, long ts, long retIp,
            long func, String args) {
        record(name, cpu, pid, comm, flags | RETURN, ts, retIp, func, args);
    }

    private void record(String name, int c, int p, CharSequence comm, int f, long t, long a, long fn, String text) {
        synchronized (lock) {
            if (head - tail == capacity) {
                tail++;
                overrun++;
            }
            int i = (int) (head % capacity);
            ts[i] = t;
            ip[i] = a;
            func[i] = fn;
            pid[i] = p;
            cpu[i] = c;
            flags[i] = (byte) f;
            event[i] = name;
            args[i] = text;
            head++;
            cmdlines.save(p, comm);
            if (pipeWaiters > 0) {
                lock.notifyAll();
            }
        }
    }

    /** {@code trace}: the header and every entry, oldest first; nothing is consumed. */
    public List<String> trace() {
        Snapshot s;
        long entries;
        long written;
        synchronized (lock) {
            s = copy(false);
            entries = head - tail;
            written = entries + overrun;
        }
        List<String> out = new ArrayList<>(12 + s.size());
        out.add("# tracer: nop");
        out.add("#");
        // print_event_info
        out.add("# entries-in-buffer/entries-written: " + entries + "/" + written + "   #P:" + onlineCpus.getAsInt());
        out.add("#");
        out.addAll(HELP_HEADER_IRQ);
        s.format(out, symbols.get());
        return out;
    }

    /**
     * {@code trace_pipe}: waits up to {@code timeout} for an entry, then consumes and formats every
     * entry there is; empty when none came.
     */
    public List<String> readPipe(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        Snapshot s;
        synchronized (lock) {
            while (head == tail) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return List.of();
                }
                pipeWaiters++;
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } finally {
                    pipeWaiters--;
                }
            }
            s = copy(true);
        }
        List<String> out = new ArrayList<>(s.size());
        s.format(out, symbols.get());
        return out;
    }

    /** Readers blocked in {@link #readPipe} now (tests wait for one before they write). */
    public int pipeWaiters() {
        synchronized (lock) {
            return pipeWaiters;
        }
    }

    /** {@code tracing_reset_online_cpus}: empties the buffer and zeroes its counters. */
    public void clear() {
        synchronized (lock) {
            for (long q = tail; q < head; q++) {
                int i = (int) (q % capacity);
                event[i] = null;
                args[i] = null;
            }
            tail = head;
            overrun = 0;
        }
    }

    /** Entries in the buffer. */
    public long entries() {
        synchronized (lock) {
            return head - tail;
        }
    }

    /** Entries in the buffer plus those overwritten since the last reset. */
    public long written() {
        synchronized (lock) {
            return head - tail + overrun;
        }
    }

    private Snapshot copy(boolean consume) {
        int n = (int) (head - tail);
        Snapshot s = new Snapshot(n);
        for (int k = 0; k < n; k++) {
            int i = (int) ((tail + k) % capacity);
            s.ts[k] = ts[i];
            s.ip[k] = ip[i];
            s.func[k] = func[i];
            s.pid[k] = pid[i];
            s.cpu[k] = cpu[i];
            s.flags[k] = flags[i];
            s.event[k] = event[i];
            s.args[k] = args[i];
            s.comm[k] = cmdlines.find(pid[i]);
            if (consume) {
                event[i] = null;
                args[i] = null;
            }
        }
        if (consume) {
            tail = head;
        }
        return s;
    }

    /** Entries copied out under the lock, formatted after it is released. */
    private static final class Snapshot {
        final long[] ts;
        final long[] ip;
        final long[] func;
        final int[] pid;
        final int[] cpu;
        final byte[] flags;
        final String[] event;
        final String[] args;
        final String[] comm;

        Snapshot(int n) {
            ts = new long[n];
            ip = new long[n];
            func = new long[n];
            pid = new int[n];
            cpu = new int[n];
            flags = new byte[n];
            event = new String[n];
            args = new String[n];
            comm = new String[n];
        }

        int size() {
            return ts.length;
        }

        void format(List<String> out, SymbolTable syms) {
            StringBuilder sb = new StringBuilder(128);
            for (int k = 0; k < ts.length; k++) {
                sb.setLength(0);
                printContext(sb, comm[k], pid[k], cpu[k], flags[k], ts[k]);
                sb.append(event[k]).append(": (");
                printIpSym(sb, syms, ip[k], true);
                if ((flags[k] & RETURN) != 0) {
                    sb.append(" <- ");
                    printIpSym(sb, syms, func[k], false);
                }
                sb.append(')').append(args[k]);
                out.add(sb.toString());
            }
        }
    }

    /**
     * {@code trace_print_context} with {@code irq-info}: {@code "%16s-%-7d [%03d] "}, the five
     * {@code trace_print_lat_fmt} flag characters, {@code " %5lu.%06lu: "}.
     */
    static void printContext(StringBuilder sb, String comm, int pid, int cpu, int flags, long ts) {
        pad(sb, 16 - comm.length()).append(comm).append('-');
        int mark = sb.length();
        sb.append(pid);
        pad(sb, 7 - (sb.length() - mark)).append(" [");
        if (cpu < 100) {
            sb.append('0');
        }
        if (cpu < 10) {
            sb.append('0');
        }
        sb.append(cpu).append("] ");
        sb.append((flags & IRQS_OFF) != 0 ? 'd' : '.').append("....");
        // ns2usecs rounds to the nearest microsecond
        long usecs = Long.divideUnsigned(ts + 500, 1000);
        long secs = Long.divideUnsigned(usecs, 1_000_000);
        long rem = Long.remainderUnsigned(usecs, 1_000_000);
        sb.append(' ');
        String s = Long.toUnsignedString(secs);
        pad(sb, 5 - s.length()).append(s).append('.');
        String r = Long.toString(rem);
        for (int i = r.length(); i < 6; i++) {
            sb.append('0');
        }
        sb.append(r).append(": ");
    }

    /** {@code seq_print_ip_sym}: {@code %pS} with the offset, {@code %ps} without; {@code 0} for 0. */
    static void printIpSym(StringBuilder sb, SymbolTable syms, long addr, boolean offset) {
        if (addr == 0) {
            sb.append('0');
        } else if (offset) {
            KallsymsFormat.appendSymbol(sb, syms, addr);
        } else {
            Optional<Symbol> s = syms.symbolAt(addr);
            if (s.isPresent()) {
                sb.append(s.get().name());
            } else {
                sb.append("0x").append(Long.toHexString(addr));
            }
        }
    }

    private static StringBuilder pad(StringBuilder sb, int n) {
        for (int i = 0; i < n; i++) {
            sb.append(' ');
        }
        return sb;
    }
}
