package io.kprobelab.machine.internal;

/**
 * The machine's I/O port space (SDM Vol. 1 §18.2): the COM1 UART at 0x3f8-0x3ff, QEMU's
 * isa-debug-exit status port 0xf4 and the ACPI PM1a control register at 0x604 (as on QEMU q35;
 * SLP_EN, bit 13, powers off). Unclaimed ports read as all ones and ignore writes.
 */
final class IoPorts {

    static final int DEBUG_EXIT = 0xf4, PM1A_CNT = 0x604, SLP_EN = 0x2000;

    final Serial16550 com1 = new Serial16550();
    /** Last value written to port 0xf4, -1 when none. */
    volatile int exitStatus = -1;
    volatile boolean poweredOff;

    long in(int port, int size) {
        if (port >= Serial16550.BASE && port < Serial16550.BASE + 8) {
            return com1.read(port - Serial16550.BASE);
        }
        return Cpu.mask(size);
    }

    /** Returns true when the write powered the machine off. */
    boolean out(int port, int size, long value) {
        if (port >= Serial16550.BASE && port < Serial16550.BASE + 8) {
            com1.write(port - Serial16550.BASE, (int) value & 0xff);
        } else if (port == DEBUG_EXIT) {
            exitStatus = (int) value & 0xff;
        } else if (port == PM1A_CNT && (value & SLP_EN) != 0) {
            poweredOff = true;
            return true;
        }
        return false;
    }

    void reset() {
        exitStatus = -1;
        poweredOff = false;
    }
}
