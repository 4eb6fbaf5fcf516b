package io.kprobelab.machine.internal;

/**
 * The 8254 programmable interval timer at ports 0x40-0x43 (Intel 82C54 data sheet, 231244),
 * clocked at 1.193182 MHz of virtual time (one retired instruction is one nanosecond): three
 * counters with modes 0-5, binary or BCD, LSB/MSB/both access with the read and write
 * flip-flops, the counter latch and read-back commands. Counter 0's output drives IRQ 0; counter
 * 2's gate and output are bits 0 and 5 of port 0x61 (see {@link IoPorts}).
 *
 * <p>The clock is free-running: CLK pulse n falls at virtual time ceil(n * 10^9 / 1193182) ns.
 * Every mode follows the data sheet's timing on that grid, as a closed form of the pulses
 * counted, so reading a counter or predicting the next IRQ 0 edge is exact arithmetic:
 * <ul>
 * <li>a count written to the count register is loaded into the counting element on the next
 * CLK pulse, which does not decrement it (modes 0, 2, 3, 4; in modes 1 and 5 on the pulse after
 * a trigger, a rising edge of GATE): so mode 0's OUT rises, and mode 4's strobes low, N + 1
 * pulses after the count is written;</li>
 * <li>mode 0: writing the first byte of a two-byte count stops the counter and sets OUT low,
 * the second loads the new count (the 8254 description; the 82C54's exception for a counter
 * that already rolled over is not modelled); after the terminal count the counter wraps to
 * FFFF (9999 in BCD) and goes on with OUT high;</li>
 * <li>mode 2: OUT low for the pulse on which the element reaches 1, reload on the next; mode 3:
 * even N decrements by two, OUT toggling at each expiry; odd N is loaded, decremented by one
 * then by two (high for (N+1)/2 pulses), reloaded and decremented by three then by two (low for
 * (N-1)/2); in both modes a new count written while counting takes effect at the end of the
 * current period (half-cycle in mode 3) unless a trigger comes first; a count of 1 is illegal:
 * OUT then stays high;</li>
 * <li>GATE low suspends counting in modes 0, 2, 3 and 4 (and forces OUT high in 2 and 3); a
 * rising edge restarts the count in modes 1, 2, 3 and 5;</li>
 * <li>status bit 6 (null count) is set by a control word or a count write and cleared when the
 * count register reaches the counting element.</li>
 * </ul>
 * A control word freezes the counting element until a count is written. At power-up no count
 * is loaded and no counter runs (there is no BIOS to program counter 0).
 */
final class Pit8254 {

    static final int PORT_BASE = 0x40, PORT_CONTROL = 0x43;
    static final long FREQ = 1_193_182, NS = 1_000_000_000L;
    static final long NEVER = Long.MAX_VALUE;

    /** CLK pulses that fell at or before virtual time {@code t}. */
    static long pulses(long t) {
        return t <= 0 ? 0 : (t / NS) * FREQ + (t % NS) * FREQ / NS;
    }

    /** Virtual time at which CLK pulse {@code n} falls (the first time {@link #pulses} reaches n). */
    static long timeOfPulse(long n) {
        if (n == NEVER) {
            return NEVER;
        }
        long q = n / FREQ, r = n % FREQ;
        return q * NS + (r * NS + FREQ - 1) / FREQ;
    }

    static final class Counter {
        int mode, rw = 3;
        boolean bcd, gate;
        /** The count register: the last complete count written (1..65536, BCD 1..10000), 0 before any. */
        int cr;
        /** Null count (status bit 6) until this pulse; NEVER: until a load that is not scheduled yet. */
        long nullUntil = NEVER;

        // The counting element: a run of count n loaded at pulse loadPulse (j = 0 there), j counting
        // the decrement pulses since; before loadPulse, or with no run, it shows held and heldOut.
        boolean run;
        int n;
        long loadPulse;
        /** Mode 3: the run starts in its low half (a count that took effect at a high-half expiry). */
        boolean lowFirst;
        long decPulse, decBase;
        boolean enabled;
        int held;
        boolean heldOut;
        /** Modes 2 and 3: a new count that takes effect at the end of the current cycle. */
        long switchPulse = NEVER;
        int switchN;
        boolean switchLowFirst;

        int latched = -1;   // latched count, or -1
        int latchedStatus = -1;
        boolean readHigh, writeHigh; // flip-flops for rw 3
        int writeLow;

