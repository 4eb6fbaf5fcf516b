package io.kprobelab.linux.internal.view;

import io.kprobelab.guest.GuestTask;
import io.kprobelab.linux.Btf;
import io.kprobelab.linux.BtfMember;
import io.kprobelab.machine.GuestMemory;
import io.kprobelab.machine.MemoryFault;
import io.kprobelab.machine.Symbol;
import io.kprobelab.machine.SymbolTable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a running Linux kernel from outside, as {@code ps} and {@code dmesg} would show it from
 * inside: the task list from {@code init_task.tasks} and the printk ring buffer behind
 * {@code prb} (kernel/printk/printk_ringbuffer.h). Every structure offset comes from the
 * kernel's own BTF and every address from its symbols, so a kernel built with another
 * configuration reads the same way (the method LibVMI and Volatility use, with BTF instead of a
 * separately built profile). Call it with the guest stopped.
 */
public final class LinuxKernelView {

    private final GuestMemory mem;
    private final SymbolTable symbols;
    private final Btf btf;

    public LinuxKernelView(GuestMemory mem, SymbolTable symbols, Btf btf) {
        this.mem = mem;
        this.symbols = symbols;
        this.btf = btf;
    }

    private long symbol(String name) {
        return symbols.lookup(name).map(Symbol::address)
                .orElseThrow(() -> new IllegalStateException("the kernel has no symbol " + name));
    }

    private long off(String struct, String member) {
        return btf.member(struct, member).offset();
    }

    private long u64(long va) {
        try {
            return mem.readU64(va);
        } catch (MemoryFault e) {
            throw new IllegalStateException("guest memory not readable: " + e.getMessage(), e);
        }
    }

    private long read(long va, long size) {
        try {
            byte[] b = new byte[(int) size];
            mem.read(va, b, 0, b.length);
            long v = 0;
            for (int i = b.length - 1; i >= 0; i--) {
                v = (v << 8) | (b[i] & 0xff);
            }
            return v;
        } catch (MemoryFault e) {
            throw new IllegalStateException("guest memory not readable: " + e.getMessage(), e);
        }
    }

    private long field(long base, String struct, String member) {
        BtfMember m = btf.member(struct, member);
        return read(base + m.offset(), Math.min(8, m.size()));
    }

