package io.kprobelab.arch.x86_64.internal;

import io.kprobelab.kprobes.Errno;
import io.kprobelab.kprobes.Generation;
import io.kprobelab.kprobes.KprobeException;
import io.kprobelab.kprobes.spi.ArchKprobes;
import io.kprobelab.kprobes.spi.ArchProbeHandlers;
import io.kprobelab.kprobes.spi.BlacklistRange;
import io.kprobelab.kprobes.spi.KprobesCore;
import io.kprobelab.kprobes.spi.ProbePoint;
import io.kprobelab.kprobes.spi.RetprobeSlot;
import io.kprobelab.machine.GuestMemory;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.MemoryFault;
import io.kprobelab.machine.PtRegs;
import io.kprobelab.machine.Reg;
import io.kprobelab.machine.Symbol;
import io.kprobelab.machine.Trap;
import io.kprobelab.machine.Vcpu;
import io.kprobelab.traps.DieNotifier;
import io.kprobelab.traps.NotifyResult;
import io.kprobelab.x86.Decoder;
import io.kprobelab.x86.Encoder;
import io.kprobelab.x86.Insn;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.osgi.service.component.annotations.Component;

/**
 * The x86-64 kprobes mechanism, after {@code arch/x86_64/kernel/kprobes.c} of June 2005 with the
 * checks of later kernels. It is both the {@link ArchKprobes} the core calls and the die
 * notifier ({@code kprobe_exceptions_notify}) at the head of the chain.
 *
 * <p>Three generations: the seed's (2005), 2.6.13's (the trampoline handler sets RIP, no step
 * there) and 2.6.25's, with the lazy kprobe-booster ({@link Booster}, {@code decideBoost}) and the
 * kretprobe-booster (the trampoline is a host function calling {@code trampolineHandler}).
 *
 * <p>Deliberate differences from commit 73649dab, each a fix later kernels made:
 * <ul>
 * <li>{@code resume_execution} looks at the opcode after every prefix (the decoder's), not only
 *     after a REX byte, so a {@code 66 9c} (pushfw) is fixed up too;</li>
 * <li>the FF group is told apart by ModRM.reg, so indirect {@code call}/{@code jmp} (FF /2../5)
 *     are fixed up (2005 compared the opcode byte itself and relocated RIP wrongly);</li>
 * <li>{@code iret} (CF) is among the instructions whose RIP is already right;</li>
 * <li>a RIP-relative displacement that does not reach from the slot refuses the probe
 *     (EINVAL) instead of BUG();</li>
 * <li>only whole decoded instructions are copied and the address must be an instruction boundary
 *     (EILSEQ), instructions that cannot be stepped out of line are refused;</li>
 * <li>a probe hit while another is handled is counted in {@code nmissed} and stepped without its
 *     handlers in every state but REENTER (73649dab disarmed it for good; 2.6.13 still did from a
 *     post-handler) — the rule {@code test_kprobe_missed} pins;</li>
 * <li>user post-handlers run after {@code resume_execution}, so they see the fixed-up registers
 *     (2005 ran them first, with RIP still in the slot);</li>
 * <li>when the breakpoint vanished under a CPU, RIP is rewound to the probe address.</li>
 * </ul>
 */
@Component(service = {ArchKprobes.class, DieNotifier.class},
        property = DieNotifier.PRIORITY + ":Integer=2147483647")
public final class X86Kprobes implements ArchKprobes, DieNotifier {

    private static final System.Logger LOG = System.getLogger("io.kprobelab.arch.x86_64");

    /** The breakpoint instruction ({@code BREAKPOINT_INSTRUCTION}). */
    static final int INT3 = 0xcc;
    static final int NOP = 0x90;
    static final long TF = PtRegs.FLAG_TF;
    static final long IF = PtRegs.FLAG_IF;
    /** Where slots and the trampoline go when the image gives no text address. */
    private static final long DEFAULT_TEXT = 0xffffffff81000000L;

    private volatile KprobesCore core;
    private Machine machine;
    private Generation generation;
    private InsnSlots slots;
    private KprobeCtlblk[] ctlblk = new KprobeCtlblk[0];
    /** The running generation's trampoline: {@link #nopTrampoline} or {@link #hostTrampoline}. */
    private long trampoline;
    /** 2005 and 2.6.13: a {@code nop} carrying the arch probe {@link #trampolineProbe}. */
    private long nopTrampoline;
    /** 2.6.25 (kretprobe-booster): code that calls {@code trampoline_handler}, a host function. */
    private long hostTrampoline;
    private ProbePoint trampolineProbe;
    private volatile TaskFinder tasks;
    /** 73649dab's function-static {@code orig_ret_addr}: one for the whole machine, as there. */
    private long origRetAddr;