        void reset(boolean gateHigh) {
            mode = 0;
            rw = 3;
            bcd = false;
            gate = gateHigh;
            cr = 0;
            nullUntil = NEVER;
            run = false;
            held = 0;
            heldOut = false;
            switchPulse = NEVER;
            latched = latchedStatus = -1;
            readHigh = writeHigh = false;
        }

        private boolean gated() {
            return mode != 1 && mode != 5;
        }

        /** Applies a count switch that has taken effect by pulse {@code p}. */
        private void catchUp(long p) {
            if (switchPulse != NEVER && p >= switchPulse) {
                long at = switchPulse;
                switchPulse = NEVER;
                start(switchN, at, switchLowFirst);
            }
        }

        private void start(int count, long at, boolean lowHalfFirst) {
            run = true;
            n = count;
            loadPulse = at;
            lowFirst = lowHalfFirst;
            decPulse = at;
            decBase = 0;
            enabled = !gated() || gate;
            switchPulse = NEVER;
        }

        /** A new run loaded on the pulse after {@code p}; until then the element shows what it shows at p. */
        private void startAfter(long p, int count, boolean outBefore) {
            held = value(p);
            heldOut = outBefore;
            start(count, p + 1, false);
        }

        /** Decrement pulses of the run by pulse {@code p} (p >= loadPulse). */
        private long decrements(long p) {
            return decBase + (enabled ? p - decPulse : 0);
        }

        private void setEnabled(boolean en, long p) {
            if (run) {
                long at = Math.max(p, loadPulse);
                decBase = decrements(at);
                decPulse = at;
            }
            enabled = en;
        }

        /** Mode 3: pulses of the high half of a period. */
        private int highHalf() {
            return (n + 1) / 2;
        }

        /** Mode 3: position in the period (0 = the load or reload that starts the high half). */
        private long phase(long j) {
            return (j + (lowFirst ? highHalf() : 0)) % n;
        }

        private int wrap(long v) {
            return (int) Math.floorMod(v, bcd ? 10000L : 65536L);
        }

        /** The value the counting element holds after pulse {@code p} (binary; 65536 reads as 0). */
        int valueAt(long p) {
            catchUp(p);
            return value(p);
        }

        private int value(long p) {
            if (!run || p < loadPulse) {
                return held;
            }
            long j = decrements(p);
            switch (mode) {
                case 2:
                    return wrap(n == 1 ? 1 : n - j % n);
                case 3: {
                    if (n == 1) {
                        return 1;
                    }
                    long q = phase(j);
                    if (n % 2 == 0) {
                        int half = n / 2;
                        return wrap(n - 2 * (q % half));
                    }
                    int h = highHalf();
                    if (q < h) {
                        return wrap(q == 0 ? n : n + 1 - 2 * q);
                    }
                    long r = q - h;
                    return wrap(r == 0 ? n : n - 1 - 2 * r);
                }
                default: // 0, 1, 4, 5: wrap after the terminal count
                    return wrap(n - j);
            }
        }

        /** OUT after pulse {@code p}. */
        boolean outAt(long p) {
            catchUp(p);
            return out(p);
        }

        private boolean out(long p) {
            if ((mode == 2 || mode == 3) && !gate) {
                return true;
            }
            if (!run || p < loadPulse) {
                return heldOut;
            }
            long j = decrements(p);
            switch (mode) {
                case 0: case 1: return j >= n;
                case 2: return n == 1 || j % n != n - 1;
                case 3: return n == 1 || phase(j) < highHalf();
                default: return j != n; // 4, 5: low for the one pulse at the terminal count
            }
        }

        /** OUT at virtual time {@code now}. */
        boolean outAtTime(long now) {
            return outAt(pulses(now));
        }

        /**
         * The next pulse after {@code p} on which OUT rises, assuming GATE stays as it is, or
         * NEVER.
         */
        long nextRise(long p) {
            catchUp(p);
            long x = riseInRun(p);
            if (switchPulse != NEVER && x >= switchPulse) {
                Counter c = copy();
                c.catchUp(switchPulse);
                // the switch pulse itself: a rise if OUT was low on the pulse before
                if (!out(switchPulse - 1) && c.out(switchPulse)) {
                    return switchPulse;
                }
                return c.riseInRun(switchPulse);
            }
            return x;
        }