    private String string(long va, int max) {
        byte[] b = new byte[max];
        try {
            mem.read(va, b, 0, max);
        } catch (MemoryFault e) {
            throw new IllegalStateException("guest memory not readable: " + e.getMessage(), e);
        }
        int n = 0;
        while (n < max && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ tasks

    /**
     * The thread-group leaders on {@code init_task.tasks}, starting with the idle task, as
     * {@link GuestTask}s: state letters as {@code ps} prints them (from {@code __state} and
     * {@code exit_state}), ticks as the task's user plus system time in timer ticks
     * ({@code tick_nsec}).
     */
    public List<GuestTask> tasks() {
        long initTask = symbol("init_task");
        long tasksOff = off("task_struct", "tasks");
        long tickNsec = symbols.lookup("tick_nsec").map(s -> u64(s.address())).orElse(0L);
        List<GuestTask> out = new ArrayList<>();
        long task = initTask;
        for (int guard = 0; guard < 1_000_000; guard++) {
            int pid = (int) field(task, "task_struct", "pid");
            long parent = field(task, "task_struct", "real_parent");
            int ppid = parent == 0 || parent == task ? 0 : (int) field(parent, "task_struct", "pid");
            BtfMember comm = btf.member("task_struct", "comm");
            String name = string(task + comm.offset(), (int) comm.size());
            long cpuNs = field(task, "task_struct", "utime") + field(task, "task_struct", "stime");
            out.add(new GuestTask(pid, ppid, state(task), tickNsec == 0 ? 0 : cpuNs / tickNsec, name));
            long next = u64(task + tasksOff) - tasksOff;
            if (next == initTask) {
                return out;
            }
            task = next;
        }
        throw new IllegalStateException("init_task.tasks does not come back to init_task");
    }

    /** ps's state letter (fs/proc/array.c task_state_array): the exit state first, then __state's bits. */
    private char state(long task) {
        long exit = field(task, "task_struct", "exit_state");
        if ((exit & 0x10) != 0) {
            return 'Z';
        }
        if ((exit & 0x20) != 0) {
            return 'X';
        }
        long s = field(task, "task_struct", "__state");
        if ((s & 0x400) != 0 && (s & 2) != 0) {
            return 'I'; // TASK_IDLE: uninterruptible but not counted as load
        }
        if ((s & 1) != 0) {
            return 'S';
        }
        if ((s & 2) != 0) {
            return 'D';
        }
        if ((s & 4) != 0) {
            return 'T';
        }
        if ((s & 8) != 0) {
            return 't';
        }
        return 'R';
    }

    // ------------------------------------------------------------------ printk ring

    /** Descriptor states in the top two bits of {@code state_var} (printk_ringbuffer.h). */
    private static final int COMMITTED = 1, FINALIZED = 2;

    /**
     * The records of the printk ring buffer still held, oldest first, each line as dmesg prints
     * it: {@code [seconds.micros] text}.
     */
    public String dmesg() {
        long prb = u64(symbol("prb"));
        long descRing = prb + off("printk_ringbuffer", "desc_ring");
        long dataRing = prb + off("printk_ringbuffer", "text_data_ring");
        int countBits = (int) field(descRing, "prb_desc_ring", "count_bits");
        long descs = field(descRing, "prb_desc_ring", "descs");
        long infos = field(descRing, "prb_desc_ring", "infos");
        long headId = field(descRing, "prb_desc_ring", "head_id");
        long tailId = field(descRing, "prb_desc_ring", "tail_id");
        int sizeBits = (int) field(dataRing, "prb_data_ring", "size_bits");
        long data = field(dataRing, "prb_data_ring", "data");
        long descSize = btf.sizeOf("prb_desc");
        long infoSize = btf.sizeOf("printk_info");
        long idMask = (1L << 62) - 1;
        long count = 1L << countBits, dataSize = 1L << sizeBits;
        StringBuilder sb = new StringBuilder();
        for (long id = tailId & idMask; ; id = (id + 1) & idMask) {
            long desc = descs + (id & (count - 1)) * descSize;
            long sv = field(desc, "prb_desc", "state_var");
            int state = (int) (sv >>> 62);
            if ((sv & idMask) == id && (state == COMMITTED || state == FINALIZED)) {
                long info = infos + (id & (count - 1)) * infoSize;
                long tsNsec = field(info, "printk_info", "ts_nsec");
                int len = (int) field(info, "printk_info", "text_len");
                long begin = field(desc, "prb_desc", "text_blk_lpos.begin");
                long next = field(desc, "prb_desc", "text_blk_lpos.next");
                String text = text(data, dataSize, begin, next, len);
                for (String line : text.split("\n", -1)) {
                    sb.append(String.format("[%5d.%06d] %s%n", tsNsec / 1_000_000_000L, tsNsec % 1_000_000_000L / 1000,
                            line));
                }
            }
            if (id == (headId & idMask)) {
                return sb.toString();
            }
        }
    }

    /**
     * A record's text in the data ring (get_data in printk_ringbuffer.c): the block at
     * {@code begin}, or at the ring's start when the block wrapped; each block starts with its
     * descriptor id (an unsigned long), then the text.
     */
    private String text(long data, long dataSize, long begin, long next, int len) {
        if (begin == next || (begin & 1) != 0) {
            return ""; // a data-less record
        }
        // Logical positions count bytes from -size (BLK0_LPOS) and are compared unsigned. Same wrap:
        // the block is at begin; else it wrapped and was stored at the ring's start.
        int sizeBits = Long.numberOfTrailingZeros(dataSize);
        long at = (begin >>> sizeBits) == (next >>> sizeBits) && Long.compareUnsigned(begin, next) < 0
                ? begin & (dataSize - 1) : 0;
        byte[] b = new byte[len];
        try {
            mem.read(data + at + 8, b, 0, len);
        } catch (MemoryFault e) {
            throw new IllegalStateException("guest memory not readable: " + e.getMessage(), e);
        }
        return new String(b, StandardCharsets.UTF_8);
    }
}
