package io.kprobelab.shell.internal;

/**
 * A command refused its input. The interactive shell prints a failed command's exception with
 * {@code toString()}; this one prints just its message, so users read the kernel's
 * error_log text, not a Java class name.
 */
final class CommandError extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    CommandError(String message) {
        super(message);
    }

    @Override
    public String toString() {
        return getMessage();
    }
}
