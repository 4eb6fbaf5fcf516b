package io.kprobelab.machine.internal;

import io.kprobelab.machine.SerialConsole;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.function.IntConsumer;

/**
 * A 16550A UART at COM1 (ports 0x3f8-0x3ff, IRQ 4), register-compatible with the National
 * PC16550D data sheet as Linux's 8250 driver probes and drives it: the divisor latch, IER, IIR
 * with the FIFO-enabled bits and the interrupt priorities (line status, received data /
 * character timeout, transmitter empty, modem status), FCR with the receive trigger level, LCR,
 * MCR with loopback, LSR, MSR and the scratch register.
 *
 * <p>The line is infinitely fast: a byte written to THR is transmitted at once (captured as
 * console output, or looped back into the receiver in loopback mode), so THRE and TEMT are
 * always set and the transmitter-empty interrupt is raised as soon as it is enabled. Received
 * bytes come from the host ({@link #input}) through a 16-byte FIFO; while the FIFO holds data the
 * received-data interrupt is pending (the character-timeout form when below the trigger level).
 * The interrupt output drives IRQ 4 of the 8259 as long as an interrupt is pending, as QEMU's
 * 16550A does (OUT2 does not gate it).
 */
final class Serial16550 implements SerialConsole {

    static final int BASE = 0x3f8, IRQ = 4, FIFO_SIZE = 16;
    static final int RBR = 0, THR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;
    static final int LSR_DR = 0x01, LSR_OE = 0x02, LSR_THRE = 0x20, LSR_TEMT = 0x40;
    static final int IIR_NONE = 0x01, IIR_MSI = 0x00, IIR_THRI = 0x02, IIR_RDI = 0x04, IIR_RLSI = 0x06,
            IIR_CTI = 0x0c;
    static final int IER_RDI = 0x01, IER_THRI = 0x02, IER_RLSI = 0x04, IER_MSI = 0x08;
    static final int MCR_LOOP = 0x10;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private volatile IntConsumer listener;
    /** Bytes the host sent that have not reached the receive FIFO yet. */
    private final ArrayDeque<Byte> pendingInput = new ArrayDeque<>();
    private final java.util.concurrent.ConcurrentLinkedQueue<byte[]> hostQueue = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final ArrayDeque<Byte> rxFifo = new ArrayDeque<>();
    private int ier, lcr, mcr, scr, fcr, dll = 12, dlm, lsrErrors, msrDelta;
    private boolean thriPending;
    /** Drives IRQ 4; null when the UART is not wired to an interrupt controller (bare use). */
    private Pic8259 pic;
    private boolean irqLevel;

    void connect(Pic8259 pic) {
        this.pic = pic;
    }

    synchronized void reset() {
        ier = lcr = mcr = scr = fcr = dlm = lsrErrors = msrDelta = 0;
        dll = 12;
        thriPending = false;
        rxFifo.clear();
        pendingInput.clear();
        hostQueue.clear();
        updateIrq();
    }

    private boolean dlab() {
        return (lcr & 0x80) != 0;
    }

    private boolean fifoEnabled() {
        return (fcr & 1) != 0;
    }

    private int rxTrigger() {
        switch ((fcr >> 6) & 3) {
            case 0: return 1;
            case 1: return 4;
            case 2: return 8;
            default: return 14;
        }
    }

    /** Moves host input into the receive FIFO while there is room (one byte when the FIFO is off). */
    private void fillReceiver() {
        int room = fifoEnabled() ? FIFO_SIZE : 1;
        while (rxFifo.size() < room && !pendingInput.isEmpty()) {
            rxFifo.add(pendingInput.poll());
        }
    }

    private int lsr() {
        return (rxFifo.isEmpty() ? 0 : LSR_DR) | lsrErrors | LSR_THRE | LSR_TEMT;
    }

    private int msr() {
        int lines;
        if ((mcr & MCR_LOOP) != 0) { // loopback: RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD
            lines = ((mcr & 0x02) << 3) | ((mcr & 0x01) << 5) | ((mcr & 0x04) << 4) | ((mcr & 0x08) << 4);
        } else {
            lines = 0xb0; // DCD, DSR and CTS asserted: a terminal is always connected
        }
        return lines | msrDelta;
    }

    /** The pending interrupt of highest priority, as IIR's low bits. */
    private int interruptId() {
        if ((ier & IER_RLSI) != 0 && lsrErrors != 0) {
            return IIR_RLSI;
        }
        if ((ier & IER_RDI) != 0 && !rxFifo.isEmpty()) {
            return fifoEnabled() && rxFifo.size() < rxTrigger() ? IIR_CTI : IIR_RDI;
        }
        if ((ier & IER_THRI) != 0 && thriPending) {
            return IIR_THRI;
        }
        if ((ier & IER_MSI) != 0 && msrDelta != 0) {
            return IIR_MSI;
        }
        return IIR_NONE;
    }

