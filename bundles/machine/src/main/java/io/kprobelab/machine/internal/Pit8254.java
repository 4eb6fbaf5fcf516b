package io.kprobelab.machine.internal;

/**
 * The 8254 programmable interval timer at ports 0x40-0x43 (Intel 82C54 data sheet), clocked at
 * 1.193182 MHz of virtual time (one retired instruction is one nanosecond): three counters with
 * modes 0-5, binary or BCD, LSB/MSB/both access with the read and write flip-flops, the counter
 * latch and read-back commands. Counter 0's output drives IRQ 0; counter 2's gate and output
 * are bits 0 and 5 of port 0x61 (see {@link IoPorts}).
 *
 * <p>The output of each mode as a function of the clocks elapsed since the count was loaded is
 * the usual closed form (as QEMU's i8254 computes it), so reading a counter or predicting the next
 * IRQ 0 edge is exact arithmetic on virtual time. At power-up no count is loaded and no counter
 * runs (there is no BIOS to program counter 0).
 */
final class Pit8254 {

    static final int PORT_BASE = 0x40, PORT_CONTROL = 0x43;
    static final long FREQ = 1_193_182, NS = 1_000_000_000L;
    static final long NEVER = Long.MAX_VALUE;

    static final class Counter {
        int count;          // the loaded count (1..65536)
        long loadTime = -1; // virtual ns at which counting started; -1: no count loaded
        int mode, rw = 3;   // rw: 1 LSB, 2 MSB, 3 LSB then MSB
        boolean bcd, gate;
        int latched = -1;   // latched count, or -1
        int latchedStatus = -1;
        boolean readHigh, writeHigh; // flip-flops for rw 3
        int writeLow;
        boolean nullCount = true;

        void reset(boolean gateHigh) {
            count = 0;
            loadTime = -1;
            mode = 0;
            rw = 3;
            bcd = false;
            gate = gateHigh;
            latched = latchedStatus = -1;
            readHigh = writeHigh = false;
            nullCount = true;
        }

        /** Clocks elapsed since the count was loaded, at virtual time {@code now}. */
        long elapsed(long now) {
            long d = now - loadTime;
            return d <= 0 ? 0 : (d / NS) * FREQ + (d % NS) * FREQ / NS;
        }

        /** Virtual time of clock number {@code ticks} after the load (the first ns at which elapsed() reaches it). */
        long timeOf(long ticks) {
            long q = ticks / FREQ, r = ticks % FREQ;
            return loadTime + q * NS + (r * NS + FREQ - 1) / FREQ;
        }

        boolean out(long now) {
            if (loadTime < 0) {
                return mode != 0; // before a count is written mode 0 holds OUT low, the others high
            }
            long d = elapsed(now);
            switch (mode) {
                case 0: return d >= count;
                case 1: return d >= count;
                case 2: return d % count != count - 1 || count == 1;
                case 3: return d % count < (count + 1) / 2;
                case 4: case 5: return d != count;
                default: return true;
            }
        }

        /** The value the counting element holds now. */
        int value(long now) {
            if (loadTime < 0) {
                return 0;
            }
            long d = elapsed(now);
            long v;
            switch (mode) {
                case 2: v = count - d % count; break;
                case 3: v = count - (2 * d) % count; break;
                default: v = (count - d) & 0xffff; // modes 0, 1, 4, 5 wrap after the terminal count
            }
            return (int) (v & 0xffff);
        }

        /** Virtual time of the next rising edge of OUT after {@code now}, or NEVER. */
        long nextRisingEdge(long now) {
            if (loadTime < 0) {
                return NEVER;
            }
            long d = elapsed(now);
            long next;
            switch (mode) {
                case 0: case 1:
                    if (d >= count) {
                        return NEVER;
                    }
                    next = count;
                    break;
                case 2: // low during the clock before the reload, high again at the reload
                    if (count == 1) {
                        return NEVER;
                    }
                    next = (d / count + 1) * count;
                    break;
                case 3:
                    next = (d / count + 1) * count;
                    break;
                case 4: case 5:
                    if (d > count) {
                        return NEVER;
                    }
                    next = count + 1;
                    break;
                default:
                    return NEVER;
            }
            return timeOf(next);
        }

        private int status(long now) {
            return (out(now) ? 0x80 : 0) | (nullCount ? 0x40 : 0) | (rw << 4) | (mode << 1) | (bcd ? 1 : 0);
        }

        void latchCount(long now) {
            if (latched < 0) {
                latched = value(now);
                readHigh = false;
            }
        }

        void latchStatus(long now) {
            if (latchedStatus < 0) {
                latchedStatus = status(now);
            }
        }

        int read(long now) {
            if (latchedStatus >= 0) {
                int s = latchedStatus;
                latchedStatus = -1;
                return s;
            }
            int v = latched >= 0 ? latched : value(now);
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
            switch (rw) {
                case 1: load(b, now); break;
                case 2: load(b << 8, now); break;
                default:
                    if (!writeHigh) {
                        writeLow = b;
                        writeHigh = true;
                        if (mode == 0) {
                            loadTime = -1; // writing the first byte stops the count in mode 0
                        }
                    } else {
                        writeHigh = false;
                        load(writeLow | (b << 8), now);
                    }
            }
        }

        private void load(int v, long now) {
            if (bcd) {
                v = fromBcd(v);
            }
            count = v == 0 ? (bcd ? 10000 : 0x10000) : v;
            nullCount = false;
            // Counting starts with the next clock; modes 1 and 5 wait for a gate trigger.
            loadTime = (mode == 1 || mode == 5) ? -1 : now;
        }

        void control(int mode, int rw, boolean bcd) {
            this.mode = mode > 5 ? mode - 4 : mode;
            this.rw = rw;
            this.bcd = bcd;
            latched = latchedStatus = -1;
            readHigh = writeHigh = false;
            nullCount = true;
            loadTime = -1;
        }

        /** Gate input; a rising edge restarts the count in modes 1, 2, 3 and 5. */
        void setGate(boolean level, long now) {
            if (level && !gate && (mode == 1 || mode == 2 || mode == 3 || mode == 5) && !nullCount) {
                loadTime = now;
            }
            gate = level;
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
            counters[sc].control((v >> 1) & 7, rw, (v & 1) != 0);
        } else {
            counters[port - PORT_BASE].write(v & 0xff, now);
        }
        if (port == PORT_BASE || (port == PORT_CONTROL && (v >> 6) == 0)) {
            reschedule(now);
        }
    }

    /** Recomputes the next IRQ 0 edge after a change to counter 0. */
    void reschedule(long now) {
        irq0At = counters[0].nextRisingEdge(now);
    }

    /** Virtual time reached {@link #irq0At}: pulse IRQ 0 (an edge for the 8259) and schedule the next. */
    void tick(long now) {
        pic.setIrq(0, true);
        pic.setIrq(0, false);
        irq0At = counters[0].nextRisingEdge(now);
    }
}