        private long riseInRun(long p) {
            if (!run) {
                return NEVER;
            }
            if (p < loadPulse) {
                if (!heldOut && out(loadPulse)) {
                    return loadPulse;
                }
                p = loadPulse;
            }
            if (!enabled) {
                return NEVER;
            }
            long j = decrements(p);
            long target;
            switch (mode) {
                case 0: case 1:
                    target = j < n ? n : -1;
                    break;
                case 4: case 5:
                    target = j < n + 1 ? n + 1 : -1;
                    break;
                case 2:
                    target = n == 1 ? -1 : (j / n + 1) * n;
                    break;
                case 3: {
                    if (n == 1) {
                        return NEVER;
                    }
                    long off = lowFirst ? highHalf() : 0;
                    target = ((j + off) / n + 1) * n - off; // the next j > current with phase 0
                    break;
                }
                default:
                    target = -1;
            }
            return target < 0 ? NEVER : decPulse + (target - decBase);
        }

        private Counter copy() {
            Counter c = new Counter();
            c.mode = mode;
            c.bcd = bcd;
            c.gate = gate;
            c.run = run;
            c.n = n;
            c.loadPulse = loadPulse;
            c.lowFirst = lowFirst;
            c.decPulse = decPulse;
            c.decBase = decBase;
            c.enabled = enabled;
            c.held = held;
            c.heldOut = heldOut;
            c.switchPulse = switchPulse;
            c.switchN = switchN;
            c.switchLowFirst = switchLowFirst;
            return c;
        }

        /**
         * Modes 2 and 3: the pulse on which the current cycle ends (mode 2: the reload; mode 3: the
         * expiry ending the current half) and whether the run after it starts in the low half.
         */
        private long cycleEnd(long p, boolean[] lowAfter) {
            long j = decrements(Math.max(p, loadPulse));
            long target;
            if (mode == 2 || n == 1) {
                target = n == 1 ? j + 1 : (j / n + 1) * n;
                lowAfter[0] = false;
            } else {
                long off = lowFirst ? highHalf() : 0;
                long q = (j + off) % n;
                long base = j - q;
                int h = highHalf();
                if (q < h) {
                    target = base + h;
                    lowAfter[0] = true;
                } else {
                    target = base + n;
                    lowAfter[0] = false;
                }
            }
            return decPulse + (target - decBase);
        }

        private int status(long p) {
            return (out(p) ? 0x80 : 0) | (p < nullUntil ? 0x40 : 0) | (rw << 4) | (mode << 1) | (bcd ? 1 : 0);
        }

        void latchCount(long now) {
            if (latched < 0) {
                latched = valueAt(pulses(now)) & 0xffff;
                readHigh = false;
            }
        }

        void latchStatus(long now) {
            if (latchedStatus < 0) {
                long p = pulses(now);
                catchUp(p);
                latchedStatus = status(p);
            }
        }

        int read(long now) {
            if (latchedStatus >= 0) {
                int s = latchedStatus;
                latchedStatus = -1;
                return s;
            }
            int v = latched >= 0 ? latched : valueAt(pulses(now)) & 0xffff;
            if (bcd) {
                v = toBcd(v);
            }
            int b;
            switch (rw) {
                case 1: b = v & 0xff; latched = -1; break;
                case 2: b = (v >> 8) & 0xff; latched = -1; break;
                default:
                    b = readHigh ? (v >> 8) & 0xff : v & 0xff;
                    if (readHigh) {
                        latched = -1;
                    }
                    readHigh = !readHigh;
            }
            return b;
        }

        void write(int b, long now) {
            long p = pulses(now);
            catchUp(p);
            switch (rw) {
                case 1: load(b, p); break;
                case 2: load(b << 8, p); break;
                default:
                    if (!writeHigh) {
                        writeLow = b;
                        writeHigh = true;
                        if (mode == 0) { // the first byte stops the count and sets OUT low
                            held = value(p);
                            heldOut = false;
                            run = false;
                        }
                    } else {
                        writeHigh = false;
                        load(writeLow | (b << 8), p);
                    }
            }
        }

