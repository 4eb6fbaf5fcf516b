package io.kprobelab.machine.internal;

import io.kprobelab.machine.GuestMemory;
import io.kprobelab.machine.GuestOops;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.PtRegs;
import io.kprobelab.machine.Reg;
import io.kprobelab.machine.Trap;
import io.kprobelab.machine.TrapSink;
import io.kprobelab.machine.Vcpu;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One vCPU: its {@link Cpu} state, its host thread, and the run loop that executes blocks,
 * single-steps under TF, and turns CPU events into traps offered to the {@link TrapSink}.
 */
final class VcpuImpl implements Vcpu {

    final MachineImpl machine;
    final Cpu cpu;
    private final Thread thread;
    private final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private final PtRegs regs = new Regs();
    private final GuestMemory memory;
    /** Nesting of calls on this thread (a trap handler may call guest code). */
    private int depth;
    /** The {@link #onThread} work this vCPU's thread runs now, as its token. */
    private volatile Object running;
    /** The token of work whose caller was interrupted (^C): the run loop stops it at a boundary. */
    private volatile Object cancelled;

    VcpuImpl(MachineImpl machine, Cpu cpu) {
        this.machine = machine;
        this.cpu = cpu;
        cpu.vcpu = this;
        this.memory = new GuestMemoryImpl(cpu);
        this.thread = new Thread(new Worker(tasks), "kprobelab-vcpu-" + cpu.id);
        thread.setDaemon(true);
        thread.start();
    }

    /** Ends the vCPU thread once queued work is done (the machine was dropped). */
    static final Runnable POISON = () -> { };

    /**
     * The vCPU thread's loop. It holds only the task queue, never the vCPU, so an unused machine
     * can be collected; its cleaner then sends {@link #POISON}.
     */
    private static final class Worker implements Runnable {
        private final BlockingQueue<Runnable> tasks;

        Worker(BlockingQueue<Runnable> tasks) {
            this.tasks = tasks;
        }

        @Override
        public void run() {
            while (true) {
                Runnable r;
                try {
                    r = tasks.take();
                } catch (InterruptedException e) {
                    return;
                }
                if (r == POISON) {
                    return;
                }
                r.run();
                r = null; // do not pin the last task (and its machine) while waiting
            }
        }
    }

    BlockingQueue<Runnable> tasks() {
        return tasks;
    }

    boolean onOwnThread() {
        return Thread.currentThread() == thread;
    }

