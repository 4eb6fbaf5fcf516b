package io.kprobelab.machine.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The architectural state of one x86-64 vCPU and its hot paths: register file, lazily
 * computed arithmetic flags, the software TLB and guest-virtual memory accesses, and the
 * block-cache lookup. Execution control (traps, stop requests) is in {@link Interpreter}.
 */
final class Cpu {

    static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    // RFLAGS bits (SDM Vol. 1 §3.4.3)
    static final long CF = 1, PF = 4, AF = 0x10, ZF = 0x40, SF = 0x80, TF = 0x100, IF = 0x200, DF = 0x400,
            OF = 0x800, ARITH = CF | PF | AF | ZF | SF | OF;
    /** Bits popf/iret may change in ring 0 (no IOPL/NT/RF/VM/AC/VIF/VIP handling beyond storing). */
    static final long WRITABLE = ARITH | TF | IF | DF | 0x3000L | 0x4000L | 0x40000L | 0x200000L;

    // Lazy flag producers
    static final int L_NONE = 0, L_ADD = 1, L_ADC = 2, L_SUB = 3, L_SBB = 4, L_LOGIC = 5, L_INC = 6, L_DEC = 7,
            L_RES = 8;

    final long[] r = new long[16];
    long rip;
    /** RFLAGS; the ARITH bits are only current when {@link #lzOp} is {@link #L_NONE}. */
    long flags = 2;
    int lzOp = L_NONE;
    int lzSize = 8;
    long lzA, lzB, lzR, lzC;

    // CR0 and CR4 bits the SSE availability check reads (SDM Vol. 3A §2.5, Table 13-1)
    static final long CR0_EM = 4, CR0_TS = 8, CR0_NE = 0x20, CR4_OSFXSR = 0x200, CR4_OSXMMEXCPT = 0x400;
    /** CR4 of bare mode: PAE, and SSE enabled as Linux enables it (OSFXSR|OSXMMEXCPT), so bare ELFs may use SSE. */
    static final long CR4_BARE = 0x20 | CR4_OSFXSR | CR4_OSXMMEXCPT;

    long cr0 = 0x80010033L, cr2, cr3, cr4 = CR4_BARE; // PG|WP|NE|ET|MP|PE
    long efer = 0xd01; // LMA|LME|NXE|SCE
    int cpl;
    long fsBase, gsBase, kernelGsBase;
    long idtBase, idtLimit, gdtBase, gdtLimit, tr;
    /** Segment selectors ES CS SS DS FS GS as last loaded (bases are 0 in 64-bit mode, FS/GS from MSRs). */
    final long[] sregs = new long[6];
    /** Model-specific registers without a dedicated field. */
    final java.util.HashMap<Integer, Long> msrs = new java.util.HashMap<>();

    /**
     * XMM0-15 (SDM Vol. 1 §10.2.2): register n is {@code xmm[2n]} (bits 63:0) and
     * {@code xmm[2n + 1]} (bits 127:64), so ops work on quadwords without allocating.
     */
    final long[] xmm = new long[32];
    /** MXCSR (SDM Vol. 1 §10.2.3); its power-up value masks every SIMD floating-point exception. */
    int mxcsr = MXCSR_RESET;
    static final int MXCSR_RESET = 0x1f80;
    /**
     * The MXCSR bits LDMXCSR may set (FXSAVE's MXCSR_MASK): all of 15:0, DAZ included. AMD CPUs
     * with misaligned-SSE mode also take bit 17 (MM); it is not emulated, so here it is reserved.
     */
    static final int MXCSR_MASK = 0xffff;

    /** x87 state (SDM Vol. 1 §8.1): control, status, abridged tag word, last opcode and pointers. */
    int fcw = 0x37f, fsw, ftw, fop;
    long fip, fdp;
    /**
     * The eight x87 data registers R0-R7 by physical number, 80-bit images of 10 bytes each: ST(i)
     * is R((TOP + i) mod 8), TOP being FSW bits 13:11 (SDM Vol. 1 §8.1.2). Saved and restored,
     * never computed on.
     */
    final byte[] x87regs = new byte[80];
    /** DR0-DR7 (DR4/DR5 unused: they alias DR6/DR7). */
    final long[] dr = {0, 0, 0, 0, 0, 0, 0xffff0ff0L, 0x400};
    /** LDTR selector (always null: the machine runs no code that needs an LDT). */
    long ldtr;
    /** IA32_TSC_AUX (RDTSCP's ECX) and the offset a write to IA32_TIME_STAMP_COUNTER set. */
    long tscAux, tscOffset;
    /** CPUID results (EAX EBX ECX EDX), reused. */
    final long[] cpuidOut = new long[4];

