package io.kprobelab.machine.internal;

/**
 * The PC's cascaded pair of 8259A programmable interrupt controllers (Intel 8259A data sheet):
 * the master at ports 0x20/0x21 with the slave on its IRQ 2, the slave at 0xa0/0xa1, and the
 * edge/level control registers (ELCR) at 0x4d0/0x4d1. Implements the initialization sequence
 * (ICW1-ICW4), the mask register, fully nested priority with rotation, specific and non-specific
 * EOI, automatic EOI, the IRR/ISR read-back of OCW3, poll mode, and the INTA cycle that gives the
 * CPU a vector (spurious IRQ 7/15 when the request went away).
 *
 * <p>There is no BIOS: at power-up both chips are left as a PC BIOS leaves them before the OS
 * takes over, every input masked.
 */
final class Pic8259 {

    static final int MASTER_CMD = 0x20, MASTER_DATA = 0x21, SLAVE_CMD = 0xa0, SLAVE_DATA = 0xa1,
            ELCR_MASTER = 0x4d0, ELCR_SLAVE = 0x4d1;

    /** One 8259A. */
    static final class Chip {
        int irr, imr = 0xff, isr, elcr, elcrMask;
        /** Input levels as last driven, to see edges. */
        int lines;
        int vectorBase, priorityAdd;
        /** 0: ready for OCW; 1..3: expecting ICW2..ICW4. */
        int initStep;
        boolean icw4Needed, single, autoEoi, rotateOnAutoEoi, specialFullyNested, readIsr, poll, specialMask;
        int icw3;

        void reset() {
            irr = isr = lines = 0;
            imr = 0xff;
            vectorBase = priorityAdd = initStep = 0;
            icw4Needed = single = autoEoi = rotateOnAutoEoi = specialFullyNested = readIsr = poll = specialMask = false;
            icw3 = 0;
        }

        /** Drives input {@code irq} to {@code level}: an edge-triggered input latches a rising edge. */
        void setLine(int irq, boolean level) {
            int bit = 1 << irq;
            if ((elcr & bit) != 0) {
                if (level) {
                    irr |= bit;
                    lines |= bit;
                } else {
                    irr &= ~bit;
                    lines &= ~bit;
                }
            } else if (level) {
                if ((lines & bit) == 0) {
                    irr |= bit;
                }
                lines |= bit;
            } else {
                lines &= ~bit;
            }
        }

        /** The highest-priority input among {@code bits}, or -1 (priority 0 is IRQ priorityAdd). */
        int highest(int bits) {
            if (bits == 0) {
                return -1;
            }
            for (int p = 0; p < 8; p++) {
                int irq = (p + priorityAdd) & 7;
                if ((bits & (1 << irq)) != 0) {
                    return irq;
                }
            }
            return -1;
        }

        /** The request this chip would signal on INT now, or -1 (fully nested mode, §"Interrupt Sequence"). */
        int pending(boolean isMaster) {
            int req = highest(irr & ~imr);
            if (req < 0) {
                return -1;
            }
            int inService = isr;
            if (specialMask) {
                inService &= ~imr;
            }
            // In special fully nested mode the master lets a slave's request through while the
            // slave input is in service (the slave decides its own priorities).
            if (isMaster && specialFullyNested) {
                inService &= ~(1 << 2);
            }
            int cur = highest(inService);
            if (cur >= 0 && ((req - priorityAdd) & 7) >= ((cur - priorityAdd) & 7)) {
                return -1;
            }
            return req;
        }

        /** INTA: request {@code irq} moves into service (edge requests are consumed). */
        void acknowledge(int irq) {
            int bit = 1 << irq;
            if (autoEoi) {
                if (rotateOnAutoEoi) {
                    priorityAdd = (irq + 1) & 7;
                }
            } else {
                isr |= bit;
            }
            if ((elcr & bit) == 0) {
                irr &= ~bit;
            }
        }

