package io.kprobelab.linux.internal.profile;

import io.kprobelab.linux.Btf;
import io.kprobelab.linux.LinuxImageException;
import io.kprobelab.linux.LinuxKernel;
import io.kprobelab.machine.GuestMemory;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.MemoryFault;
import io.kprobelab.machine.Symbol;
import io.kprobelab.machine.Vcpu;
import io.kprobelab.machine.kernel.SymbolKernelProfile;
import io.kprobelab.machine.kernel.TextRange;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Linux kernel's profile, read from the kernel itself as an introspection tool reads it: every
 * address from its symbols, every structure offset from its BTF, so a kernel of another
 * configuration (SMP or not, another task_struct) needs nothing added here.
 * <ul>
 * <li>THREAD_SIZE is the size of the init task's stack ({@code __end_init_task -
 *     __start_init_task}, which vmlinux.lds.h makes THREAD_SIZE);</li>
 * <li>{@code current} is the per-CPU {@code current_task}: an absolute variable on a UP kernel,
 *     an offset into the CPU's per-CPU area ({@code __per_cpu_offset[cpu]}) on an SMP one;</li>
 * <li>the task owning a kernel stack is the one whose {@code task->stack} is that stack's base
 *     (6.1 keeps thread_info in task_struct: nothing but STACK_END_MAGIC is at the base);</li>
 * <li>the blacklist is {@code populate_kprobe_blacklist}'s: the {@code _kprobe_blacklist}
 *     entries, the functions of {@code .kprobes.text} and {@code .noinstr.text}, and x86's
 *     entry text, each function sized as kallsyms sizes it (to the next symbol);</li>
 * <li>reserved text is what {@code check_kprobe_address_safe} refuses besides: jump-label and
 *     static-call sites and BUG() sites.</li>
 * </ul>
 */
public final class LinuxKernelProfile extends SymbolKernelProfile {

    private final LinuxKernel kernel;
    private volatile Layout layout;
    private volatile List<TextRange> blacklist, reserved;

    public LinuxKernelProfile(Machine machine, LinuxKernel kernel) {
        super("Linux", machine);
        this.kernel = kernel;
    }

    /** Offsets and addresses, resolved on first use (BTF is parsed then). */
    private record Layout(long threadSize, long currentTask, boolean perCpu, long perCpuOffsets, long pid,
                          long comm, int commLen, long stack, long tasks, long signal, long threadHead,
                          long threadNode, long initTask) {
    }

    private Layout layout() {
        Layout l = layout;
        if (l == null) {
            Btf btf;
            try {
                btf = kernel.btf();
            } catch (LinuxImageException e) {
                throw new IllegalStateException("the kernel has no usable BTF: " + e.getMessage(), e);
            }
            long start = address("__start_init_task"), end = address("__end_init_task");
            long threadSize = start != 0 && end > start ? end - start : 16 * 1024;
            long current = address("current_task");
            long pcpuStart = symbols().lookup("__per_cpu_start").map(Symbol::address).orElse(-1L);
            long pcpuEnd = address("__per_cpu_end");
            boolean perCpu = pcpuStart == 0 && Long.compareUnsigned(current, pcpuEnd) < 0;
            if (current == 0 && symbols().lookup("pcpu_hot").isPresent()) { // 6.2 on: in struct pcpu_hot
                current = address("pcpu_hot") + btf.member("pcpu_hot", "current_task").offset();
                perCpu = pcpuStart == 0 && Long.compareUnsigned(current, pcpuEnd) < 0;
            }
            l = new Layout(threadSize, current, perCpu, address("__per_cpu_offset"),
                    btf.member("task_struct", "pid").offset(), btf.member("task_struct", "comm").offset(),
                    (int) btf.member("task_struct", "comm").size(), btf.member("task_struct", "stack").offset(),
                    btf.member("task_struct", "tasks").offset(), btf.member("task_struct", "signal").offset(),
                    btf.member("signal_struct", "thread_head").offset(),
                    btf.member("task_struct", "thread_node").offset(), address("init_task"));
            layout = l;
        }
        return l;
    }