    /** Instructions retired (virtual time). */
    long retired;

    /**
     * The run loop stops at a block boundary once {@link #retired} reaches this: the budget, the
     * next timer expiry, or 0 when an op made an interrupt deliverable (STI, IRET, EOI...).
     */
    long runLimit = Long.MAX_VALUE;
    /** Retired count right after an STI that set IF: no interrupt before one more instruction (SDM Vol. 3 §6.8.3). */
    long stiShadow = -1;
    /** HLT with IF=1: idle until an interrupt is delivered. */
    boolean halted;
    /** No timer expires while set (a host call into the guest does not move the guest's timeline). */
    boolean timeFrozen;
    /** The local x2APIC (timer, EOI) of this vCPU. */
    final Apic apic = new Apic();
    /** Port I/O devices (shared by the machine); null ports read as all ones and ignore writes. */
    IoPorts io;

    final PhysMemory phys;
    final byte[] mem;
    final int id;

    // Software TLB: direct mapped, one per access kind; tag = virtual page number, base = physical page address.
    // Two sets, one per privilege level (entries are filled with that level's U/S check), so a
    // ring transition (syscall, interrupt, sysret, iretq) swaps sets instead of flushing.
    static final int TLB_BITS = 9, TLB_SIZE = 1 << TLB_BITS, TLB_MASK = TLB_SIZE - 1;
    private final long[] kR = new long[TLB_SIZE], kW = new long[TLB_SIZE], kX = new long[TLB_SIZE];
    private final long[] uR = new long[TLB_SIZE], uW = new long[TLB_SIZE], uX = new long[TLB_SIZE];
    private final int[] kRB = new int[TLB_SIZE], kWB = new int[TLB_SIZE], kXB = new int[TLB_SIZE];
    private final int[] uRB = new int[TLB_SIZE], uWB = new int[TLB_SIZE], uXB = new int[TLB_SIZE];
    /** The set of the current privilege level. */
    long[] rTag = kR, wTag = kW, xTag = kX;
    int[] rBase = kRB, wBase = kWB, xBase = kXB;
    /**
     * Translation epoch of the current privilege level, bumped on every TLB flush: cached blocks
     * re-validate their translation (each level has its own, so a block looked up in ring 0 is
     * re-checked with ring 3's rights before ring 3 runs it).
     */
    int epoch;
    private int kEpoch, uEpoch, epochs;

    // Block cache keyed by virtual RIP.
    static final int BC_SIZE = 1 << 14;
    final Block[] bcache = new Block[BC_SIZE];

    // Pending event, filled before throwing {@link #exc}.
    static final int EV_FAULT = 0, EV_TRAP = 1, EV_HALT = 2, EV_STOP = 3, EV_POWEROFF = 4;
    int evKind, evVector, evError;
    long evAddr;
    String evMessage;
    final CpuException exc = new CpuException();

    /** The 128-bit source of the SSE op being executed ({@link SseOp#source}). */
    long srcLo, srcHi;
    /** SIMD floating-point exceptions the executing SSE op detected so far, in MXCSR's bits 5:0 ({@link SseFp}). */
    int fpx;

    /** The vCPU this is the state of (what host functions are given). */
    io.kprobelab.machine.Vcpu vcpu;

    Cpu(PhysMemory phys, int id) {
        this.phys = phys;
        this.mem = phys.mem;
        this.id = id;
        flushTlb();
    }

    /** Power-up state of the processor extensions a new image must not inherit (SDM Vol. 3 Table 10-1). */
    void resetExtendedState() {
        FpuOps.init(this);
        java.util.Arrays.fill(x87regs, (byte) 0);
        java.util.Arrays.fill(dr, 0);
        dr[6] = 0xffff0ff0L;
        dr[7] = 0x400;
        ldtr = 0;
        tscAux = 0;
        tscOffset = 0;
        msrs.clear();
        timeFrozen = false;
        apic.reset(id);
    }

