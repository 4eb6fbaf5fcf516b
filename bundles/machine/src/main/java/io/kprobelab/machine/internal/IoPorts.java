package io.kprobelab.machine.internal;

/**
 * The machine's I/O port space (SDM Vol. 1 §18.2) and the PC platform devices on it: the 8259A
 * pair (0x20-0x21, 0xa0-0xa1, ELCR 0x4d0-0x4d1), the 8254 timer (0x40-0x43), system control
 * port B (0x61: counter 2's gate and output, the refresh toggle), the CMOS clock (0x70-0x71), the
 * COM1 UART (0x3f8-0x3ff), the POST port 0x80 (ignored), the reset paths (keyboard controller
 * command 0xfe at 0x64, port 0x92 bit 0, port 0xcf9), QEMU's isa-debug-exit status port 0xf4 and
 * the ACPI PM1a control register at 0x604 (as on QEMU q35; SLP_EN, bit 13, powers off).
 * Unclaimed ports read as all ones (a floating ISA bus) and ignore writes.
 *
 * <p>Devices that count time read it from {@link #now}, the virtual time of the accessing
 * instruction, which the IN/OUT ops set before every access.
 */
final class IoPorts {

    static final int DEBUG_EXIT = 0xf4, PM1A_CNT = 0x604, SLP_EN = 0x2000, PORT_B = 0x61, POST = 0x80,
            KBD_DATA = 0x60, KBD_CMD = 0x64, SYSTEM_CONTROL_A = 0x92, RESET_CONTROL = 0xcf9;
    /** Port B's refresh-request bit toggles every 15.085 us on a PC (some code times itself on it). */
    static final long REFRESH_PERIOD_NS = 15085;

    final Pic8259 pic = new Pic8259();
    final Pit8254 pit = new Pit8254(pic);
    final CmosRtc rtc = new CmosRtc();
    final Serial16550 com1 = new Serial16550();
    /** Last value written to port 0xf4, -1 when none. */
    volatile int exitStatus = -1;
    volatile boolean poweredOff;
    /** The guest asked for a reset (it ends the run like a power-off). */
    volatile boolean resetRequested;
    /** Virtual time of the instruction doing the current access. */
    long now;
    private int portB;

    IoPorts() {
        com1.connect(pic);
    }

    /** Ports of the byte-wide ISA devices, where a wider access is split into byte cycles. */
    private boolean byteDevice(int port) {
        return (port >= Serial16550.BASE && port < Serial16550.BASE + 8) || pic.claims(port)
                || (port >= Pit8254.PORT_BASE && port <= Pit8254.PORT_CONTROL) || port == PORT_B
                || port == CmosRtc.INDEX || port == CmosRtc.DATA;
    }

    synchronized long in(int port, int size) {
        if (size != 1) {
            if (!byteDevice(port)) {
                return Cpu.mask(size); // nothing answers (no PCI host bridge at 0xcf8/0xcfc)
            }
            // Wider accesses to byte devices read consecutive ports (ISA bus cycle splitting).
            long v = 0;
            for (int i = size - 1; i >= 0; i--) {
                v = (v << 8) | in(port + i, 1);
            }
            return v;
        }
        if (port >= Serial16550.BASE && port < Serial16550.BASE + 8) {
            return com1.read(port - Serial16550.BASE);
        }
        if (pic.claims(port)) {
            return pic.read(port);
        }
        if (port >= Pit8254.PORT_BASE && port <= Pit8254.PORT_CONTROL) {
            return pit.read(port, now);
        }
        switch (port) {
            case PORT_B: {
                boolean refresh = (now / REFRESH_PERIOD_NS & 1) != 0;
                return (portB & 0x0f) | (refresh ? 0x10 : 0) | (pit.counters[2].out(now) ? 0x20 : 0);
            }
            case CmosRtc.INDEX: case CmosRtc.DATA: return rtc.read(port, now);
            case SYSTEM_CONTROL_A: return 0x02; // A20 enabled
            default: return 0xff;
        }
    }

    /** Returns true when the write powered the machine off or reset it. */
    synchronized boolean out(int port, int size, long value) {
        if (port == PM1A_CNT && size >= 2) {
            if ((value & SLP_EN) != 0) {
                poweredOff = true;
                return true;
            }
            return false;
        }
        if (size != 1) {
            if (!byteDevice(port)) {
                return false; // e.g. a 32-bit write to PCI's CONFIG_ADDRESS at 0xcf8 is not 0xcf9's reset
            }
            boolean stop = false;
            for (int i = 0; i < size; i++) {
                stop |= out(port + i, 1, value >>> (8 * i));
            }
            return stop;
        }
        int v = (int) value & 0xff;
        if (port >= Serial16550.BASE && port < Serial16550.BASE + 8) {
            com1.write(port - Serial16550.BASE, v);
        } else if (pic.claims(port)) {
            pic.write(port, v);
        } else if (port >= Pit8254.PORT_BASE && port <= Pit8254.PORT_CONTROL) {
            pit.write(port, v, now);
        } else {
            switch (port) {
                case PORT_B:
                    portB = v & 0x0f;
                    pit.counters[2].setGate((v & 1) != 0, now);
                    break;
                case CmosRtc.INDEX: case CmosRtc.DATA: rtc.write(port, v, now); break;
                case DEBUG_EXIT: exitStatus = v; break;
                case KBD_CMD:
                    if (v == 0xfe) {
                        return requestReset();
                    }
                    break;
                case SYSTEM_CONTROL_A:
                    if ((v & 1) != 0) {
                        return requestReset();
                    }
                    break;
                case RESET_CONTROL:
                    if ((v & 4) != 0) {
                        return requestReset();
                    }
                    break;
                default:
            }
        }
        return false;
    }

    private boolean requestReset() {
        resetRequested = true;
        poweredOff = true;
        return true;
    }

    /** Earliest virtual time at which a device needs the CPU's attention (IRQ 0), or Long.MAX_VALUE. */
    long nextDeadline() {
        return pit.irq0At;
    }

    /** Virtual time reached {@code t}: let the timer raise its interrupt. */
    synchronized void advance(long t) {
        if (t >= pit.irq0At) {
            pit.tick(t);
        }
    }

    /** Power-up state of every device (a new boot). */
    synchronized void reset() {
        exitStatus = -1;
        poweredOff = false;
        resetRequested = false;
        portB = 0;
        pic.reset();
        pit.reset();
        rtc.reset();
        com1.reset();
    }
}
