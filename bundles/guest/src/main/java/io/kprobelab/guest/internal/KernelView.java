package io.kprobelab.guest.internal;

import io.kprobelab.guest.GuestTask;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.PhysicalMemory;
import io.kprobelab.machine.Symbol;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the guest kernel's own data the way a debugger would, through physical memory, at the
 * offsets BOOT.md section 5 fixes: the task list ({@code guest:ps}) and the printk ring
 * ({@code guest:dmesg}). Call it with the guest stopped (in {@link Machine#stopMachine}).
 */
public final class KernelView {

    // struct task_struct offsets (BOOT.md section 5, static asserts in sched.h)
    static final int STATE = 0x00, PID = 0x04, PARENT = 0x20, COMM = 0x28, TICKS = 0x48, TASKS = 0x60;
    static final int COMM_LEN = 16;
    /** {@code LOG_BUF_LEN} of kernel/printk.c. */
    static final int LOG_BUF_LEN = 16384;
    /** A task list longer than this is corrupt (the kernel's pid space is far smaller in practice). */
    static final int MAX_TASKS = 4096;

    private KernelView() {
    }

    /** The tasks on {@code task_list}, in list order. */
    public static List<GuestTask> tasks(Machine machine) {
        PhysicalMemory pm = machine.physicalMemory();
        long head = symbol(machine, "task_list");
        List<GuestTask> tasks = new ArrayList<>();
        for (long node = pm.readU64(pa(head)); node != head; node = pm.readU64(pa(node))) {
            if (tasks.size() == MAX_TASKS) {
                throw new IllegalStateException("task_list does not come back to its head after " + MAX_TASKS + " tasks");
            }
            long t = node - TASKS;
            long parent = pm.readU64(pa(t + PARENT));
            int ppid = parent == 0 || parent == t ? 0 : pm.readU32(pa(parent + PID));
            byte[] comm = new byte[COMM_LEN];
            pm.read(pa(t + COMM), comm, 0, COMM_LEN);
            int len = 0;
            while (len < COMM_LEN && comm[len] != 0) {
                len++;
            }
            tasks.add(new GuestTask(pm.readU32(pa(t + PID)), ppid, state(pm.readU32(pa(t + STATE))),
                    pm.readU64(pa(t + TICKS)), new String(comm, 0, len, StandardCharsets.UTF_8)));
        }
        return tasks;
    }

    private static char state(int s) {
        return switch (s) {
            case 0 -> 'R';
            case 1 -> 'S';
            case 2 -> 'Z';
            default -> '?';
        };
    }

    /** The printk ring's contents: everything logged if it fits, else its last 16 KiB. */
    public static String dmesg(Machine machine) {
        PhysicalMemory pm = machine.physicalMemory();
        long buf = pa(symbol(machine, "__log_buf"));
        long next = pm.readU64(pa(symbol(machine, "log_next")));
        byte[] out;
        if (next <= LOG_BUF_LEN) {
            out = new byte[(int) next];
            pm.read(buf, out, 0, out.length);
        } else {
            out = new byte[LOG_BUF_LEN];
            int at = (int) (next % LOG_BUF_LEN); // the oldest byte still there
            pm.read(buf + at, out, 0, LOG_BUF_LEN - at);
            pm.read(buf, out, LOG_BUF_LEN - at, at);
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    private static long symbol(Machine machine, String name) {
        return machine.symbols().lookup(name).map(Symbol::address)
                .orElseThrow(() -> new IllegalStateException("no " + name + ": is the guest kernel booted?"));
    }

    /** The kernel's two linear maps (the image and the direct map) back to physical addresses. */
    static long pa(long va) {
        if (Long.compareUnsigned(va, VmlinuxLoader.START_KERNEL_MAP) >= 0) {
            return va - VmlinuxLoader.START_KERNEL_MAP;
        }
        if (Long.compareUnsigned(va, VmlinuxLoader.PAGE_OFFSET) >= 0) {
            return va - VmlinuxLoader.PAGE_OFFSET;
        }
        throw new IllegalStateException(String.format("not a kernel address: 0x%x", va));
    }
}