    // ---------------------------------------------------------------- registers

    long getReg(int size, int reg) {
        switch (size) {
            case 1:
                return reg >= 16 ? (r[reg - 16] >>> 8) & 0xff : r[reg] & 0xff;
            case 2:
                return r[reg] & 0xffff;
            case 4:
                return r[reg] & 0xffffffffL;
            default:
                return r[reg];
        }
    }

    void setReg(int size, int reg, long v) {
        switch (size) {
            case 1:
                if (reg >= 16) {
                    r[reg - 16] = (r[reg - 16] & ~0xff00L) | ((v & 0xff) << 8);
                } else {
                    r[reg] = (r[reg] & ~0xffL) | (v & 0xff);
                }
                break;
            case 2:
                r[reg] = (r[reg] & ~0xffffL) | (v & 0xffff);
                break;
            case 4:
                r[reg] = v & 0xffffffffL;
                break;
            default:
                r[reg] = v;
        }
    }

    static long mask(int size) {
        return size == 8 ? -1L : (1L << (size << 3)) - 1;
    }

    static long sext(int size, long v) {
        switch (size) {
            case 1: return (byte) v;
            case 2: return (short) v;
            case 4: return (int) v;
            default: return v;
        }
    }

    static boolean signOf(int size, long v) {
        return ((v >>> ((size << 3) - 1)) & 1) != 0;
    }

    // ---------------------------------------------------------------- flags

    void lazy(int op, int size, long a, long b, long res) {
        lzOp = op;
        lzSize = size;
        lzA = a;
        lzB = b;
        lzR = res;
    }

    /** Result-based flags (ZF/SF/PF from res) with explicit CF, OF and AF bits in {@code cfOfAf}. */
    void lazyRes(int size, long res, long cfOfAf) {
        lzOp = L_RES;
        lzSize = size;
        lzR = res;
        lzC = cfOfAf;
    }

    static long parity(long res) {
        return (Long.bitCount(res & 0xff) & 1) == 0 ? PF : 0;
    }

    long getCF() {
        int s = lzSize;
        switch (lzOp) {
            case L_NONE: return flags & CF;
            case L_ADD: { long m = mask(s); return Long.compareUnsigned(lzR & m, lzA & m) < 0 ? 1 : 0; }
            case L_ADC: { long m = mask(s); int c = Long.compareUnsigned(lzR & m, lzA & m);
                return (lzC != 0 ? c <= 0 : c < 0) ? 1 : 0; }
            case L_SUB: { long m = mask(s); return Long.compareUnsigned(lzA & m, lzB & m) < 0 ? 1 : 0; }
            case L_SBB: { long m = mask(s); int c = Long.compareUnsigned(lzA & m, lzB & m);
                return (lzC != 0 ? c <= 0 : c < 0) ? 1 : 0; }
            case L_LOGIC: return 0;
            case L_INC: case L_DEC: return lzC & CF;
            default: return lzC & CF;
        }
    }

    private long getOF() {
        int s = lzSize;
        switch (lzOp) {
            case L_NONE: return flags & OF;
            case L_ADD: case L_ADC: case L_INC:
                return signOf(s, (lzA ^ lzR) & (lzB ^ lzR)) ? OF : 0;
            case L_SUB: case L_SBB: case L_DEC:
                return signOf(s, (lzA ^ lzB) & (lzA ^ lzR)) ? OF : 0;
            case L_LOGIC: return 0;
            default: return lzC & OF;
        }
    }

    /** The six arithmetic flags, materialised. */
    long arith() {
        if (lzOp == L_NONE) {
            return flags & ARITH;
        }
        long res = lzR;
        int s = lzSize;
        long f = getCF() | getOF() | parity(res);
        if ((res & mask(s)) == 0) {
            f |= ZF;
        }
        if (signOf(s, res)) {
            f |= SF;
        }
        switch (lzOp) {
            case L_LOGIC: break;
            case L_RES: f |= lzC & AF; break;
            default: f |= (lzA ^ lzB ^ res) & AF;
        }
        return f;
    }

