package io.kprobelab.machine.internal;

/**
 * The local APIC of one vCPU (SDM Vol. 3 Chapter 11), in xAPIC mode (registers in the 4 KiB page
 * at the APIC base, 0xfee00000 after reset) and x2APIC mode (the same registers as MSRs 0x800 +
 * offset / 16, §11.12): 256-vector IRR/ISR with the priority rules of §11.8.3 (TPR, PPR, EOI of
 * the highest in-service vector), the LVT with LINT0 as the 8259's virtual wire (ExtINT), self
 * IPIs through the ICR, and the timer (§11.5.4) in one-shot and periodic mode.
 *
 * <p>Time is virtual: the timer counts the bus clock, one tick per retired instruction (1 GHz,
 * the crystal frequency CPUID leaf 0x15 reports), divided by the divide configuration, so an
 * expiry falls on an exact retired-instruction count.
 */
final class Apic {

    /** IA32_APIC_BASE (SDM Vol. 3 §11.4.4): BSP bit 8, EXTD bit 10, EN bit 11. */
    static final int MSR_APIC_BASE = 0x1b;
    static final long BASE_BSP = 0x100, BASE_EXTD = 0x400, BASE_EN = 0x800, DEFAULT_BASE = 0xfee00000L;

    /** Register offsets in the xAPIC page (SDM Vol. 3 Table 11-1). */
    static final int ID = 0x20, VERSION = 0x30, TPR = 0x80, APR = 0x90, PPR = 0xa0, EOI = 0xb0, RRD = 0xc0,
            LDR = 0xd0, DFR = 0xe0, SVR = 0xf0, ISR = 0x100, TMR = 0x180, IRR = 0x200, ESR = 0x280,
            LVT_CMCI = 0x2f0, ICR_LO = 0x300, ICR_HI = 0x310, LVT_TIMER = 0x320, LVT_THERMAL = 0x330,
            LVT_PERF = 0x340, LVT_LINT0 = 0x350, LVT_LINT1 = 0x360, LVT_ERROR = 0x370, TIMER_INITIAL = 0x380,
            TIMER_CURRENT = 0x390, TIMER_DIVIDE = 0x3e0, SELF_IPI = 0x3f0;

    /** Version register: version 0x14, six LVT entries (max LVT 5). */
    static final int VERSION_VALUE = 0x50014;
    static final int LVT_MASKED = 0x10000;
    static final long NEVER = Long.MAX_VALUE;

    /** The LVT registers in order of their offsets from 0x320 (timer .. error), plus CMCI. */
    private final int[] lvt = new int[6];
    private int lvtCmci = LVT_MASKED;
    private final long[] irr = new long[4], isr = new long[4], tmr = new long[4];
    long base = DEFAULT_BASE | BASE_EN;
    int id;
    int tpr, ldr, dfr = -1, svr = 0xff, esr, pendingEsr, icrLo, icrHi;
    long initialCount, divideConfig;
    /** Retired count at which the timer next expires; {@link #NEVER} when stopped. */
    long timerAt = NEVER;
    /** Retired count the current period began at (the current-count register counts down from it). */
    private long timerStart;

    Apic() {
        reset(0);
    }

    /** Power-up / INIT state (SDM Vol. 3 §11.4.7.1), with LINT0 as ExtINT on the BSP as a PC BIOS leaves it. */
    void reset(int cpuId) {
        java.util.Arrays.fill(irr, 0);
        java.util.Arrays.fill(isr, 0);
        java.util.Arrays.fill(tmr, 0);
        java.util.Arrays.fill(lvt, LVT_MASKED);
        lvtCmci = LVT_MASKED;
        id = cpuId;
        base = DEFAULT_BASE | BASE_EN | (cpuId == 0 ? BASE_BSP : 0);
        tpr = ldr = esr = pendingEsr = icrLo = icrHi = 0;
        dfr = -1;
        svr = 0xff;
        initialCount = divideConfig = 0;
        timerAt = NEVER;
        if (cpuId == 0) {
            lvt[3] = 0x700; // LINT0: ExtINT, not masked (the virtual-wire mode PC firmware sets up)
            lvt[4] = 0x400; // LINT1: NMI
        }
    }