    @Override
    public String name() {
        return "x86_64";
    }

    // ---- arch_init_kprobes ----

    /** {@code arch_init_kprobes}: the trampoline page and its probe, per generation. */
    @Override
    public synchronized void initKprobes(KprobesCore c) throws KprobeException {
        this.machine = c.machine();
        this.generation = c.generation();
        int cpus = machine.vcpus().size();
        ctlblk = new KprobeCtlblk[cpus];
        for (int i = 0; i < cpus; i++) {
            ctlblk[i] = new KprobeCtlblk();
        }
        long near = machine.symbols().lookup("_stext").map(Symbol::address)
                .or(() -> machine.image().map(i -> i.entry())).orElse(DEFAULT_TEXT);
        if (slots == null) {
            slots = new InsnSlots(machine, near);
        }
        tasks = new TaskFinder(machine);
        this.core = c;
        if (textWrites == null) {
            try {
                textWrites = machine.onTextWritten(this::textWritten);
            } catch (UnsupportedOperationException e) {
                textWrites = null; // a machine without hidden patches
            }
        }
        if (generation == Generation.G2_6_25) {
            if (hostTrampoline == 0) {
                hostTrampoline = placeHostTrampoline(near);
            }
            trampoline = hostTrampoline;
            trampolineProbe = null;
        } else {
            if (nopTrampoline == 0) {
                nopTrampoline = placeTrampoline(near);
            }
            trampoline = nopTrampoline;
            trampolineProbe = c.registerArchProbe(trampoline,
                    generation == Generation.G2005 ? new Trampoline2005() : new Trampoline2613());
        }
    }

    /** Slots and trampoline lived in guest memory, which a new image replaced: allocate afresh. */
    @Override
    public synchronized void imageReloaded() {
        slots = null;
        trampoline = 0;
        nopTrampoline = 0;
        hostTrampoline = 0;
        for (KprobeCtlblk c : ctlblk) {
            c.reset();
        }
    }

    /** The machine's text-write listener registration, while initialised. */
    private AutoCloseable textWrites;

    @Override
    public synchronized void exitKprobes() {
        if (textWrites != null) {
            try {
                textWrites.close();
            } catch (Exception e) {
                LOG.log(Level.DEBUG, "closing the text-write listener: " + e);
            }
            textWrites = null;
        }
        KprobesCore c = core;
        if (c != null && trampolineProbe != null) {
            c.unregisterArchProbe(trampolineProbe);
        }
        trampolineProbe = null;
        core = null;
    }

    /**
     * {@code kretprobe_trampoline}: a page of its own holding one {@code nop} (the rest
     * {@code int3}, never reached).
     */
    private long placeTrampoline(long near) throws KprobeException {
        long page;
        try {
            page = machine.allocateKernelText(near, 1);
        } catch (RuntimeException e) {
            throw new KprobeException(Errno.ENOMEM, "no page for the kretprobe trampoline: " + e.getMessage());
        }
        byte[] code = new byte[InsnSlots.PAGE_SIZE];
        java.util.Arrays.fill(code, (byte) INT3);
        code[0] = (byte) NOP;
        poke(machine.memory(), page, code);
        return page;
    }

    /**
     * The kretprobe-booster's {@code kretprobe_trampoline}: where the probed function's
     * {@code ret} lands. In the kernel it is code that saves a {@code pt_regs} frame, calls
     * {@code trampoline_handler} and returns to the address that gives back; here that C
     * function is Java, so the trampoline is a host function: no trap on the way back.
     */
    private long placeHostTrampoline(long near) throws KprobeException {
        try {
            return machine.hostFunction(near, cpu -> trampolineHandler(cpu.regs(), false));
        } catch (RuntimeException e) {
            throw new KprobeException(Errno.ENOMEM, "no page for the kretprobe trampoline: " + e.getMessage());
        }
    }

    /** The trampoline's address (for tests and views). */
    long trampoline() {
        return trampoline;
    }

    // ---- arch_prepare_kprobe and friends ----

    /** {@code arch_prepare_kprobe}: check, copy to a slot, fix RIP-relative, save the opcode. */
    @Override
    public void prepareKprobe(ProbePoint p) throws KprobeException {
        long addr = p.addr();
        GuestMemory mem = machine.memory();
        if (addr != trampoline) {
            checkBoundary(mem, addr);
        }
        long slot = allocateSlot();
        try {
            copyInstruction(mem, p, slot);
        } catch (KprobeException e) {
            slots.free(slot);
            throw e;
        }
    }