    /**
     * Runs {@code work} on this vCPU's thread and waits for it. Interrupting the waiting thread
     * (the shell's ^C) stops the guest at its next instruction boundary outside a single-step:
     * a kernel run slice ends early, a call ends with {@link CancellationException}; this waits
     * for the vCPU to get there, so the machine is idle and consistent when it returns, with the
     * caller's interrupt status set again. A caller already interrupted when it calls is not
     * cancelled (its status is kept).
     */
    <T> T onThread(Callable<T> work) {
        if (onOwnThread()) {
            try {
                return work.call();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        Object token = new Object();
        FutureTask<T> f = new FutureTask<>(() -> {
            running = token;
            try {
                return work.call();
            } finally {
                running = null;
            }
        });
        // An interrupt from before this call is the caller's own business (it may be cleaning up
        // after one, and needs the guest to run): only one that comes while waiting cancels.
        boolean interrupted = Thread.interrupted();
        tasks.add(f);
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                    cancelled = token; // and wait on: the vCPU stops at its next boundary
                }
            }
        } catch (ExecutionException e) {
            Throwable t = e.getCause();
            if (t instanceof GuestOops) {
                // Re-create on the caller's thread so its stack trace is useful, keeping the report.
                GuestOops o = (GuestOops) t;
                GuestOops n = new GuestOops(o.trap(), o.report());
                n.initCause(o);
                throw n;
            }
            if (t instanceof RuntimeException) {
                throw (RuntimeException) t;
            }
            if (t instanceof Error) {
                throw (Error) t;
            }
            throw new IllegalStateException(t);
        } finally {
            if (cancelled == token) {
                cancelled = null;
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The work running now was cancelled (its caller was interrupted). */
    private boolean cancelRequested() {
        Object c = cancelled;
        return c != null && c == running;
    }

    @Override
    public int id() {
        return cpu.id;
    }

    @Override
    public Machine machine() {
        return machine;
    }

    @Override
    public PtRegs regs() {
        return regs;
    }

    @Override
    public GuestMemory memory() {
        return memory;
    }

    @Override
    public long retired() {
        return cpu.retired;
    }

    // ------------------------------------------------------------------ running

    /**
     * Runs from the current state until a HLT retires with RIP == {@code haltRip} (the call's
     * sentinel), or an unhandled trap or the budget ends the run with {@link GuestOops}.
     */
    void run(long haltRip, long budget) {
        run(haltRip, budget, false);
    }

    /**
     * The run loop. Returns true when the call completed (sentinel HLT) or the machine powered
     * off; false when {@code budget} ran out and {@code returnAtLimit} (a kernel run slice).
     * Between blocks it takes the pending timer expiry and delivers interrupts (SDM Vol. 3 §6.8:
     * only with IF=1, never right after an STI that set it); HLT with IF=1 idles by advancing
     * virtual time to the next expiry.
     */
    boolean run(long haltRip, long budget, boolean returnAtLimit) {
        Cpu c = cpu;
        boolean outerSlice = kernelSlice;
        kernelSlice = returnAtLimit;
        long limit = c.retired + budget;
        if (++depth == 1) {
            machine.enterGuest();
        }
        c.phys.guestRan = true;
        try {
            while (true) {
                if (machine.stopRequested) {
                    machine.park();
                }
                if (!c.phys.textWrites.isEmpty()) {
                    machine.reportTextWrites(this);
                }
                if (c.io != null && c.io.poweredOff) {
                    return true;
                }
                if (cancelled != null && cancelRequested() && (c.flags & Cpu.TF) == 0) {
                    // ^C: never in the middle of a single-step, so kprobes' per-CPU state is idle
                    if (returnAtLimit) {
                        return false;
                    }
                    throw new CancellationException("interrupted at " + fmt(c.rip));
                }
                if (c.retired >= limit) {
                    if (returnAtLimit) {
                        return false;
                    }
                    throw budgetOops(budget);
                }
                long deadline = nextDeadline(c);
                if (c.retired >= deadline) {
                    expireTimers(c);
                    deadline = nextDeadline(c);
                }
                boolean shadow = c.retired == c.stiShadow;
                if ((c.flags & Cpu.IF) != 0 && !shadow) {
                    int vector = takeInterrupt(c);
                    if (vector >= 0) {
                        interrupt(vector);
                        continue;
                    }
                }
                if (c.halted) {
                    if (deadline == Long.MAX_VALUE && !returnAtLimit) {
                        throw haltOops(c.rip, "vCPU halted with no interrupt pending or armed (hlt) at ");
                    }
                    // idle: virtual time jumps to the next timer expiry (or to the end of the slice
                    // when none is armed: a kernel waiting for input lets time pass)
                    c.retired = Math.min(deadline, limit);
                    continue;
                }
                if ((c.flags & Cpu.TF) != 0) {
                    if (step(haltRip, true)) {
                        return true;
                    }
                    continue;
                }
                if (shadow) {
                    if (step(haltRip, false)) {
                        return true;
                    }
                    continue;
                }
                c.runLimit = Math.min(limit, deadline);
                int r = runBlocks();
                if (r == EVENT && event(haltRip)) {
                    return true;
                }
                if (r == PARTIAL && step(haltRip, false)) {
                    return true;
                }
            }
        } finally {
            kernelSlice = outerSlice;
            if (--depth == 0) {
                machine.leaveGuest();
            }
        }
    }

    /** The current run is a slice of a booted kernel ({@link MachineImpl#runKernel}), not a call. */
    private boolean kernelSlice;

    /** The earliest timer deadline (local APIC timer, 8254 IRQ 0) in virtual time; none while time is frozen. */
    private static long nextDeadline(Cpu c) {
        if (c.timeFrozen) {
            return Long.MAX_VALUE;
        }
        long d = c.apic.timerAt;
        if (c.io != null && c.id == 0) {
            d = Math.min(d, c.io.nextDeadline());
        }
        return d;
    }

    /** Virtual time reached a deadline: the timers raise their interrupts. */
    private static void expireTimers(Cpu c) {
        if (c.retired >= c.apic.timerAt) {
            c.apic.expire(c, c.retired);
        }
        if (c.io != null && c.id == 0 && c.retired >= c.io.nextDeadline()) {
            c.io.advance(c.retired);
        }
    }

    /**
     * The external interrupt the core takes now (IF=1, no STI shadow), or -1: the 8259's request
     * through LINT0 as ExtINT (the vector comes from the PIC's INTA cycle, SDM Vol. 3 §11.5.1),
     * else the local APIC's highest deliverable vector (moved to the ISR).
     */
    private static int takeInterrupt(Cpu c) {
        if (c.io != null && c.id == 0 && c.apic.acceptsExtInt() && c.io.pic.intr()) {
            return c.io.pic.acknowledge();
        }
        int v = c.apic.deliverableVector();
        if (v >= 0) {
            c.apic.accept(v);
        }
        return v;
    }

    private static final int BOUNDARY = 0, EVENT = 1, PARTIAL = 2;

    /**
     * The hot loop: returns {@link #EVENT} when a CPU event is pending, {@link #PARTIAL} when the
     * next block would run past {@link Cpu#runLimit} (the caller single-steps up to it), and
     * {@link #BOUNDARY} to re-check stop, budget, TF, timer and interrupts.
     */
    private int runBlocks() {
        Cpu c = cpu;
        MachineImpl m = machine;
        Block prev = null;
        while (c.retired < c.runLimit && (c.flags & Cpu.TF) == 0 && !m.stopRequested
                && !(cancelled != null && cancelRequested())) {
            long rip = c.rip;
            Block b = prev == null ? null : prev.succ1;
            if (b == null || b.rip != rip) {
                b = prev == null ? null : prev.succ2;
                if (b == null || b.rip != rip) {
                    b = null;
                }
            }
            if (b == null || !b.valid || b.epoch != c.epoch) {
                try {
                    b = c.lookup(rip);
                } catch (CpuException e) {
                    evOp = null;
                    return EVENT;
                }
                if (prev != null) {
                    prev.succ2 = prev.succ1;
                    prev.succ1 = b;
                }
            }
            if (c.retired + b.count > c.runLimit) {
                return PARTIAL;
            }
            prev = b;
            Op[] ops = b.ops;
            c.rip = b.endRip;
            int i = 0;
            try {
                for (; i < ops.length; i++) {
                    ops[i].exec(c);
                }
            } catch (CpuException e) {
                evOp = ops[i];
                evIdx = ops[i].idx; // instructions before it in the block (fused ops count two)
                return EVENT;
            }
            c.retired += b.count;
        }
        return BOUNDARY;
    }

    private Op evOp;
    private int evIdx;
    /** The pending trap is INT n / INT3 (the IDT gate's DPL is checked). */
    private boolean evSoftware;

    /**
     * Executes one instruction; with {@code singleStep} (TF set at its start) then raises the
     * single-step #DB. Returns true when the run is complete.
     */
    private boolean step(long haltRip, boolean singleStep) {
        Cpu c = cpu;
        Block b;
        try {
            b = c.lookupStep(c.rip);
        } catch (CpuException e) {
            evOp = null;
            return event(haltRip);
        }
        Op op = b.ops[0];
        c.rip = op.next;
        try {
            op.exec(c);
        } catch (CpuException e) {
            evOp = op;
            evIdx = 0;
            return event(haltRip);
        }
        c.retired++;
        if (!singleStep) {
            return false;
        }
        // SDM Vol. 3 §17.3.1.4: single-step trap after the instruction; RFLAGS.TF as the handler sees it
        return deliver(Trap.DB, -1, op.rip, "single-step");
    }

    /** Takes an external interrupt (APIC or 8259): through the IDT, never offered to the sink. */
    private void interrupt(int vector) {
        Cpu c = cpu;
        c.halted = false;
        machine.countTrap(vector);
        Trap t = new Trap(vector, -1, c.rip, "interrupt");
        if (!(Idt.present(c) || kernelSlice) || !deliverThroughIdt(t, false, true)) {
            throw new GuestOops(t, OopsReport.build(this, "interrupt " + vector + " with no usable IDT", t));
        }
    }

    /** Handles the pending CPU event; returns true when the call is complete. */
    private boolean event(long haltRip) {
        Cpu c = cpu;
        Op op = evOp;
        if (op != null) {
            if (c.evKind == Cpu.EV_FAULT) {
                c.rip = op.rip;
                c.retired += evIdx;
            } else {
                c.rip = op.next;
                c.retired += evIdx + 1;
            }
        }
        switch (c.evKind) {
            case Cpu.EV_HALT:
                if (c.rip == haltRip) {
                    return true;
                }
                if ((c.flags & Cpu.IF) != 0) {
                    c.halted = true; // SDM Vol. 2A HLT: resumes on an interrupt, after the HLT
                    return false;
                }
                if (kernelSlice && c.io != null) {
                    // A kernel that halts with interrupts off has stopped for good (Linux's
                    // machine_halt): the machine is off.
                    c.io.poweredOff = true;
                    return true;
                }
                throw haltOops(op.rip, "vCPU halted with interrupts disabled (hlt) at ");
            case Cpu.EV_POWEROFF:
                return true;
            case Cpu.EV_TRAP:
                evSoftware = true;
                try {
                    return deliver(c.evVector, c.evError, op.rip, c.evVector == Trap.BP ? "int3" : "int " + c.evVector);
                } finally {
                    evSoftware = false;
                }
            default: {
                long addr = c.evVector == Trap.PF ? c.evAddr : c.rip;
                String msg = c.evMessage != null ? c.evMessage : c.evVector == Trap.PF
                        ? io.kprobelab.machine.MemoryFault.describe(c.evError) : "";
                return deliver(c.evVector, c.evError, addr, msg);
            }
        }
    }

    private String fmt(long a) {
        return machine.symbols().format(a);
    }

    /**
     * Offers a trap to the sink (the die-notifier chain), then delivers it: through the guest IDT
     * once issue 3 adds it ({@link #deliverThroughIdt}), else in bare mode it stops the call with an oops.
     */
    boolean deliver(int vector, int error, long address, String message) {
        machine.countTrap(vector);
        Trap t = new Trap(vector, error, address, message == null ? "" : message);
        TrapSink sink = machine.sink;
        if (sink != null) {
            boolean consumed;
            try {
                consumed = sink.onTrap(this, t);
            } catch (GuestOops o) {
                throw o;
            } catch (Throwable e) {
                throw new GuestOops(t, OopsReport.build(this, "trap handler threw " + e + " while handling "
                        + t.name(), t));
            }
            if (consumed) {
                return false;
            }
        }
        // A booted kernel always has an IDT, even an empty one (Linux empties it to triple-fault on purpose)
        if ((Idt.present(cpu) || kernelSlice) && deliverThroughIdt(t, evSoftware, false)) {
            return cpu.io != null && cpu.io.poweredOff;
        }
        throw new GuestOops(t, OopsReport.build(this, null, t));
    }

    /**
     * Architectural delivery through the guest IDT ({@link Idt}). A fault while delivering is
     * handled as SDM Vol. 3 §6.15 Table 6-5 says: after a benign event (INT n, an external
     * interrupt, #DB, #BP, #UD...) it is delivered as itself; contributory after contributory,
     * or contributory/#PF after #PF, becomes #DF; a fault while delivering #DF is a triple fault,
     * which stops the vCPU with an oops (a real CPU would reset).
     */
    private boolean deliverThroughIdt(Trap t, boolean software, boolean external) {
        Cpu c = cpu;
        int v = t.vector();
        if (v < 32) {
            remember(t);
        }
        try {
            Idt.deliver(c, v, Math.max(t.errorCode(), 0), !software && !external && Idt.hasErrorCode(v), software);
            return true;
        } catch (CpuException e) {
            int second = c.evVector;
            if (v == Trap.DF) {
                if (kernelSlice && c.io != null) {
                    // A triple fault resets the processor (SDM Vol. 3 §6.15, interrupt 8): for a
                    // booted kernel that is its reboot (Linux's reboot=t), which ends the run.
                    c.io.resetRequested = true;
                    c.io.poweredOff = true;
                    Trap tf = new Trap(Trap.DF, 0, c.rip, "triple fault");
                    System.getLogger(VcpuImpl.class.getName()).log(System.Logger.Level.WARNING,
                            "the guest reset the machine: " + OopsReport.build(this, "triple fault: "
                                    + Trap.name(second) + " while delivering #DF at " + fmt(c.rip) + "; traps before: "
                                    + recentTraps(), tf));
                    return true;
                }
                Trap tf = new Trap(Trap.DF, 0, c.rip, "triple fault");
                throw new GuestOops(tf, OopsReport.build(this, "triple fault: " + Trap.name(second)
                        + " while delivering #DF at " + fmt(c.rip), tf));
            }
            if (software) {
                c.rip = t.address(); // the fault is reported at the INT instruction (SDM Vol. 3 §6.5)
            }
            boolean first = !software && !external;
            boolean df = first && ((contributory(v) && contributory(second))
                    || (v == Trap.PF && (contributory(second) || second == Trap.PF)));
            int nv = df ? Trap.DF : second;
            int ne = df ? 0 : c.evError;
            machine.countTrap(nv);
            return deliverThroughIdt(new Trap(nv, ne, nv == Trap.PF ? c.evAddr : c.rip, "fault during delivery"),
                    false, false);
        }
    }

    /** The last traps delivered through the IDT (vector, address), newest last, for triple-fault reports. */
    private final long[] recent = new long[16];
    private int recentNext;

    private void remember(Trap t) {
        recent[recentNext] = t.vector();
        recent[recentNext + 1] = cpu.rip;
        recentNext = (recentNext + 2) % recent.length;
    }

    private String recentTraps() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < recent.length; i += 2) {
            int k = (recentNext + i) % recent.length;
            if (recent[k] == 0 && recent[k + 1] == 0) {
                continue;
            }
            sb.append(sb.length() == 0 ? "" : ", ").append(Trap.name((int) recent[k])).append(" at ")
                    .append(fmt(recent[k + 1]));
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }

    /** #DE, #TS, #NP, #SS, #GP (SDM Vol. 3 Table 6-4). */
    private static boolean contributory(int v) {
        return v == Trap.DE || (v >= Trap.TS && v <= Trap.GP);
    }

    private GuestOops haltOops(long rip, String why) {
        return new GuestOops(new Trap(-1, -1, rip, "hlt"), OopsReport.build(this, why + fmt(rip), null));
    }

    private GuestOops budgetOops(long budget) {
        Trap t = new Trap(-1, -1, cpu.rip, "instruction budget exhausted");
        return new GuestOops(t, OopsReport.build(this, "instruction budget of " + budget
                + " instructions exhausted (guest loops forever?) at " + fmt(cpu.rip), null));
    }

    int depth() {
        return depth;
    }

    // ------------------------------------------------------------------ registers view

    private final class Regs implements PtRegs {
        @Override
        public long get(Reg reg) {
            Cpu c = cpu;
            switch (reg) {
                case RIP: return c.rip;
                case RFLAGS: return c.rflags();
                case CS: return c.cs();
                case SS: return c.ss();
                case FS_BASE: return c.fsBase;
                case GS_BASE: return c.gsBase;
                case CR0: return c.cr0;
                case CR2: return c.cr2;
                case CR3: return c.cr3;
                case CR4: return c.cr4;
                default: return c.r[reg.ordinal()];
            }
        }

        @Override
        public void set(Reg reg, long v) {
            Cpu c = cpu;
            switch (reg) {
                case RIP: c.rip = v; break;
                case RFLAGS: c.setRflags(v); break;
                case CS: c.sregs[1] = v & 0xffff; c.cpl = (int) v & 3; c.flushTlb(); break;
                case SS: c.sregs[2] = v & 0xffff; break;
                case FS_BASE: c.fsBase = v; break;
                case GS_BASE: c.gsBase = v; break;
                case CR0: c.cr0 = v; c.flushTlb(); break;
                case CR2: c.cr2 = v; break;
                case CR3: c.cr3 = v; c.flushTlb(); break;
                case CR4: c.cr4 = v; c.flushTlb(); break;
                default: c.r[reg.ordinal()] = v;
            }
        }

        @Override
        public long xmm(int n, boolean high) {
            if (n < 0 || n > 15) {
                throw new IllegalArgumentException("no XMM" + n);
            }
            return cpu.xmm[2 * n + (high ? 1 : 0)];
        }

        @Override
        public long argument(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("argument numbers start at 1: " + n);
            }
            switch (n) {
                case 1: return cpu.r[7];
                case 2: return cpu.r[6];
                case 3: return cpu.r[2];
                case 4: return cpu.r[1];
                case 5: return cpu.r[8];
                case 6: return cpu.r[9];
                default:
                    // at function entry [rsp] is the return address, then argument 7, 8, ...
                    try {
                        return memory.readU64(cpu.r[4] + 8L * (n - 6));
                    } catch (io.kprobelab.machine.MemoryFault e) {
                        throw new IllegalStateException("argument " + n + " not readable: " + e.getMessage(), e);
                    }
            }
        }

        @Override
        public String toString() {
            return OopsReport.registers(cpu);
        }
    }
}