    boolean x2apic() {
        return (base & BASE_EXTD) != 0;
    }

    boolean globallyEnabled() {
        return (base & BASE_EN) != 0;
    }

    boolean softwareEnabled() {
        return (svr & 0x100) != 0;
    }

    /** The physical address of the xAPIC register page, or -1 when the xAPIC interface is off. */
    long mmioBase() {
        return globallyEnabled() && !x2apic() ? base & 0xffffff000L : -1;
    }

    /** True when {@code msr} is IA32_APIC_BASE or an x2APIC register. */
    static boolean owns(int msr) {
        return msr == MSR_APIC_BASE || (msr >= 0x800 && msr <= 0x8ff);
    }

    // ------------------------------------------------------------------ interrupt state

    private static boolean test(long[] set, int v) {
        return (set[v >>> 6] & (1L << v)) != 0;
    }

    private static void set(long[] set, int v) {
        set[v >>> 6] |= 1L << v;
    }

    private static void clear(long[] set, int v) {
        set[v >>> 6] &= ~(1L << v);
    }

    /** The highest vector in {@code set}, or -1. */
    private static int highest(long[] set) {
        for (int i = 3; i >= 0; i--) {
            if (set[i] != 0) {
                return i * 64 + 63 - Long.numberOfLeadingZeros(set[i]);
            }
        }
        return -1;
    }

    /** Requests {@code vector} (a fixed-mode interrupt, §11.8.3); vectors 0-15 are illegal and set ESR. */
    void request(Cpu c, int vector, boolean level) {
        if (vector < 16) {
            pendingEsr |= 0x40; // received illegal vector
            return;
        }
        set(irr, vector);
        if (level) {
            set(tmr, vector);
        } else {
            clear(tmr, vector);
        }
        c.interruptWindow();
    }

    /** Processor priority (§11.8.3.1): the higher of the task priority and the in-service class. */
    int ppr() {
        int isrv = highest(isr);
        int isrClass = isrv < 0 ? 0 : isrv & 0xf0;
        return (tpr & 0xf0) >= isrClass ? tpr & 0xff : isrClass;
    }

    /** The vector the APIC would present to the core now, or -1 (§11.8.3: its class must exceed the PPR's). */
    int deliverableVector() {
        if (!globallyEnabled()) {
            return -1;
        }
        int v = highest(irr);
        if (v < 0 || (v & 0xf0) <= (ppr() & 0xf0)) {
            return -1;
        }
        return v;
    }

    boolean hasRequests() {
        return (irr[0] | irr[1] | irr[2] | irr[3]) != 0;
    }

    /** The core takes {@code vector}: it moves from the IRR to the ISR (§11.8.4). */
    void accept(int vector) {
        clear(irr, vector);
        set(isr, vector);
    }

    /** EOI (§11.8.5): ends the highest-priority in-service interrupt. */
    private void eoi(Cpu c) {
        int v = highest(isr);
        if (v >= 0) {
            clear(isr, v);
            clear(tmr, v);
        }
        c.interruptWindow();
    }

    /**
     * LINT0 passes the 8259's INTR to the core (§11.5.1: ExtINT, not masked), or the APIC is
     * globally disabled and INTR goes straight to the core (§11.4.3).
     */
    boolean acceptsExtInt() {
        if (!globallyEnabled()) {
            return true;
        }
        int l = lvt[3];
        return (l & LVT_MASKED) == 0 && ((l >> 8) & 7) == 7;
    }

    // ------------------------------------------------------------------ timer

    /** Divide configuration to divisor (SDM Vol. 3 Figure 11-10): bits 0, 1 and 3. */
    long divisor() {
        int d = (int) ((divideConfig & 3) | ((divideConfig >> 1) & 4));
        return d == 7 ? 1 : 2L << d;
    }