    /**
     * The instruction at the probe, decoded from the guest's own bytes (the machine's text
     * patches are hidden from reads), copied into {@code slot} with its RIP-relative operand
     * moved, and the probe's arch data; also after the guest rewrote it ({@link #textWritten}).
     */
    private void copyInstruction(GuestMemory mem, ProbePoint p, long slot) throws KprobeException {
        long addr = p.addr();
        byte[] bytes = recoveredBytes(mem, addr, Decoder.MAX_LENGTH);
        Insn insn = Decoder.decode(bytes, 0, bytes.length, addr);
        if (!insn.isValid()) {
            throw new KprobeException(Errno.EINVAL, describe(addr) + ": cannot decode the instruction there");
        }
        checkSteppable(insn, addr);
        byte[] copy = new byte[InsnSlots.SLOT_SIZE];
        java.util.Arrays.fill(copy, (byte) INT3);
        System.arraycopy(bytes, 0, copy, 0, insn.length());
        if (insn.ripRelative()) {
            // The copy runs at another address: keep the same effective address (SDM Vol. 2 §2.2.1.6).
            long disp = addr + insn.disp() - slot;
            if (disp != (int) disp) {
                throw new KprobeException(Errno.EINVAL, describe(addr)
                        + ": the RIP-relative operand does not reach from the instruction slot");
            }
            int o = insn.dispOffset();
            for (int i = 0; i < 4; i++) {
                copy[o + i] = (byte) (disp >>> (8 * i));
            }
        }
        poke(mem, slot, copy);
        p.setOpcode(bytes[0] & 0xff);
        ArchInsn.Fixup fixup = fixupOf(insn);
        int boost = fixup != ArchInsn.Fixup.GUEST_BREAKPOINT && boosting()
                && Booster.canBoost(insn, hasExceptionFixup(mem, addr)) ? ArchInsn.CANDIDATE : ArchInsn.NEVER;
        p.setArchData(new ArchInsn(insn, slot, fixup, modifiesIf(insn), new AtomicInteger(boost)));
    }

    /** A slot, after freeing the dirty ones no vCPU can be in (checked with every vCPU parked). */
    private long allocateSlot() throws KprobeException {
        if (slots.hasDirty()) {
            machine.stopMachine(() -> slots.collect(this::slotInUse));
        }
        return slots.allocate();
    }

    /** Whether this generation has the kprobe-booster (and the kernel allows it: not preemptible). */
    private boolean boosting() {
        KprobesCore c = core;
        return generation == Generation.G2_6_25 && (c == null || !c.preemptible());
    }

    /**
     * {@code search_exception_tables}: whether the guest's {@code __ex_table} ({@code u64 insn,
     * u64 fixup} pairs, BOOT.md section 2) names {@code addr}. Bare images have none.
     */
    private boolean hasExceptionFixup(GuestMemory mem, long addr) {
        Optional<Symbol> start = machine.symbols().lookup("__start___ex_table");
        Optional<Symbol> stop = machine.symbols().lookup("__stop___ex_table");
        if (start.isEmpty() || stop.isEmpty()) {
            return false;
        }
        try {
            for (long e = start.get().address(); Long.compareUnsigned(e, stop.get().address()) < 0; e += 16) {
                if (mem.readU64(e) == addr) {
                    return true;
                }
            }
        } catch (MemoryFault f) {
            return true; // cannot tell: do not boost
        }
        return false;
    }

    /** {@code can_probe}: decode from the function's start; the address must be where one begins. */
    private void checkBoundary(GuestMemory mem, long addr) throws KprobeException {
        Optional<Symbol> sym = machine.symbols().symbolAt(addr);
        if (sym.isEmpty()) {
            throw new KprobeException(Errno.EILSEQ, describe(addr) + " is not in a known function");
        }
        long a = sym.get().address();
        while (Long.compareUnsigned(a, addr) < 0) {
            byte[] b = recoveredBytes(mem, a, Decoder.MAX_LENGTH);
            Insn i = Decoder.decode(b, 0, b.length, a);
            if (!i.isValid()) {
                throw new KprobeException(Errno.EILSEQ, describe(addr) + " is not an instruction boundary"
                        + " (undecodable bytes at " + describe(a) + ")");
            }
            a += i.length();
        }
        if (a != addr) {
            throw new KprobeException(Errno.EILSEQ, describe(addr) + " is not an instruction boundary");
        }
    }

    /**
     * The guest's bytes at {@code addr} ({@code recover_probed_instruction}: nothing to recover,
     * since the machine's text patches hide our int3s from reads; an int3 read here is the
     * guest's own).
     */
    private byte[] recoveredBytes(GuestMemory mem, long addr, int len) throws KprobeException {
        byte[] b = new byte[len];
        int n = len;
        try {
            mem.read(addr, b, 0, len);
        } catch (MemoryFault e) {
            // The instruction may end before an unmapped page: read what is there.
            n = 0;
            while (n < len) {
                try {
                    b[n] = (byte) mem.readU8(addr + n);
                    n++;
                } catch (MemoryFault f) {
                    break;
                }
            }
            if (n == 0) {
                throw new KprobeException(Errno.EINVAL, describe(addr) + " is not mapped");
            }
            b = java.util.Arrays.copyOf(b, n);
        }
        return b;
    }

