package io.kprobelab.kprobes.internal.events;

import io.kprobelab.kprobes.Errno;
import io.kprobelab.kprobes.events.ProbeEventError;
import io.kprobelab.kprobes.events.ProbeEventException;
import java.util.List;

/**
 * {@code trace_probe_log}: the words of the command being parsed, which one an error is in, and
 * the command as {@code error_log} echoes it (words joined by one space).
 */
final class ProbeLog {

    final List<String> argv;
    final String command;
    int index;

    ProbeLog(List<String> argv) {
        this.argv = argv;
        this.command = String.join(" ", argv);
    }

    ProbeEventException err(int offset, ProbeEventError e) {
        return err(offset, e, Errno.EINVAL);
    }

    ProbeEventException err(int offset, ProbeEventError e, Errno errno) {
        return new ProbeEventException(e, errno, command, caret(offset));
    }

    /** {@code e} logged after {@code earlier} (the kernel logged both). */
    ProbeEventException again(ProbeEventException e, ProbeEventException earlier) {
        return new ProbeEventException(e.error().orElseThrow(), e.errno(), command, e.caret(), earlier);
    }

    ProbeEventException silent(Errno errno, String why) {
        return new ProbeEventException(errno, command, why);
    }

    /** {@code __trace_probe_log_err}: an index past the last word puts the caret after it and a space. */
    int caret(int offset) {
        int pos = 0;
        int len = 0;
        for (int i = 0; i < argv.size(); i++) {
            if (i == index) {
                pos = len;
            }
            len += argv.get(i).length() + 1;
        }
        if (index >= argv.size()) {
            return len;
        }
        return pos + offset;
    }
}
