package io.kprobelab.machine.internal;

/**
 * The local APIC of one vCPU in x2APIC mode (SDM Vol. 3 §11.12), as far as a small kernel uses
 * it: the spurious-vector register, EOI, and the timer (§11.5.4) in one-shot or periodic mode.
 * Time is virtual: the timer's current count drops by one per retired instruction (divided by the
 * divide configuration), so expiry falls on an exact retired-instruction count.
 */
final class Apic {

    /** x2APIC MSRs (SDM Vol. 3 Table 11-6). */
    static final int MSR_APIC_BASE = 0x1b, ID = 0x802, VERSION = 0x803, TPR = 0x808, EOI = 0x80b, SPIV = 0x80f,
            LVT_TIMER = 0x832, INITIAL_COUNT = 0x838, CURRENT_COUNT = 0x839, DIVIDE_CONFIG = 0x83e;

    static final long NEVER = Long.MAX_VALUE;

    /** Pending (requested) vector, 0 when none; in-service vector, 0 when none. */
    int irr, isr;
    long spiv = 0xff, lvtTimer = 0x10000, initialCount, divideConfig;
    /** Retired count at which the timer next expires; {@link #NEVER} when stopped. */
    long timerAt = NEVER;

    /** True when an x2APIC register is {@code msr}. */
    static boolean owns(int msr) {
        return msr == MSR_APIC_BASE || (msr >= 0x800 && msr <= 0x8ff);
    }

    /** Divide configuration to divisor (SDM Vol. 3 Figure 11-10): bits 0, 1 and 3. */
    long divisor() {
        int d = (int) ((divideConfig & 3) | ((divideConfig >> 1) & 4));
        return d == 7 ? 1 : 2L << d;
    }

    /** WRMSR to an APIC register; {@code now} is the retired count once the WRMSR retires. */
    void write(Cpu c, int msr, long v, long now) {
        switch (msr) {
            case EOI:
                isr = 0;
                c.interruptWindow();
                break;
            case SPIV: spiv = v & 0x1ff; break;
            case LVT_TIMER: lvtTimer = v & 0x700ff; break;
            case DIVIDE_CONFIG: divideConfig = v & 0xb; break;
            case INITIAL_COUNT:
                initialCount = v & 0xffffffffL;
                // §11.5.4: writing the initial count starts the timer; 0 stops it
                timerAt = initialCount == 0 ? NEVER : now + initialCount * divisor();
                c.runLimit = 0; // the run loop re-reads the deadline
                break;
            default: // TPR, ICR and the rest are accepted and ignored (one CPU, one interrupt source)
        }
    }

    /** RDMSR of an APIC register. */
    long read(Cpu c, int msr, long now) {
        switch (msr) {
            case MSR_APIC_BASE: return 0xfee00000L | 0xc00 | (c.id == 0 ? 0x100 : 0); // EN | EXTD | BSP
            case ID: return c.id;
            case VERSION: return 0x50014;
            case SPIV: return spiv;
            case LVT_TIMER: return lvtTimer;
            case DIVIDE_CONFIG: return divideConfig;
            case INITIAL_COUNT: return initialCount;
            case CURRENT_COUNT: return timerAt == NEVER || now >= timerAt ? 0 : (timerAt - now) / divisor();
            default: return 0;
        }
    }

    /** The timer reached {@link #timerAt} at retired count {@code now}: request its vector and re-arm. */
    void expire(long now) {
        boolean periodic = ((lvtTimer >> 17) & 3) == 1;
        if ((lvtTimer & 0x10000) == 0 && (spiv & 0x100) != 0) {
            irr = (int) (lvtTimer & 0xff); // a second expiry while pending is lost, as on hardware
        }
        if (periodic && initialCount != 0) {
            long period = initialCount * divisor();
            long t = timerAt + period;
            if (t <= now) {
                t += ((now - t) / period + 1) * period;
            }
            timerAt = t;
        } else {
            timerAt = NEVER;
        }
    }

    /** An interrupt can be accepted now (IF permitting): one is requested and none is in service. */
    boolean deliverable() {
        return irr != 0 && isr == 0;
    }

    /** The CPU takes the requested vector (§11.8.4): it moves from IRR to ISR. */
    int accept() {
        int v = irr;
        irr = 0;
        isr = v;
        return v;
    }

    void reset() {
        irr = isr = 0;
        spiv = 0xff;
        lvtTimer = 0x10000;
        initialCount = divideConfig = 0;
        timerAt = NEVER;
    }
}
