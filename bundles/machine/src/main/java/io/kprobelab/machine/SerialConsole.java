package io.kprobelab.machine;

import java.util.function.IntConsumer;

/** The machine's serial console (the 16550 UART at port 0x3f8): everything the guest wrote to it. */
public interface SerialConsole {

    /** All bytes written since the last {@link #clear()}. */
    byte[] output();

    /** {@link #output()} as UTF-8 text. */
    String text();

    /** How many bytes {@link #output()} holds. */
    long length();

    /** Forgets the captured output. */
    void clear();

    /**
     * Streams output: {@code listener} gets each byte (0..255) as the guest writes it, on the
     * vCPU thread; null removes it.
     */
    void setListener(IntConsumer listener);
}
