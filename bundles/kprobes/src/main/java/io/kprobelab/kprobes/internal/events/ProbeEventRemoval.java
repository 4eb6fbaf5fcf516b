package io.kprobelab.kprobes.internal.events;

import io.kprobelab.kprobes.events.ProbeArgument;
import io.kprobelab.kprobes.events.ProbeEventDefinition;
import java.util.List;
import java.util.Optional;

/**
 * A {@code -:[GRP/][EVENT] [SYM[+OFFS]|0xADDR [NAME=ARG...]]} command ({@code dyn_event_release}):
 * removes every probe it {@link #matches}. {@code -:GRP/} names every event of the group; a probe
 * point after the name removes only the probes of the event on that point whose leading
 * arguments read back the same. Matching nothing fails with ENOENT, an enabled event with EBUSY
 * (the caller's checks; the kernel logs neither).
 */
public record ProbeEventRemoval(Optional<String> group, String event, List<String> head) implements ProbeEventCommand {

    public ProbeEventRemoval {
        head = List.copyOf(head);
    }

    /** {@code trace_kprobe_match}: does this command remove the probe {@code d}? */
    public boolean matches(ProbeEventDefinition d) {
        if (!event.isEmpty() && !event.equals(d.event())) {
            return false;
        }
        if (group.isPresent() && !group.get().equals(d.group())) {
            return false;
        }
        if (head.isEmpty()) {
            return true;
        }
        if (!head.get(0).equals(d.target())) {
            return false;
        }
        List<ProbeArgument> args = d.arguments();
        if (args.size() < head.size() - 1) {
            return false;
        }
        for (int i = 1; i < head.size(); i++) {
            // the kernel compares against "name=comm" cut to MAX_ARGSTR_LEN characters
            String have = args.get(i - 1).toString();
            if (have.length() > FetchArgParser.MAX_ARGSTR_LEN) {
                have = have.substring(0, FetchArgParser.MAX_ARGSTR_LEN);
            }
            if (!have.equals(head.get(i))) {
                return false;
            }
        }
        return true;
    }
}