    private int timerMode() {
        return (lvt[0] >> 17) & 3;
    }

    private void startTimer(long now) {
        timerStart = now;
        timerAt = initialCount == 0 ? NEVER : now + initialCount * divisor();
    }

    /** The timer reached {@link #timerAt} at retired count {@code now}: request its vector and re-arm. */
    void expire(Cpu c, long now) {
        if ((lvt[0] & LVT_MASKED) == 0 && softwareEnabled()) {
            request(c, lvt[0] & 0xff, false); // a second expiry while one is pending merges, as on hardware
        }
        if (timerMode() == 1 && initialCount != 0) {
            long period = initialCount * divisor();
            long t = timerAt + period;
            if (t <= now) {
                t += ((now - t) / period + 1) * period;
            }
            timerStart = t - period;
            timerAt = t;
        } else {
            timerAt = NEVER;
        }
    }

    private long currentCount(long now) {
        if (timerAt == NEVER || now >= timerAt) {
            return 0;
        }
        return (timerAt - now + divisor() - 1) / divisor();
    }

    // ------------------------------------------------------------------ register access

    /** Reads the register at xAPIC offset {@code off} (32 bits); {@code now} is the current retired count. */
    int readRegister(int off, long now) {
        switch (off) {
            case ID: return x2apic() ? id : id << 24;
            case VERSION: return VERSION_VALUE;
            case TPR: return tpr;
            case APR: return 0;
            case PPR: return ppr();
            case RRD: return 0;
            case LDR: return x2apic() ? ((id >> 4) << 16) | (1 << (id & 15)) : ldr;
            case DFR: return dfr;
            case SVR: return svr;
            case ESR: return esr;
            case LVT_CMCI: return lvtCmci;
            case ICR_LO: return icrLo & ~0x1000; // delivery status: always idle (sent at once)
            case ICR_HI: return icrHi;
            case TIMER_INITIAL: return (int) initialCount;
            case TIMER_CURRENT: return (int) currentCount(now);
            case TIMER_DIVIDE: return (int) divideConfig;
            default:
                if (off >= LVT_TIMER && off <= LVT_ERROR && (off & 0xf) == 0) {
                    return lvt[(off - LVT_TIMER) >> 4];
                }
                if (off >= ISR && off < ISR + 0x80 && (off & 0xf) == 0) {
                    return word(isr, (off - ISR) >> 4);
                }
                if (off >= TMR && off < TMR + 0x80 && (off & 0xf) == 0) {
                    return word(tmr, (off - TMR) >> 4);
                }
                if (off >= IRR && off < IRR + 0x80 && (off & 0xf) == 0) {
                    return word(irr, (off - IRR) >> 4);
                }
                return 0;
        }
    }

    private static int word(long[] set, int n) {
        return (int) (set[n >> 1] >>> ((n & 1) * 32));
    }