    /** Full RFLAGS; materialises the lazy flags. */
    long rflags() {
        if (lzOp != L_NONE) {
            flags = (flags & ~ARITH) | arith();
            lzOp = L_NONE;
        }
        return flags;
    }

    void setRflags(long v) {
        flags = (v & (WRITABLE | 0x3f7fd5L)) | 2;
        lzOp = L_NONE;
    }

    /** Replaces some arithmetic flags, keeping the others. */
    void setArith(long which, long values) {
        long f = rflags();
        flags = (f & ~which) | (values & which);
    }

    /** Evaluates condition code {@code cc} (SDM Vol. 1 App. B). */
    boolean cond(int cc) {
        boolean v;
        if (lzOp == L_SUB) {
            int s = lzSize;
            long m = mask(s);
            long a = lzA & m, b = lzB & m;
            switch (cc >> 1) {
                case 1: v = Long.compareUnsigned(a, b) < 0; break;
                case 2: v = a == b; break;
                case 3: v = Long.compareUnsigned(a, b) <= 0; break;
                case 6: v = sext(s, a) < sext(s, b); break;
                case 7: v = sext(s, a) <= sext(s, b); break;
                default: v = condSlow(cc >> 1);
            }
        } else {
            v = condSlow(cc >> 1);
        }
        return v != ((cc & 1) != 0);
    }

    private boolean condSlow(int c) {
        switch (c) {
            case 0: return getOF() != 0;
            case 1: return getCF() != 0;
            case 2: return zf();
            case 3: return getCF() != 0 || zf();
            case 4: return sf();
            case 5: return (arith() & PF) != 0;
            case 6: return sf() != (getOF() != 0);
            default: return zf() || sf() != (getOF() != 0);
        }
    }

    private boolean zf() {
        return lzOp == L_NONE ? (flags & ZF) != 0 : (lzR & mask(lzSize)) == 0;
    }

    private boolean sf() {
        return lzOp == L_NONE ? (flags & SF) != 0 : signOf(lzSize, lzR);
    }

    // ---------------------------------------------------------------- events

    CpuException fault(int vector, int error, long addr) {
        evKind = EV_FAULT;
        evVector = vector;
        evError = error;
        evAddr = addr;
        evMessage = null;
        return exc;
    }

    CpuException gp(int error) {
        return fault(13, error, 0);
    }

    CpuException event(int kind, int vector) {
        evKind = kind;
        evVector = vector;
        evError = -1;
        evAddr = 0;
        evMessage = null;
        return exc;
    }

    /** IF went from 0 to 1 (or an EOI unmasked the APIC): stop at the end of this block if an interrupt waits. */
    void interruptWindow() {
        runLimit = 0;
    }

    /**
     * True once a kernel was booted with real descriptor tables: CS/SS are the selectors last
     * loaded. In bare mode they are the flat selectors of the CPL (0x10/0x18, 0x33/0x2b).
     */
    boolean segmentsLive;

    long cs() {
        return segmentsLive ? sregs[1] : cpl == 3 ? 0x33 : 0x10;
    }

    long ss() {
        return segmentsLive ? sregs[2] : cpl == 3 ? 0x2b : 0x18;
    }

    /** Changes the privilege level, switching to that level's TLB set and block epoch. */
    void setCpl(int newCpl) {
        if (newCpl != cpl) {
            cpl = newCpl;
            selectTlb();
        }
    }

    private void selectTlb() {
        if (cpl == 3) {
            rTag = uR; wTag = uW; xTag = uX; rBase = uRB; wBase = uWB; xBase = uXB; epoch = uEpoch;
        } else {
            rTag = kR; wTag = kW; xTag = kX; rBase = kRB; wBase = kWB; xBase = kXB; epoch = kEpoch;
        }
    }

    // ---------------------------------------------------------------- TLB and memory

    /** Flushes both TLB sets (CR3/CR0/CR4/EFER writes, loads); also selects the set of the current CPL. */
    void flushTlb() {
        for (long[] t : new long[][] {kR, kW, kX, uR, uW, uX}) {
            java.util.Arrays.fill(t, -1L);
        }
        newEpochs();
    }

