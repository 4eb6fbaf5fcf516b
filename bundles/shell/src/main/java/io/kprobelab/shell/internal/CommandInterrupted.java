package io.kprobelab.shell.internal;

import io.kprobelab.shell.CommandFailure;

/**
 * The command stopped because its thread was interrupted (^C in the console): prints as
 * {@value CommandFailure#INTERRUPTED}, as a terminal echoes the key.
 */
final class CommandInterrupted extends RuntimeException {

    private static final long serialVersionUID = 1L;

    CommandInterrupted() {
        super(CommandFailure.INTERRUPTED, new InterruptedException());
    }

    @Override
    public String toString() {
        return getMessage();
    }
}
