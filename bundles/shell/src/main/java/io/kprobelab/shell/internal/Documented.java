package io.kprobelab.shell.internal;

import java.util.List;

/**
 * A command object with more to say in {@code help COMMAND} than its annotations hold: text built
 * from data (the guest's programs), which annotation values, being constants, cannot be.
 */
interface Documented {

    /** Lines to print after the description of {@code function}; empty for none. */
    List<String> notes(String function);
}