        void writeCommand(int v) {
            if ((v & 0x10) != 0) { // ICW1
                int keepElcr = elcr;
                reset();
                elcr = keepElcr;
                imr = 0; // the data sheet: ICW1 clears the mask register
                icw4Needed = (v & 1) != 0;
                single = (v & 2) != 0;
                initStep = 1;
                return;
            }
            if ((v & 0x08) != 0) { // OCW3
                if ((v & 0x04) != 0) {
                    poll = true;
                }
                if ((v & 0x02) != 0) {
                    readIsr = (v & 1) != 0;
                }
                if ((v & 0x40) != 0) {
                    specialMask = (v & 0x20) != 0;
                }
                return;
            }
            // OCW2
            int cmd = v >> 5;
            switch (cmd) {
                case 0: case 4: // rotate in automatic EOI mode: clear / set
                    rotateOnAutoEoi = cmd == 4;
                    break;
                case 1: case 5: { // non-specific EOI (and rotate)
                    int irq = highest(isr);
                    if (irq >= 0) {
                        isr &= ~(1 << irq);
                        if (cmd == 5) {
                            priorityAdd = (irq + 1) & 7;
                        }
                    }
                    break;
                }
                case 3: case 7: { // specific EOI (and rotate)
                    int irq = v & 7;
                    isr &= ~(1 << irq);
                    if (cmd == 7) {
                        priorityAdd = (irq + 1) & 7;
                    }
                    break;
                }
                case 6: // set priority: the named IRQ becomes the lowest
                    priorityAdd = (v + 1) & 7;
                    break;
                default: // 2: no operation
            }
        }

        void writeData(int v) {
            switch (initStep) {
                case 1:
                    vectorBase = v & 0xf8;
                    initStep = single ? (icw4Needed ? 3 : 0) : 2;
                    break;
                case 2:
                    icw3 = v;
                    initStep = icw4Needed ? 3 : 0;
                    break;
                case 3:
                    autoEoi = (v & 2) != 0;
                    specialFullyNested = (v & 0x10) != 0;
                    initStep = 0;
                    break;
                default: // OCW1
                    imr = v & 0xff;
            }
        }
    }

    final Chip master = new Chip(), slave = new Chip();

    Pic8259() {
        master.elcrMask = 0xf8; // IRQ 0, 1, 2 are always edge-triggered
        slave.elcrMask = 0xde;  // IRQ 8 and 13 likewise
        reset();
    }

    void reset() {
        master.reset();
        slave.reset();
        master.elcr = slave.elcr = 0;
    }

    /** Drives ISA IRQ line {@code irq} (0-15). */
    void setIrq(int irq, boolean level) {
        if (irq < 8) {
            master.setLine(irq, level);
        } else {
            slave.setLine(irq - 8, level);
        }
        cascade();
    }

    /** The slave's INT output is the master's IRQ 2 input. */
    private void cascade() {
        master.setLine(2, slave.pending(false) >= 0);
    }

    /** True while the master's INT output is asserted. */
    boolean intr() {
        return master.pending(true) >= 0;
    }

    /** The INTA cycle: the vector of the highest-priority request, moving it into service. */
    int acknowledge() {
        int irq = master.pending(true);
        if (irq < 0) {
            return master.vectorBase + 7; // spurious
        }
        master.acknowledge(irq);
        int vector;
        if (irq == 2) {
            int sirq = slave.pending(false);
            if (sirq < 0) {
                vector = slave.vectorBase + 7; // spurious IRQ 15
            } else {
                slave.acknowledge(sirq);
                vector = slave.vectorBase + sirq;
            }
        } else {
            vector = master.vectorBase + irq;
        }
        cascade();
        return vector;
    }

    /** Poll command read (OCW3 P): 0x80 | IRQ of the highest request, acknowledged; 0 when none. */
    private int pollRead(Chip chip, boolean isMaster) {
        chip.poll = false;
        int irq = chip.pending(isMaster);
        if (irq < 0) {
            return 0;
        }
        chip.acknowledge(irq);
        cascade();
        return 0x80 | irq;
    }

    boolean claims(int port) {
        return port == MASTER_CMD || port == MASTER_DATA || port == SLAVE_CMD || port == SLAVE_DATA
                || port == ELCR_MASTER || port == ELCR_SLAVE;
    }

    int read(int port) {
        switch (port) {
            case MASTER_CMD: case SLAVE_CMD: {
                Chip chip = port == MASTER_CMD ? master : slave;
                if (chip.poll) {
                    return pollRead(chip, chip == master);
                }
                return chip.readIsr ? chip.isr : chip.irr;
            }
            case MASTER_DATA: case SLAVE_DATA: {
                Chip chip = port == MASTER_DATA ? master : slave;
                if (chip.poll) {
                    return pollRead(chip, chip == master);
                }
                return chip.imr;
            }
            case ELCR_MASTER: return master.elcr;
            case ELCR_SLAVE: return slave.elcr;
            default: return 0xff;
        }
    }

    void write(int port, int v) {
        switch (port) {
            case MASTER_CMD: master.writeCommand(v); break;
            case MASTER_DATA: master.writeData(v); break;
            case SLAVE_CMD: slave.writeCommand(v); break;
            case SLAVE_DATA: slave.writeData(v); break;
            case ELCR_MASTER: master.elcr = v & master.elcrMask; break;
            case ELCR_SLAVE: slave.elcr = v & slave.elcrMask; break;
            default:
        }
        cascade();
    }
}