    /** Instructions that cannot run out of line under TF, refused as modern kernels do. */
    private void checkSteppable(Insn insn, long addr) throws KprobeException {
        int op = insn.opcode();
        if (insn.encoding() != Insn.ENC_LEGACY) {
            return;
        }
        if (insn.map() == Insn.MAP_ONE_BYTE) {
            switch (op) {
                case 0xcd, 0xce, 0xf1 -> throw new KprobeException(Errno.EOPNOTSUPP,
                        describe(addr) + ": a software interrupt cannot be single-stepped out of line");
                case 0xf4 -> throw new KprobeException(Errno.EOPNOTSUPP,
                        describe(addr) + ": hlt cannot be single-stepped out of line");
                case 0x8e -> {
                    if ((insn.reg() & 7) == 2) {
                        throw new KprobeException(Errno.EINVAL,
                                describe(addr) + ": mov to SS masks the next instruction's exceptions");
                    }
                }
                default -> { }
            }
        } else if (insn.map() == Insn.MAP_0F) {
            switch (op) {
                case 0x05, 0x07, 0x34, 0x35 -> throw new KprobeException(Errno.EOPNOTSUPP,
                        describe(addr) + ": a system call or return cannot be single-stepped out of line");
                case 0x0b -> throw new KprobeException(Errno.EOPNOTSUPP, describe(addr) + " is a ud2 (BUG site)");
                default -> { }
            }
        }
    }

    /** Which fix-up {@code resume_execution} needs (reference section 2.3). */
    static ArchInsn.Fixup fixupOf(Insn insn) {
        if (insn.encoding() != Insn.ENC_LEGACY || insn.map() != Insn.MAP_ONE_BYTE) {
            return ArchInsn.Fixup.RELOCATE_IP;
        }
        return switch (insn.opcode()) {
            case 0xcc -> ArchInsn.Fixup.GUEST_BREAKPOINT;
            case 0x9c -> ArchInsn.Fixup.PUSHF;
            case 0xc2, 0xc3, 0xca, 0xcb, 0xcf -> ArchInsn.Fixup.IP_ALREADY_RIGHT;
            case 0xe8 -> ArchInsn.Fixup.CALL_RELATIVE;
            case 0xff -> switch (insn.reg() & 7) {
                case 2, 3 -> ArchInsn.Fixup.CALL_INDIRECT;
                case 4, 5 -> ArchInsn.Fixup.JMP_INDIRECT;
                default -> ArchInsn.Fixup.RELOCATE_IP;
            };
            default -> ArchInsn.Fixup.RELOCATE_IP;
        };
    }

    /** {@code is_IF_modifier}: cli, sti, popf, iret. */
    static boolean modifiesIf(Insn insn) {
        if (insn.encoding() != Insn.ENC_LEGACY || insn.map() != Insn.MAP_ONE_BYTE) {
            return false;
        }
        int op = insn.opcode();
        return op == 0xfa || op == 0xfb || op == 0x9d || op == 0xcf;
    }

    /**
     * {@code arch_arm_kprobe}: the int3 goes into the machine's hidden text patch, not the guest's
     * bytes (Machine.patchText), watching the whole instruction so a guest rewrite is noticed.
     */
    @Override
    public void armKprobe(ProbePoint p) {
        int watch = p.archData() instanceof ArchInsn ai ? ai.insn().length() : 1;
        try {
            machine.patchText(p.addr(), new byte[] {(byte) INT3}, watch);
        } catch (MemoryFault e) {
            throw new IllegalStateException("cannot plant at 0x" + Long.toHexString(p.addr()) + ": " + e.getMessage(), e);
        }
    }

    /** {@code arch_disarm_kprobe}: the patch goes; the guest's bytes were never changed. */
    @Override
    public void disarmKprobe(ProbePoint p) {
        int watch = p.archData() instanceof ArchInsn ai ? ai.insn().length() : 1;
        try {
            machine.unpatchText(p.addr(), watch);
        } catch (MemoryFault e) {
            throw new IllegalStateException("cannot unplant at 0x" + Long.toHexString(p.addr()) + ": " + e.getMessage(), e);
        }
    }