    @Override
    public String name() {
        long banner = address("linux_banner");
        if (banner != 0) {
            try {
                byte[] b = new byte[64];
                machine.memory().read(banner, b, 0, b.length);
                String s = new String(b, StandardCharsets.US_ASCII);
                String[] w = s.split(" ");
                if (w.length > 2 && w[0].equals("Linux") && w[1].equals("version")) {
                    return "Linux " + w[2];
                }
            } catch (MemoryFault e) {
                // not mapped (yet): the plain name
            }
        }
        return "Linux";
    }

    @Override
    public long threadSize() {
        return layout().threadSize();
    }

    private long u64(GuestMemory mem, long va) {
        try {
            return mem.readU64(va);
        } catch (MemoryFault e) {
            return 0;
        }
    }

    @Override
    public long current(Vcpu cpu) {
        Layout l = layout();
        if (l.currentTask() == 0) {
            return 0;
        }
        GuestMemory mem = cpu.memory();
        long base = l.perCpu() ? u64(mem, l.perCpuOffsets() + 8L * cpu.id()) : 0;
        if (l.perCpu() && base == 0) {
            return 0; // per-CPU areas not set up yet
        }
        return u64(mem, base + l.currentTask());
    }

    /** The task's kernel stack base ({@code task->stack}). */
    private long stackOf(GuestMemory mem, long task) {
        return task == 0 ? 0 : u64(mem, task + layout().stack());
    }

    @Override
    public long taskOfStack(Vcpu cpu, long address) {
        Layout l = layout();
        long base = address & -l.threadSize();
        GuestMemory mem = cpu.memory();
        long cur = current(cpu);
        if (cur != 0 && stackOf(mem, cur) == base) {
            return cur; // the usual case: the running task's own stack
        }
        // every thread: the leaders on init_task.tasks, each one's threads on signal->thread_head
        long leader = l.initTask();
        for (int guard = 0; guard < 1 << 20 && leader != 0; guard++) {
            if (stackOf(mem, leader) == base) {
                return leader;
            }
            long signal = u64(mem, leader + l.signal());
            if (signal != 0) {
                long head = signal + l.threadHead();
                for (long n = u64(mem, head); n != head && n != 0; n = u64(mem, n)) {
                    long t = n - l.threadNode();
                    if (stackOf(mem, t) == base) {
                        return t;
                    }
                }
            }
            long next = u64(mem, leader + l.tasks()) - l.tasks();
            if (next == l.initTask()) {
                break;
            }
            leader = next;
        }
        return 0;
    }

    @Override
    public int pid(GuestMemory memory, long task) {
        if (task == 0) {
            return 0;
        }
        try {
            byte[] b = new byte[4];
            memory.read(task + layout().pid(), b, 0, 4);
            return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
        } catch (MemoryFault e) {
            return 0;
        }
    }

    @Override
    public void appendComm(GuestMemory memory, long task, StringBuilder out) {
        if (task == 0) {
            out.append(IDLE_COMM);
            return;
        }
        Layout l = layout();
        appendString(memory, task + l.comm(), l.commLen(), out);
    }

    // ------------------------------------------------------------------ blacklist

    /** Text symbols by address, for kallsyms-style sizes. */
    private long[] symbolStarts() {
        List<Symbol> all = symbols().all();
        long[] a = new long[all.size()];
        int n = 0;
        for (Symbol s : all) {
            a[n++] = s.address();
        }
        java.util.Arrays.sort(a, 0, n);
        return a;
    }

    /**
     * {@code kallsyms_lookup_size_offset}: the symbol containing {@code addr}, from its address to
     * the next symbol at a higher address.
     */
    private Optional<TextRange> kallsymsRange(long[] starts, long addr) {
        Optional<Symbol> s = symbols().symbolAt(addr);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        long start = s.get().address();
        int i = java.util.Arrays.binarySearch(starts, start);
        long end = start + Math.max(1, s.get().size());
        for (int k = Math.max(0, i); k < starts.length; k++) {
            if (Long.compareUnsigned(starts[k], start) > 0) {
                end = starts[k];
                break;
            }
        }
        return Optional.of(new TextRange(start, end, s.get().name()));
    }