    private void newEpochs() {
        kEpoch = ++epochs;
        uEpoch = ++epochs;
        selectTlb();
    }

    /** INVLPG: drops the page from both sets. */
    void flushTlbPage(long va) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        for (long[] t : new long[][] {kR, kW, kX, uR, uW, uX}) {
            if (t[i] == vpn) {
                t[i] = -1;
            }
        }
        newEpochs();
    }

    /** Forgets write translations to a physical page that now holds decoded code. */
    void dropWritable(long ppn) {
        int base = (int) (ppn << 12);
        for (int i = 0; i < TLB_SIZE; i++) {
            if (kW[i] != -1 && kWB[i] == base) {
                kW[i] = -1;
            }
            if (uW[i] != -1 && uWB[i] == base) {
                uW[i] = -1;
            }
        }
    }

    static final int ACC_READ = 0, ACC_WRITE = 1, ACC_FETCH = 2;

    /**
     * Translates through the page tables and fills the TLB; returns the physical address, or -1
     * for memory-mapped I/O ({@link #mmioPa} holds the address; such pages never enter the TLB, so
     * every access to them comes here).
     */
    int translate(long va, int acc) {
        long pa = Mmu.walk(this, va, acc, cpl == 3);
        if (pa >= mem.length) {
            if (acc == ACC_FETCH) {
                cr2 = va;
                // no instructions are fetched from device memory: a reserved-bit fault (P, RSVD, I/D, U/S)
                throw fault(14, 1 | 8 | 16 | (cpl == 3 ? 4 : 0), va);
            }
            mmioPa = pa;
            return -1;
        }
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        int base = (int) (pa & ~0xfffL);
        switch (acc) {
            case ACC_READ: rTag[i] = vpn; rBase[i] = base; break;
            case ACC_WRITE:
                if (phys.code[(int) (pa >>> 12)] != null) {
                    phys.invalidate(pa >>> 12);
                }
                if (phys.patches[(int) (pa >>> 12)] != null) {
                    return (int) pa; // never cached: every write to patched text is seen (guestWroteText)
                }
                wTag[i] = vpn;
                wBase[i] = base;
                break;
            default: xTag[i] = vpn; xBase[i] = base;
        }
        return (int) pa;
    }

    /** Physical address of the memory-mapped I/O access {@link #translate} returned -1 for. */
    long mmioPa;

    /** A read of {@code size} bytes at physical {@code pa} past the end of RAM: the local APIC, else an unbacked bus (all ones). */
    long mmioRead(long pa, int size) {
        long base = apic.mmioBase();
        if (base >= 0 && pa >= base && pa < base + 4096) {
            int off = (int) (pa - base);
            long v = apic.readRegister(off & ~0xf, retiredNow()) & 0xffffffffL;
            v >>>= 8 * (off & 3);
            return size == 8 ? v : v & mask(size);
        }
        return mask(size);
    }

    void mmioWrite(long pa, int size, long v) {
        long base = apic.mmioBase();
        if (base >= 0 && pa >= base && pa < base + 4096) {
            int off = (int) (pa - base);
            if ((off & 0xf) == 0 && size >= 4) { // the APIC takes aligned 32-bit writes (SDM Vol. 3 §11.4.1)
                apic.writeRegister(this, off, (int) v, retiredNow());
            }
        }
        // writes to unbacked addresses are dropped
    }

    /**
     * Virtual time for a device access from inside a block: the block's start (ops do not track
     * their index in the hot loop). Deterministic; at most a block (64 instructions) early.
     */
    private long retiredNow() {
        return retired;
    }

    int xlateRead(long va) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        return rTag[i] == vpn ? rBase[i] + ((int) va & 0xfff) : translate(va, ACC_READ);
    }

    int xlateWrite(long va) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        return wTag[i] == vpn ? wBase[i] + ((int) va & 0xfff) : translate(va, ACC_WRITE);
    }

    int xlateFetch(long va) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        return xTag[i] == vpn ? xBase[i] + ((int) va & 0xfff) : translate(va, ACC_FETCH);
    }

    long rd8(long va) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        if (rTag[i] == vpn) {
            return mem[rBase[i] + ((int) va & 0xfff)] & 0xff;
        }
        int pa = translate(va, ACC_READ);
        return pa >= 0 ? mem[pa] & 0xff : mmioRead(mmioPa, 1);
    }

    long rd16(long va) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        int off = (int) va & 0xfff;
        if (rTag[i] == vpn && off <= 0xffe) {
            return (short) I16.get(mem, rBase[i] + off) & 0xffffL;
        }
        return rdSlow(va, 2);
    }

    long rd32(long va) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        int off = (int) va & 0xfff;
        if (rTag[i] == vpn && off <= 0xffc) {
            return (int) I32.get(mem, rBase[i] + off) & 0xffffffffL;
        }
        return rdSlow(va, 4);
    }

    long rd64(long va) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        int off = (int) va & 0xfff;
        if (rTag[i] == vpn && off <= 0xff8) {
            return (long) I64.get(mem, rBase[i] + off);
        }
        return rdSlow(va, 8);
    }

    long rd(int size, long va) {
        switch (size) {
            case 1: return rd8(va);
            case 2: return rd16(va);
            case 4: return rd32(va);
            default: return rd64(va);
        }
    }

    private long rdSlow(long va, int size) {
        int off = (int) va & 0xfff;
        if (off + size <= 4096) {
            int pa = translate(va, ACC_READ);
            if (pa < 0) {
                return mmioRead(mmioPa, size);
            }
            switch (size) {
                case 2: return (short) I16.get(mem, pa) & 0xffffL;
                case 4: return (int) I32.get(mem, pa) & 0xffffffffL;
                default: return (long) I64.get(mem, pa);
            }
        }
        // Crosses a page: translate both pages before reading (either may fault).
        int first = 4096 - off;
        int pa1 = translate(va, ACC_READ);
        long mmio1 = mmioPa;
        int pa2 = translate(va + first, ACC_READ);
        long mmio2 = mmioPa;
        long v = 0;
        for (int k = size - 1; k >= 0; k--) {
            long b;
            if (k < first) {
                b = pa1 >= 0 ? mem[pa1 + k] & 0xff : mmioRead(mmio1 + k, 1);
            } else {
                b = pa2 >= 0 ? mem[pa2 + k - first] & 0xff : mmioRead(mmio2 + k - first, 1);
            }
            v = (v << 8) | b;
        }
        return v;
    }

    void wr8(long va, long v) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        if (wTag[i] == vpn) {
            mem[wBase[i] + ((int) va & 0xfff)] = (byte) v;
            return;
        }
        int pa = translate(va, ACC_WRITE);
        if (pa >= 0) {
            mem[pa] = (byte) v;
            wroteText(pa, 1);
        } else {
            mmioWrite(mmioPa, 1, v);
        }
    }

    /** After a slow-path write: a page with hidden text patches learns of it (PhysMemory.guestWroteText). */
    private void wroteText(int pa, int size) {
        if (phys.patches[pa >>> 12] != null && phys.guestWroteText(pa, size)) {
            runLimit = 0; // report it at the next boundary, before code from the page runs again
        }
    }

    void wr16(long va, long v) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        int off = (int) va & 0xfff;
        if (wTag[i] == vpn && off <= 0xffe) {
            I16.set(mem, wBase[i] + off, (short) v);
            return;
        }
        wrSlow(va, 2, v);
    }

    void wr32(long va, long v) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        int off = (int) va & 0xfff;
        if (wTag[i] == vpn && off <= 0xffc) {
            I32.set(mem, wBase[i] + off, (int) v);
            return;
        }
        wrSlow(va, 4, v);
    }

    void wr64(long va, long v) {
        long vpn = va >>> 12;
        int i = (int) vpn & TLB_MASK;
        int off = (int) va & 0xfff;
        if (wTag[i] == vpn && off <= 0xff8) {
            I64.set(mem, wBase[i] + off, v);
            return;
        }
        wrSlow(va, 8, v);
    }

    void wr(int size, long va, long v) {
        switch (size) {
            case 1: wr8(va, v); break;
            case 2: wr16(va, v); break;
            case 4: wr32(va, v); break;
            default: wr64(va, v);
        }
    }

    private void wrSlow(long va, int size, long v) {
        int off = (int) va & 0xfff;
        if (off + size <= 4096) {
            int pa = translate(va, ACC_WRITE);
            if (pa < 0) {
                mmioWrite(mmioPa, size, v);
                return;
            }
            switch (size) {
                case 2: I16.set(mem, pa, (short) v); break;
                case 4: I32.set(mem, pa, (int) v); break;
                default: I64.set(mem, pa, v);
            }
            wroteText(pa, size);
            return;
        }
        int first = 4096 - off;
        int pa1 = translate(va, ACC_WRITE);
        long mmio1 = mmioPa;
        int pa2 = translate(va + first, ACC_WRITE);
        long mmio2 = mmioPa;
        for (int k = 0; k < size; k++) {
            byte b = (byte) (v >>> (k << 3));
            if (k < first) {
                if (pa1 >= 0) {
                    mem[pa1 + k] = b;
                    wroteText(pa1 + k, 1);
                } else {
                    mmioWrite(mmio1 + k, 1, b);
                }
            } else if (pa2 >= 0) {
                mem[pa2 + k - first] = b;
                wroteText(pa2 + k - first, 1);
            } else {
                mmioWrite(mmio2 + k - first, 1, b);
            }
        }
    }

    /**
     * Writes 16 bytes; when they cross a page both pages are translated first, so a page fault
     * on the second leaves the first unwritten (the store is all or nothing).
     */
    void wr128(long va, long lo, long hi) {
        if ((va & 0xfff) > 0xff0) {
            probeWrite(va, 16);
        }
        wr64(va, lo);
        wr64(va + 8, hi);
    }

    /**
     * Checks that {@code size} bytes at {@code va} are writable without writing (for ops that must
     * not fault late). A fault on the second page reports its first byte in CR2, as the hardware
     * does for an access that crosses into it.
     */
    void probeWrite(long va, int size) {
        xlateWrite(va);
        if (((va & 0xfff) + size) > 4096) {
            xlateWrite((va + size - 1) & ~0xfffL);
        }
    }

    // ---------------------------------------------------------------- stack

    void push64(long v) {
        long sp = r[4] - 8;
        wr64(sp, v);
        r[4] = sp;
    }

    long pop64() {
        long v = rd64(r[4]);
        r[4] += 8;
        return v;
    }

    // ---------------------------------------------------------------- block cache

    Block lookup(long rip) {
        int h = (int) (rip ^ (rip >>> 14)) & (BC_SIZE - 1);
        Block b = bcache[h];
        if (b != null && b.rip == rip && b.epoch == epoch && b.valid) {
            return b;
        }
        b = lookupSlow(rip);
        bcache[h] = b;
        return b;
    }

    private Block lookupSlow(long rip) {
        int pa = xlateFetch(rip);
        CodePage cp = phys.code[pa >>> 12];
        Block b = cp == null ? null : cp.at[pa & 0xfff];
        if (b != null && b.valid && b.rip == rip && (b.ppn2 < 0 || secondPageSame(b))) {
            b.epoch = epoch;
            return b;
        }
        b = Translator.translate(this, rip, pa);
        b.epoch = epoch;
        return b;
    }

    /** Single-instruction blocks for TF single-step (exact flags, no liveness shortcuts). */
    final Block[] stepCache = new Block[256];

    Block lookupStep(long rip) {
        int h = (int) (rip ^ (rip >>> 8)) & 255;
        Block b = stepCache[h];
        if (b != null && b.rip == rip && b.epoch == epoch && b.valid && (b.ppn2 < 0 || secondPageSame(b))) {
            return b;
        }
        int pa = xlateFetch(rip);
        b = Translator.translate(this, rip, pa, 1);
        b.epoch = epoch;
        stepCache[h] = b;
        return b;
    }

    private boolean secondPageSame(Block b) {
        try {
            return (xlateFetch(b.vpn2 << 12) >>> 12) == b.ppn2;
        } catch (CpuException e) {
            return false;
        }
    }

    void clearBlockCache() {
        java.util.Arrays.fill(bcache, null);
        java.util.Arrays.fill(stepCache, null);
    }
}
