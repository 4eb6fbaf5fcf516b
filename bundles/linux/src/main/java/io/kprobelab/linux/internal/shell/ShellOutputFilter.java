package io.kprobelab.linux.internal.shell;

import java.io.ByteArrayOutputStream;
import java.util.function.IntConsumer;

/**
 * Separates one command's output from the rest of what a shell writes on the serial console.
 *
 * <p>{@link SerialShell} types each command line as
 * {@code printf '\033]133;C\007'; eval 'LINE'; printf '\033]133;D;%d\007' $?}: the two OSC 133 marks of
 * terminal shell integration ("command output starts", "command finished with status N"), which
 * terminals do not display. Everything before the first mark (the shell's echo of the typed
 * line, the previous prompt) and after the second (the next prompt) is the shell's, not the
 * command's. Only the shell's own {@code printf} can put the real escape bytes there: the echo
 * shows them as the text {@code \033}. Between the marks the output goes to the consumer with
 * the terminal's CR LF turned back into LF.
 */
final class ShellOutputFilter {

    private static final byte[] START = "\033]133;C\007".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] END_PREFIX = "\033]133;D;".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int ESC = 0x1b, BEL = 7;

    private enum State { BEFORE, OUTPUT, DONE }

    private final IntConsumer out;
    private State state = State.BEFORE;
    private int startMatched;
    /** Bytes held back in OUTPUT: a possible end mark, or a CR that may start a CR LF. */
    private final ByteArrayOutputStream held = new ByteArrayOutputStream();
    private int status = -1;

    ShellOutputFilter(IntConsumer out) {
        this.out = out;
    }

    /** True once the end mark with the status has been seen. */
    boolean done() {
        return state == State.DONE;
    }

    /** True once the start mark has been seen (the command runs). */
    boolean started() {
        return state != State.BEFORE;
    }

    /** The command's exit status, -1 before {@link #done()}. */
    int status() {
        return status;
    }

    void accept(int b) {
        b &= 0xff;
        switch (state) {
            case BEFORE:
                if (b == START[startMatched]) {
                    if (++startMatched == START.length) {
                        state = State.OUTPUT;
                    }
                } else {
                    startMatched = b == START[0] ? 1 : 0;
                }
                break;
            case OUTPUT:
                output(b);
                break;
            default: // DONE: the next prompt
        }
    }

    private void output(int b) {
        if (held.size() == 0) {
            if (b == ESC || b == '\r') {
                held.write(b);
            } else {
                out.accept(b);
            }
            return;
        }
        byte[] h = held.toByteArray();
        if (h[0] == '\r') {
            held.reset();
            if (b == '\n') {
                out.accept('\n');
            } else {
                out.accept('\r');
                output(b);
            }
            return;
        }
        // h starts with ESC: an end mark in the making?
        int n = h.length;
        if (n < END_PREFIX.length) {
            if (b == END_PREFIX[n]) {
                held.write(b);
                return;
            }
        } else if (b >= '0' && b <= '9' && n < END_PREFIX.length + 3) { // a status is 0-255
            held.write(b);
            return;
        } else if (b == BEL && n > END_PREFIX.length) {
            status = Integer.parseInt(new String(h, END_PREFIX.length, n - END_PREFIX.length,
                    java.nio.charset.StandardCharsets.US_ASCII));
            held.reset();
            state = State.DONE;
            return;
        }
        // not an end mark: the held bytes were output after all
        held.reset();
        for (byte x : h) {
            out.accept(x & 0xff);
        }
        output(b);
    }
}