    /** {@code kprobe_add_area_blacklist}: symbol by symbol through {@code [start, end)}. */
    private void addArea(long[] starts, long start, long end, List<TextRange> out) {
        long entry = start;
        while (Long.compareUnsigned(entry, end) < 0) {
            Optional<TextRange> r = kallsymsRange(starts, entry);
            if (r.isEmpty() || Long.compareUnsigned(r.get().end(), entry) <= 0) {
                break;
            }
            out.add(r.get());
            entry = r.get().end();
        }
    }

    @Override
    public List<TextRange> blacklist() {
        List<TextRange> b = blacklist;
        if (b == null) {
            long[] starts = symbolStarts();
            List<TextRange> out = new ArrayList<>();
            GuestMemory mem = machine.memory();
            long s = address("__start_kprobe_blacklist"), e = address("__stop_kprobe_blacklist");
            for (long p = s; s != 0 && Long.compareUnsigned(p, e) < 0; p += 8) {
                long entry = u64(mem, p);
                kallsymsRange(starts, entry).ifPresent(out::add);
            }
            addArea(starts, address("__kprobes_text_start"), address("__kprobes_text_end"), out);
            addArea(starts, address("__noinstr_text_start"), address("__noinstr_text_end"), out);
            addArea(starts, address("__entry_text_start"), address("__entry_text_end"), out); // arch
            blacklist = b = List.copyOf(out);
        }
        return b;
    }

    @Override
    public List<TextRange> reserved() {
        List<TextRange> r = reserved;
        if (r == null) {
            List<TextRange> out = new ArrayList<>();
            GuestMemory mem = machine.memory();
            // struct jump_entry { s32 code; s32 target; long key; }: code is relative to itself
            long js = address("__start___jump_table"), je = address("__stop___jump_table");
            for (long p = js; js != 0 && Long.compareUnsigned(p, je) < 0; p += 16) {
                long code = p + (int) u64(mem, p);
                out.add(new TextRange(code, code + jumpSize(mem, code), "jump_label"));
            }
            // struct static_call_site { s32 addr; s32 key; }: the low two bits of addr are flags
            long ss = address("__start_static_call_sites"), se = address("__stop_static_call_sites");
            for (long p = ss; ss != 0 && Long.compareUnsigned(p, se) < 0; p += 8) {
                long site = (p + (int) u64(mem, p)) & ~3L;
                out.add(new TextRange(site, site + 5, "static_call"));
            }
            // struct bug_entry: bug_addr_disp (s32, relative to itself) first
            long bs = address("__start___bug_table"), be = address("__stop___bug_table");
            long size = bugEntrySize();
            for (long p = bs; bs != 0 && size > 0 && Long.compareUnsigned(p, be) < 0; p += size) {
                long bug = p + (int) u64(mem, p);
                out.add(new TextRange(bug, bug + 1, "bug"));
            }
            reserved = r = List.copyOf(out);
        }
        return r;
    }

    /** A jump label's size on x86: a 2-byte short jump or NOP2 (eb xx, 66 90), else 5 bytes. */
    private static long jumpSize(GuestMemory mem, long code) {
        try {
            int b0 = mem.readU8(code);
            int b1 = mem.readU8(code + 1);
            return b0 == 0xeb || (b0 == 0x66 && b1 == 0x90) ? 2 : 5;
        } catch (MemoryFault e) {
            return 5;
        }
    }

    private long bugEntrySize() {
        try {
            return kernel.btf().sizeOf("bug_entry");
        } catch (LinuxImageException | IllegalArgumentException e) {
            return 0;
        }
    }

    @Override
    public Optional<String> taskReleaseFunction() {
        return symbols().lookup("release_task").map(Symbol::name);
    }
}
