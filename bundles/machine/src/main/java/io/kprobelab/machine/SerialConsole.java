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

    /**
     * Sends {@code bytes} to the guest, as typed on a terminal attached to the UART: they reach
     * the receiver at the start of the guest's next run slice (a defined point in virtual time,
     * so runs with the same input replay exactly). Callable from any thread.
     */
    default void input(byte[] bytes) {
        throw new UnsupportedOperationException("this console has no receiver");
    }

    /** Host input bytes the guest has not read yet. */
    default int pendingInput() {
        return 0;
    }
}