        /** A complete count written at pulse {@code p} (the pulses that fell by then). */
        private void load(int v, long p) {
            if (bcd) {
                v = fromBcd(v);
            }
            boolean first = cr == 0;
            cr = v == 0 ? (bcd ? 10000 : 0x10000) : v;
            switch (mode) {
                case 0:
                    startAfter(p, cr, false);
                    nullUntil = p + 1;
                    break;
                case 4:
                    startAfter(p, cr, out(p));
                    nullUntil = p + 1;
                    break;
                case 2: case 3:
                    if (first || !run || p < loadPulse) { // (not loaded yet: the newest count is)
                        startAfter(p, cr, true);
                        nullUntil = p + 1;
                    } else if (enabled) {
                        boolean[] low = new boolean[1];
                        switchPulse = cycleEnd(p, low);
                        switchN = cr;
                        switchLowFirst = low[0];
                        nullUntil = switchPulse;
                    } else {
                        nullUntil = NEVER; // loaded by the next trigger
                    }
                    break;
                default: // 1, 5: armed; a trigger loads it
                    nullUntil = NEVER;
            }
        }

        void control(int mode, int rw, boolean bcd, long now) {
            long p = pulses(now);
            catchUp(p);
            held = value(p);
            run = false;
            switchPulse = NEVER;
            this.mode = mode > 5 ? mode - 4 : mode;
            this.rw = rw;
            this.bcd = bcd;
            heldOut = this.mode != 0; // OUT's initial state: low in mode 0, high in the others
            cr = 0;
            nullUntil = NEVER;
            latched = latchedStatus = -1;
            readHigh = writeHigh = false;
        }

        /** Gate input: suspends counting in modes 0, 2, 3 and 4; a rising edge triggers modes 1, 2, 3 and 5. */
        void setGate(boolean level, long now) {
            long p = pulses(now);
            catchUp(p);
            if (level == gate) {
                return;
            }
            boolean before = out(p);
            gate = level;
            switch (mode) {
                case 0: case 4:
                    setEnabled(level, p);
                    break;
                case 2: case 3:
                    if (level) {
                        if (cr != 0) {
                            startAfter(p, cr, true);
                            nullUntil = p + 1;
                        }
                    } else {
                        setEnabled(false, p);
                        switchPulse = NEVER;
                        if (p < nullUntil) {
                            nullUntil = NEVER;
                        }
                    }
                    break;
                default: // 1, 5
                    if (level && cr != 0) {
                        startAfter(p, cr, before);
                        nullUntil = p + 1;
                    }
            }
        }

        private static int toBcd(int v) {
            v %= 10000;
            return (v / 1000) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 | v % 10;
        }

        private static int fromBcd(int v) {
            return ((v >> 12) & 0xf) * 1000 + ((v >> 8) & 0xf) * 100 + ((v >> 4) & 0xf) * 10 + (v & 0xf);
        }
    }

    final Counter[] counters = {new Counter(), new Counter(), new Counter()};
    private final Pic8259 pic;
    /** Virtual time of counter 0's next rising OUT edge (IRQ 0), or NEVER. */
    long irq0At = NEVER;

    Pit8254(Pic8259 pic) {
        this.pic = pic;
        reset();
    }

    void reset() {
        counters[0].reset(true);
        counters[1].reset(true);
        counters[2].reset(false);
        irq0At = NEVER;
    }

    int read(int port, long now) {
        if (port == PORT_CONTROL) {
            return 0xff;
        }
        return counters[port - PORT_BASE].read(now);
    }

    void write(int port, int v, long now) {
        if (port == PORT_CONTROL) {
            int sc = v >> 6;
            if (sc == 3) { // read-back
                for (int i = 0; i < 3; i++) {
                    if ((v & (2 << i)) != 0) {
                        if ((v & 0x20) == 0) {
                            counters[i].latchCount(now);
                        }
                        if ((v & 0x10) == 0) {
                            counters[i].latchStatus(now);
                        }
                    }
                }
                return;
            }
            int rw = (v >> 4) & 3;
            if (rw == 0) {
                counters[sc].latchCount(now);
                return;
            }
            counters[sc].control((v >> 1) & 7, rw, (v & 1) != 0, now);
        } else {
            counters[port - PORT_BASE].write(v & 0xff, now);
        }
        if (port == PORT_BASE || (port == PORT_CONTROL && (v >> 6) == 0)) {
            reschedule(now);
        }
    }

    /** Recomputes the next IRQ 0 edge after a change to counter 0. */
    void reschedule(long now) {
        irq0At = timeOfPulse(counters[0].nextRise(pulses(now)));
    }

    /** Virtual time reached {@link #irq0At}: pulse IRQ 0 (an edge for the 8259) and schedule the next. */
    void tick(long now) {
        pic.setIrq(0, true);
        pic.setIrq(0, false);
        irq0At = timeOfPulse(counters[0].nextRise(pulses(now)));
    }
}