    /** Writes the register at xAPIC offset {@code off}. */
    void writeRegister(Cpu c, int off, int v, long now) {
        switch (off) {
            case ID:
                if (!x2apic()) {
                    id = v >>> 24;
                }
                break;
            case TPR:
                tpr = v & 0xff;
                c.interruptWindow();
                break;
            case EOI: eoi(c); break;
            case LDR: ldr = v & 0xff000000; break;
            case DFR: dfr = v | 0x0fffffff; break;
            case SVR:
                svr = v & 0x13ff;
                if (!softwareEnabled()) {
                    for (int i = 0; i < lvt.length; i++) {
                        lvt[i] |= LVT_MASKED; // §11.4.7.2: a software disable masks every LVT entry
                    }
                }
                break;
            case ESR: // a write latches the errors seen since the last write (§11.5.3)
                esr = pendingEsr;
                pendingEsr = 0;
                break;
            case LVT_CMCI: lvtCmci = maskedUnlessEnabled(v & 0x107ff); break;
            case ICR_HI: icrHi = v; break;
            case ICR_LO:
                icrLo = v & 0xcdfff;
                sendIpi(c);
                break;
            case LVT_TIMER: {
                int old = lvt[0];
                lvt[0] = maskedUnlessEnabled(v & 0x700ff);
                if (((old >> 17) & 3) != timerMode()) {
                    timerAt = NEVER; // a mode change stops the timer (§11.5.4.1)
                }
                break;
            }
            case LVT_THERMAL: case LVT_PERF: lvt[(off - LVT_TIMER) >> 4] = maskedUnlessEnabled(v & 0x107ff); break;
            case LVT_LINT0: case LVT_LINT1:
                lvt[(off - LVT_TIMER) >> 4] = maskedUnlessEnabled(v & 0x1a7ff);
                c.interruptWindow();
                break;
            case LVT_ERROR: lvt[5] = maskedUnlessEnabled(v & 0x100ff); break;
            case TIMER_INITIAL:
                initialCount = v & 0xffffffffL;
                startTimer(now); // §11.5.4: writing the initial count starts the timer; 0 stops it
                c.runLimit = 0; // the run loop re-reads the deadline
                break;
            case TIMER_DIVIDE: {
                long left = currentCount(now);
                divideConfig = v & 0xb;
                if (timerAt != NEVER) {
                    timerAt = now + left * divisor();
                    c.runLimit = 0;
                }
                break;
            }
            case SELF_IPI:
                if (x2apic()) {
                    request(c, v & 0xff, false);
                }
                break;
            default: // read-only or reserved: ignored
        }
    }

    private int maskedUnlessEnabled(int v) {
        return softwareEnabled() ? v : v | LVT_MASKED;
    }

    /**
     * Sends the IPI in the ICR (§11.6.1). With one APIC on the bus only interrupts that reach this
     * one are delivered: self, all-including-self, or a physical destination equal to our ID.
     */
    private void sendIpi(Cpu c) {
        int shorthand = (icrLo >> 18) & 3;
        int mode = (icrLo >> 8) & 7;
        boolean toSelf;
        switch (shorthand) {
            case 1: case 2: toSelf = true; break; // self, all including self
            case 3: toSelf = false; break;        // all excluding self
            default: {
                int dest = x2apic() ? icrHi : icrHi >>> 24;
                toSelf = dest == id || dest == (x2apic() ? -1 : 0xff);
            }
        }
        if (toSelf && mode == 0) { // fixed
            request(c, icrLo & 0xff, false);
        }
    }

    // ------------------------------------------------------------------ MSR interface

    /** WRMSR to IA32_APIC_BASE or an x2APIC register; false when the access must raise #GP. */
    boolean writeMsr(Cpu c, int msr, long v, long now) {
        if (msr == MSR_APIC_BASE) {
            long keep = base & BASE_BSP;
            long next = (v & (0xffffff000L | BASE_EN | BASE_EXTD)) | keep;
            if ((next & (BASE_EN | BASE_EXTD)) == BASE_EXTD) {
                return false; // EXTD without EN is invalid (§11.12.5)
            }
            if (!globallyEnabledIn(next)) {
                int savedId = id;
                reset(c.id);
                id = savedId;
                next &= ~BASE_EXTD;
            }
            base = next;
            c.interruptWindow();
            return true;
        }
        if (!x2apic()) {
            return false;
        }
        int off = (msr - 0x800) << 4;
        if (off == ICR_LO) {
            icrHi = (int) (v >>> 32);
        }
        writeRegister(c, off, (int) v, now);
        return true;
    }

    private static boolean globallyEnabledIn(long b) {
        return (b & BASE_EN) != 0;
    }

    /** RDMSR of IA32_APIC_BASE or an x2APIC register; {@code null} when the access must raise #GP. */
    Long readMsr(int msr, long now) {
        if (msr == MSR_APIC_BASE) {
            return base;
        }
        if (!x2apic()) {
            return null;
        }
        int off = (msr - 0x800) << 4;
        if (off == ICR_LO) {
            return ((long) icrHi << 32) | (icrLo & 0xffffffffL);
        }
        return readRegister(off, now) & 0xffffffffL;
    }
}
