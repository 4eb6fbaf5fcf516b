package io.kprobelab.machine.internal;

import io.kprobelab.machine.SerialConsole;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.IntConsumer;

/**
 * A 16550-compatible UART at COM1 (0x3f8) reduced to what a polling console driver needs: THR
 * (offset 0, write a byte) and LSR (offset 5) always reporting an empty transmitter (THRE and
 * TEMT, bits 5 and 6). Everything written is captured; the other registers read 0.
 */
final class Serial16550 implements SerialConsole {

    static final int BASE = 0x3f8, THR = 0, LSR = 5;
    static final int LSR_THRE = 0x20, LSR_TEMT = 0x40;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private volatile IntConsumer listener;

    int read(int offset) {
        return offset == LSR ? LSR_THRE | LSR_TEMT : 0;
    }

    void write(int offset, int value) {
        if (offset != THR) {
            return; // IER, LCR, MCR, divisor latch: accepted, nothing to configure
        }
        synchronized (out) {
            out.write(value);
        }
        IntConsumer l = listener;
        if (l != null) {
            l.accept(value & 0xff);
        }
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