    /**
     * The guest wrote text under one of our breakpoints (Linux's text_poke for ftrace, jump
     * labels, static calls or its own kprobes): the instruction each probe there steps is read
     * again; a probe whose instruction can no longer be stepped is disabled.
     */
    private void textWritten(Vcpu cpu, long address, int length) {
        KprobesCore c = core;
        if (c == null) {
            return;
        }
        for (long a = address - (Decoder.MAX_LENGTH - 1); Long.compareUnsigned(a, address + length) < 0; a++) {
            ProbePoint p = c.getKprobe(a);
            if (p == null || !(p.archData() instanceof ArchInsn ai) || p == trampolineProbe) {
                continue;
            }
            if (Long.compareUnsigned(address - a, ai.insn().length()) >= 0 && a < address) {
                continue; // ends before the write
            }
            try {
                copyInstruction(cpu.memory(), p, ai.slot());
                LOG.log(Level.DEBUG, "the guest rewrote the probed instruction at " + describe(a) + ": copied again");
            } catch (KprobeException e) {
                LOG.log(Level.WARNING, "the guest rewrote the probed instruction at " + describe(a)
                        + " into one that cannot be probed (" + e.getMessage() + "): probe disabled");
                c.disableFromArch(p, "the guest rewrote the instruction into one that cannot be probed: " + e.getMessage());
            }
        }
    }

    /** {@code arch_remove_kprobe}: the slot is freed dirty. */
    @Override
    public void removeKprobe(ProbePoint p) {
        if (p.archData() instanceof ArchInsn ai) {
            slots.free(ai.slot());
        }
    }

