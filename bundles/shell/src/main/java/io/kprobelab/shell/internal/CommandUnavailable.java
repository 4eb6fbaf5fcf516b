package io.kprobelab.shell.internal;

/**
 * A command cannot run now (a service is missing, an event is busy); prints just its message,
 * like {@link CommandError}.
 */
final class CommandUnavailable extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    CommandUnavailable(String message) {
        super(message);
    }

    @Override
    public String toString() {
        return getMessage();
    }
}