    private void updateIrq() {
        boolean level = interruptId() != IIR_NONE;
        if (level != irqLevel && pic != null) {
            pic.setIrq(IRQ, level);
        }
        irqLevel = level;
    }

    synchronized int read(int offset) {
        int v;
        switch (offset) {
            case RBR:
                if (dlab()) {
                    v = dll;
                    break;
                }
                v = rxFifo.isEmpty() ? 0 : rxFifo.poll() & 0xff;
                fillReceiver();
                break;
            case IER: v = dlab() ? dlm : ier; break;
            case IIR: {
                int id = interruptId();
                if (id == IIR_THRI) {
                    thriPending = false; // reading IIR with THRE as the source clears it
                }
                v = id | (fifoEnabled() ? 0xc0 : 0);
                break;
            }
            case LCR: v = lcr; break;
            case MCR: v = mcr; break;
            case LSR:
                v = lsr();
                lsrErrors = 0;
                break;
            case MSR:
                v = msr();
                msrDelta = 0;
                break;
            default: v = scr;
        }
        updateIrq();
        return v;
    }

    synchronized void write(int offset, int value) {
        value &= 0xff;
        switch (offset) {
            case THR:
                if (dlab()) {
                    dll = value;
                    break;
                }
                if ((mcr & MCR_LOOP) != 0) {
                    if (rxFifo.size() < (fifoEnabled() ? FIFO_SIZE : 1)) {
                        rxFifo.add((byte) value);
                    } else {
                        lsrErrors |= LSR_OE;
                    }
                } else {
                    transmit(value);
                }
                thriPending = true; // transmitted at once: the holding register is empty again
                break;
            case IER:
                if (dlab()) {
                    dlm = value;
                    break;
                }
                if ((value & IER_THRI) != 0 && (ier & IER_THRI) == 0) {
                    thriPending = true; // enabling THRI with an empty THR raises it at once
                }
                ier = value & 0x0f;
                break;
            case FCR:
                if (((value ^ fcr) & 1) != 0 || (value & 2) != 0) {
                    rxFifo.clear(); // enabling/disabling the FIFOs or the receive reset clears it
                }
                fcr = value & 0xc9;
                fillReceiver();
                break;
            case LCR: lcr = value; break;
            case MCR: {
                int old = mcr;
                mcr = value & 0x1f;
                if ((mcr & MCR_LOOP) != 0) {
                    int changed = ((old ^ mcr) & 0x0f);
                    // delta bits: DCTS, DDSR, TERI (trailing edge of RI), DDCD
                    msrDelta |= ((changed & 0x02) != 0 ? 0x01 : 0) | ((changed & 0x01) != 0 ? 0x02 : 0)
                            | ((old & 0x04) != 0 && (mcr & 0x04) == 0 ? 0x04 : 0) | ((changed & 0x08) != 0 ? 0x08 : 0);
                }
                break;
            }
            case SCR: scr = value; break;
            default: // LSR and MSR are read-only
        }
        updateIrq();
    }

    private void transmit(int value) {
        synchronized (out) {
            out.write(value);
        }
        IntConsumer l = listener;
        if (l != null) {
            l.accept(value);
        }
    }

    /**
     * Queues host input. The receiver takes it at the start of the next run slice of the guest
     * ({@link #acceptHostInput}), on the vCPU thread: input arrives at a defined virtual time, so
     * a run with the same input at the same points replays exactly.
     */
    @Override
    public void input(byte[] bytes) {
        hostQueue.add(bytes.clone());
    }

    /** On the vCPU thread: moves queued host input into the receiver. */
    synchronized void acceptHostInput() {
        byte[] b;
        boolean any = false;
        while ((b = hostQueue.poll()) != null) {
            for (byte x : b) {
                pendingInput.add(x);
            }
            any = true;
        }
        if (any) {
            fillReceiver();
            updateIrq();
        }
    }

    @Override
    public synchronized int pendingInput() {
        int queued = 0;
        for (byte[] b : hostQueue) {
            queued += b.length;
        }
        return queued + pendingInput.size() + rxFifo.size();
    }

    @Override
    public byte[] output() {
        synchronized (out) {
            return out.toByteArray();
        }
    }

    @Override
    public String text() {
        return new String(output(), StandardCharsets.UTF_8);
    }

    @Override
    public long length() {
        synchronized (out) {
            return out.size();
        }
    }

    @Override
    public void clear() {
        synchronized (out) {
            out.reset();
        }
    }

    @Override
    public void setListener(IntConsumer listener) {
        this.listener = listener;
    }
}