    /**
     * Whether a CPU may still execute in a freed slot: stepping it (its control block says so) or,
     * once boosting, running the copy or its jump back (its RIP is in the slot). Called inside
     * stop-machine, so every vCPU is parked at an instruction boundary.
     */
    private boolean slotInUse(long slot) {
        for (KprobeCtlblk c : ctlblk) {
            ProbePoint cur = c.current;
            if (cur != null && cur.archData() instanceof ArchInsn ai && ai.slot() == slot) {
                return true;
            }
        }
        for (Vcpu v : machine.vcpus()) {
            if (Long.compareUnsigned(v.regs().ip() - slot, InsnSlots.SLOT_SIZE) < 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean withinBlacklist(long addr) {
        return onPage(addr, nopTrampoline) || onPage(addr, hostTrampoline) || (slots != null && slots.contains(addr));
    }

    private static boolean onPage(long addr, long page) {
        return page != 0 && Long.compareUnsigned(addr - page, InsnSlots.PAGE_SIZE) < 0;
    }

    @Override
    public List<BlacklistRange> populateBlacklist() {
        List<BlacklistRange> out = new ArrayList<>();
        for (long t : new long[] {nopTrampoline, hostTrampoline}) {
            if (t != 0) {
                out.add(new BlacklistRange(t, t + InsnSlots.PAGE_SIZE, "kretprobe_trampoline"));
            }
        }
        if (slots != null) {
            out.addAll(slots.ranges());
        }
        return out;
    }

    // ---- kretprobes ----

    /** {@code arch_prepare_kretprobe}: save the return address, put the trampoline's in its place. */
    @Override
    public void prepareKretprobe(RetprobeSlot ri, PtRegs regs) {
        GuestMemory mem = machine.memory();
        long sara = regs.sp();
        try {
            long ret = mem.readU64(sara);
            if (generation == Generation.G2005) {
                // A second kretprobe on the same function finds the trampoline here already;
                // 73649dab keeps the real address from the first in a static.
                if (ret != trampoline) {
                    origRetAddr = ret;
                }
                ri.setRetAddr(origRetAddr);
                ri.setTask(tasks.fromStack(vcpuOf(regs), sara));
            } else {
                ri.setRetAddr(ret);
                ri.setTask(tasks.current(vcpuOf(regs)));
            }
            ri.setStackAddr(sara);
            mem.writeU64(sara, trampoline);
        } catch (MemoryFault e) {
            LOG.log(Level.ERROR, "arch_prepare_kretprobe: stack at 0x" + Long.toHexString(sara) + ": " + e.getMessage());
        }
    }

    /**
     * The first design's trampoline probe: {@code trampoline_probe_handler} runs the handlers of
     * the instances whose saved stack slot is the one {@code ret} just popped; after the
     * trampoline's {@code nop} is stepped, {@code trampoline_post_handler} recycles them and jumps
     * to the real return address.
     */
    private final class Trampoline2005 implements ArchProbeHandlers {
        @Override
        public int pre(ProbePoint p, PtRegs regs) {
            long sara = regs.sp() - 8;
            KprobesCore c = core;
            c.walkKretprobeInstances(tasks.fromStack(vcpuOf(regs), sara), ri -> {
                if (ri.stackAddr() == sara) {
                    c.countReturnTrap(ri, Trap.BP);
                    // Handlers see where the function really returns (kernels since 5.15).
                    regs.setIp(ri.retAddr());
                    c.callKretprobeHandler(ri, regs);
                }
                return true;
            });
            return 0;
        }

        @Override
        public void post(ProbePoint p, PtRegs regs) {
            long sara = regs.sp() - 8;
            KprobesCore c = core;
            c.walkKretprobeInstances(tasks.fromStack(vcpuOf(regs), sara), ri -> {
                if (ri.stackAddr() == sara) {
                    c.countReturnTrap(ri, Trap.DB);
                    regs.setIp(ri.retAddr());
                    c.recycleKretprobeInstance(ri);
                }
                return true;
            });
        }

        @Override
        public boolean hasPost() {
            return true;
        }
    }

    /**
     * The 2.6.13 trampoline: runs the current task's handlers newest first, recycling each, up
     * to the first instance holding a real return address, sets RIP to it and skips the step.
     */
    private final class Trampoline2613 implements ArchProbeHandlers {
        @Override
        public int pre(ProbePoint p, PtRegs regs) {
            return trampolineHandler(regs, true);
        }
    }

    /**
     * {@code trampoline_handler} (2.6.13 on): runs the current task's return handlers newest
     * first, recycling each, up to the first instance holding a real return address, and sets RIP
     * to it. From the trampoline's #BP ({@code trap}: counted against each kretprobe) or, with the
     * kretprobe-booster, called by the trampoline code itself.
     *
     * @return 1: RIP is set, skip the step
     */
    private int trampolineHandler(PtRegs regs, boolean trap) {
        KprobesCore c = core;
        if (c == null) {
            LOG.log(Level.ERROR, "kretprobe trampoline reached with no kprobes core");
            return 0;
        }
        long task = tasks.current(vcpuOf(regs));
        long[] orig = {0};
        // First the real return address, so handlers see it in RIP (kernels since 5.15).
        c.walkKretprobeInstances(task, ri -> {
            if (ri.retAddr() != trampoline) {
                orig[0] = ri.retAddr();
                return false;
            }
            return true;
        });
        if (orig[0] != 0) {
            regs.setIp(orig[0]);
        }
        orig[0] = 0;
        c.walkKretprobeInstances(task, ri -> {
            if (trap) {
                c.countReturnTrap(ri, Trap.BP);
            }
            c.callKretprobeHandler(ri, regs);
            long ra = ri.retAddr();
            c.recycleKretprobeInstance(ri);
            if (ra != trampoline) {
                orig[0] = ra;
                return false;
            }
            return true;
        });
        if (orig[0] == 0) {
            LOG.log(Level.ERROR, "kretprobe BUG!: trampoline reached with no instance in flight");
            return 0;
        }
        regs.setIp(orig[0]);
        return 1;
    }

    // ---- stack traces ----

    /** How far a frame-pointer walk goes before it gives up. */
    private static final int MAX_FRAMES = 64;

    /**
     * A frame-pointer unwinder ({@code arch_stack_walk} over {@code unwind_frame.c}): RIP, then
     * {@code [rbp + 8]} up the RBP chain while it climbs the stack. A return address that is the
     * trampoline is replaced by the real one from the instance that saved it
     * ({@code kretprobe_find_ret_addr}), matched by the stack slot it came from.
     */
    @Override
    public long[] stackTrace(PtRegs regs, int max) {
        GuestMemory mem = machine.memory();
        long[] out = new long[Math.max(0, Math.min(max, MAX_FRAMES))];
        int n = 0;
        if (n < out.length) {
            out[n++] = correctReturn(mem, regs, regs.ip(), regs.sp() - 8);
        }
        long bp = regs.get(Reg.RBP);
        long sp = regs.sp();
        while (n < out.length && Long.compareUnsigned(bp, sp) >= 0 && (bp & 7) == 0) {
            try {
                long ret = mem.readU64(bp + 8);
                long next = mem.readU64(bp);
                if (ret == 0) {
                    break;
                }
                out[n++] = correctReturn(mem, regs, ret, bp + 8);
                if (Long.compareUnsigned(next, bp) <= 0) {
                    break;
                }
                sp = bp;
                bp = next;
            } catch (MemoryFault e) {
                break;
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    private long correctReturn(GuestMemory mem, PtRegs regs, long ret, long slotAddr) {
        KprobesCore c = core;
        if (c == null || Long.compareUnsigned(ret - trampoline, 2) >= 0) {
            return ret;
        }
        long task = generation == Generation.G2005 ? tasks.fromStack(vcpuOf(regs), slotAddr) : tasks.current(vcpuOf(regs));
        long[] found = {ret};
        c.walkKretprobeInstances(task, ri -> {
            if (ri.stackAddr() == slotAddr && ri.retAddr() != trampoline) {
                found[0] = ri.retAddr();
                return false;
            }
            return true;
        });
        return found[0];
    }

    // ---- kprobe_exceptions_notify ----

    @Override
    public NotifyResult notify(Vcpu cpu, Trap trap) {
        if (core == null) {
            return NotifyResult.DONE;
        }
        boolean mine = switch (trap.vector()) {
            case Trap.BP -> kprobeHandler(cpu);
            case Trap.DB -> postKprobeHandler(cpu);
            default -> kprobeFaultHandler(cpu);
        };
        return mine ? NotifyResult.STOP : NotifyResult.DONE;
    }

    /** {@code kprobe_handler}: a #BP; RIP is after the int3. */
    boolean kprobeHandler(Vcpu cpu) {
        PtRegs regs = cpu.regs();
        long addr = regs.ip() - 1;
        KprobeCtlblk c = ctlblk[cpu.id()];
        ProbePoint p = core.getKprobe(addr);
        if (c.running()) {
            if (p == null) {
                return false; // the guest's own int3, hit while a probe is handled
            }
            if (c.status == KprobeStatus.REENTER) {
                LOG.log(Level.ERROR, "Unrecoverable kprobe detected at " + describe(addr));
                return false;
            }
            if (p.archData() instanceof ArchInsn gi && gi.fixup() == ArchInsn.Fixup.GUEST_BREAKPOINT) {
                p.countTrap(Trap.BP);
                p.incMissed();
                return false; // the guest's own int3 under ours: it is the guest's trap
            }
            // reenter_kprobe: count a miss and step it without its handlers.
            p.countTrap(Trap.BP);
            c.savePrevious();
            setCurrent(c, p, regs);
            p.incMissed();
            setupSinglestep(p, regs);
            c.status = KprobeStatus.REENTER;
            return true;
        }
        if (p == null) {
            try {
                byte[] b = new byte[1];
                cpu.memory().fetch(addr, b, 0, 1);
                if ((b[0] & 0xff) != INT3) {
                    // The breakpoint was removed by another CPU: run the original instruction.
                    regs.setIp(addr);
                    return true;
                }
            } catch (MemoryFault e) {
                return false;
            }
            return false;
        }
        p.countTrap(Trap.BP);
        setCurrent(c, p, regs);
        if (p.runPreHandlers(regs) != 0) {
            c.reset(); // the handler changed RIP itself
            return true;
        }
        if (p.archData() instanceof ArchInsn gi && gi.fixup() == ArchInsn.Fixup.GUEST_BREAKPOINT) {
            c.reset();
            return false; // the guest's int3 under ours: the #BP goes on to the guest's own handler
        }
        if (p.archData() instanceof ArchInsn ai && ai.boostable().get() == ArchInsn.BOOSTED
                && !p.hasPostHandler() && boosting()) {
            // Boosted: the copy runs and jumps back by itself; no step, no #DB.
            c.reset();
            regs.setIp(ai.slot());
            return true;
        }
        setupSinglestep(p, regs);
        c.status = KprobeStatus.HIT_SS;
        return true;
    }

    private static void setCurrent(KprobeCtlblk c, ProbePoint p, PtRegs regs) {
        c.current = p;
        c.status = KprobeStatus.HIT_ACTIVE;
        c.oldFlags = regs.flags() & (TF | IF);
        c.savedFlags = c.oldFlags;
        if (p.archData() instanceof ArchInsn ai && ai.modifiesIf()) {
            c.savedFlags &= ~IF;
        }
    }

    /** {@code prepare_singlestep}: TF on, IF off, RIP to the copy. */
    private static void setupSinglestep(ProbePoint p, PtRegs regs) {
        regs.set(Reg.RFLAGS, (regs.flags() | TF) & ~IF);
        regs.setIp(((ArchInsn) p.archData()).slot());
    }

    /** {@code post_kprobe_handler}: the #DB after the copied instruction. */
    boolean postKprobeHandler(Vcpu cpu) {
        KprobeCtlblk c = ctlblk[cpu.id()];
        if (!c.running()) {
            return false;
        }
        PtRegs regs = cpu.regs();
        ProbePoint p = c.current;
        p.countTrap(Trap.DB);
        boolean trampolineStep = p == trampolineProbe && generation == Generation.G2005;
        if (!trampolineStep) {
            long stepped = regs.ip();
            resumeExecution(cpu.memory(), p, regs, c);
            if (c.status != KprobeStatus.REENTER && boosting()) {
                decideBoost(cpu.memory(), p, stepped);
            }
        }
        regs.set(Reg.RFLAGS, (regs.flags() & ~TF) | c.savedFlags);
        if (c.status == KprobeStatus.REENTER) {
            c.restorePrevious();
            return true;
        }
        if (p.hasPostHandler()) {
            c.status = KprobeStatus.HIT_SSDONE;
            p.runPostHandlers(regs);
        }
        c.reset();
        // The guest itself was single-stepping: let its debug handler see this trap too.
        return (regs.flags() & TF) == 0;
    }

    /** {@code resume_execution}: move RIP back from the copy and fix what the copy got wrong. */
    private static void resumeExecution(GuestMemory mem, ProbePoint p, PtRegs regs, KprobeCtlblk c) {
        ArchInsn ai = (ArchInsn) p.archData();
        long orig = p.addr();
        long copy = ai.slot();
        long tos = regs.sp();
        try {
            switch (ai.fixup()) {
                case PUSHF -> {
                    // The image must show what the program would have pushed, not TF/IF of the step.
                    int size = ai.insn().operandSize() / 8;
                    byte[] img = mem.read(tos, size);
                    long v = 0;
                    for (int i = size - 1; i >= 0; i--) {
                        v = (v << 8) | (img[i] & 0xff);
                    }
                    v = (v & ~(TF | IF)) | c.oldFlags;
                    for (int i = 0; i < size; i++) {
                        img[i] = (byte) (v >>> (8 * i));
                    }
                    mem.write(tos, img, 0, size);
                    relocate(regs, orig, copy);
                }
                case IP_ALREADY_RIGHT, JMP_INDIRECT -> { }
                case CALL_RELATIVE -> {
                    mem.writeU64(tos, orig + (mem.readU64(tos) - copy));
                    relocate(regs, orig, copy);
                }
                case CALL_INDIRECT -> mem.writeU64(tos, orig + (mem.readU64(tos) - copy));
                case RELOCATE_IP -> relocate(regs, orig, copy);
            }
        } catch (MemoryFault e) {
            LOG.log(Level.ERROR, "resume_execution at 0x" + Long.toHexString(orig) + ": " + e.getMessage());
        }
    }

    /**
     * The lazy booster's decision after a candidate's first step ({@code resume_execution}, x86
     * 2.6.25): ret/iret/far jmp and indirect jmp leave the copy by themselves and are boosted as
     * they are; an instruction that fell through to the end of its copy gets a {@code jmp rel32}
     * back to the original stream right after it, when the slot has room for it; anything else is
     * never boosted.
     */
    private void decideBoost(GuestMemory mem, ProbePoint p, long stepped) {
        ArchInsn ai = (ArchInsn) p.archData();
        switch (ai.fixup()) {
            case IP_ALREADY_RIGHT, JMP_INDIRECT -> ai.boostable().set(ArchInsn.BOOSTED);
            case RELOCATE_IP, PUSHF -> {
                if (ai.boostable().get() != ArchInsn.CANDIDATE) {
                    return;
                }
                long copy = ai.slot();
                if (Long.compareUnsigned(stepped, copy) > 0 && stepped - copy + 5 < InsnSlots.SLOT_SIZE) {
                    poke(mem, stepped, Encoder.jmpRel32(stepped, p.addr() + (stepped - copy)));
                    ai.boostable().set(ArchInsn.BOOSTED);
                } else {
                    ai.boostable().set(ArchInsn.NEVER);
                }
            }
            default -> ai.boostable().set(ArchInsn.NEVER);
        }
    }

    private static void relocate(PtRegs regs, long orig, long copy) {
        regs.setIp(orig + (regs.ip() - copy));
    }

    /**
     * {@code kprobe_fault_handler}: a fault while stepping the copy. Put RIP back on the probed
     * instruction and restore the flags, so the fault is handled as if it happened there
     * (exception-table fix-ups find it); the trap is then delivered as usual.
     */
    boolean kprobeFaultHandler(Vcpu cpu) {
        KprobeCtlblk c = ctlblk[cpu.id()];
        if (!c.running() || (c.status != KprobeStatus.HIT_SS && c.status != KprobeStatus.REENTER)) {
            return false;
        }
        PtRegs regs = cpu.regs();
        regs.setIp(c.current.addr());
        regs.set(Reg.RFLAGS, (regs.flags() & ~TF) | c.oldFlags);
        if (c.status == KprobeStatus.REENTER) {
            c.restorePrevious();
        } else {
            c.reset();
        }
        return false;
    }

    // ---- helpers ----

    /** The vCPU these registers are the live view of (the machine hands each vCPU's own to the handlers); else the boot CPU. */
    private Vcpu vcpuOf(PtRegs regs) {
        List<Vcpu> all = machine.vcpus();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).regs() == regs) {
                return all.get(i);
            }
        }
        return all.get(0);
    }

    private String describe(long addr) {
        return machine.symbols().format(addr);
    }

    private static void poke(GuestMemory mem, long addr, byte[] bytes) {
        try {
            mem.poke(addr, bytes, 0, bytes.length);
        } catch (MemoryFault e) {
            throw new IllegalStateException("cannot write guest text at 0x" + Long.toHexString(addr) + ": " + e.getMessage(), e);
        }
    }
}
