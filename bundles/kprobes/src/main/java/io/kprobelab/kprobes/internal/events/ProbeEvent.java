package io.kprobelab.kprobes.internal.events;

import io.kprobelab.kprobes.Errno;
import io.kprobelab.kprobes.KprobeException;
import io.kprobelab.kprobes.events.ProbeEventDefinition;
import io.kprobelab.kprobes.events.ProbeEventError;
import io.kprobelab.kprobes.events.ProbeEventException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * A probe definition ready to register: its model and its compiled fetch arguments. At a hit,
 * {@link #appendArgs} prints the argument part of the trace line. A return probe that reads
 * {@code $argN} needs those arguments saved when the function is entered: run
 * {@link #captureEntryData} from the kretprobe's entry handler into the instance's
 * {@code long[entryDataSlots()]} and serve it back through {@link FetchContext#entryData}.
 */
public final class ProbeEvent implements ProbeEventCommand {

    private final ProbeEventDefinition definition;
    private final List<FetchArg> args;
    /** For each entry-data slot, the 0-based function argument its entry handler stores. */
    private final int[] entryArgs;
    /** The command as {@code error_log} echoes it, and the column of its probe point. */
    private final String command;
    private final int probePointColumn;

    ProbeEvent(ProbeEventDefinition definition, List<FetchArg> args, int[] entryArgs, String command,
            int probePointColumn) {
        this.definition = definition;
        this.args = List.copyOf(args);
        this.entryArgs = entryArgs.clone();
        this.command = command;
        this.probePointColumn = probePointColumn;
    }

    /** The definition (read-back line via {@code toString()}). */
    public ProbeEventDefinition definition() {
        return definition;
    }

    /** Appends {@code " name=value"} for every argument, as the trace line shows them. */
    public StringBuilder appendArgs(StringBuilder out, FetchContext ctx) {
        for (int i = 0; i < args.size(); i++) {
            args.get(i).appendTo(out, ctx);
        }
        return out;
    }

    /** The argument part of a trace line as a string. */
    public String formatArgs(FetchContext ctx) {
        return appendArgs(new StringBuilder(16 * args.size() + 16), ctx).toString();
    }

    /** How many values the entry handler of a return probe must save (0: no entry handler needed). */
    public int entryDataSlots() {
        return entryArgs.length;
    }

    /** {@code store_trace_entry_data}: saves the function arguments the return probe reads. */
    public void captureEntryData(FetchContext atEntry, long[] slots) {
        for (int i = 0; i < entryArgs.length; i++) {
            slots[i] = FetchArg.kernelArgument(atEntry, entryArgs[i]);
        }
    }

    /** True when the event has fetch arguments (the trace line has more than the probe point). */
    public boolean hasArgs() {
        return !args.isEmpty();
    }

    /** {@link #captureEntryData(FetchContext, long[])} into a kretprobe instance's data, 8 bytes a slot. */
    public void captureEntryData(FetchContext atEntry, ByteBuffer data) {
        for (int i = 0; i < entryArgs.length; i++) {
            data.putLong(i * 8, FetchArg.kernelArgument(atEntry, entryArgs[i]));
        }
    }

    /**
     * What {@code trace_kprobe_create} logs when registering the probe failed
     * ({@code register_trace_kprobe} returned an error): EILSEQ is BAD_INSN_BNDRY, ENOENT
     * BAD_PROBE_ADDR, ENOMEM and EEXIST are not logged (only the write fails), anything else is
     * FAIL_REG_PROBE; the caret is under the probe point.
     */
    public ProbeEventException registrationFailed(KprobeException e) {
        Errno errno = e.errno();
        Optional<ProbeEventError> code = switch (errno) {
            case EILSEQ -> Optional.of(ProbeEventError.BAD_INSN_BNDRY);
            case ENOENT -> Optional.of(ProbeEventError.BAD_PROBE_ADDR);
            case ENOMEM, EEXIST -> Optional.empty();
            default -> Optional.of(ProbeEventError.FAIL_REG_PROBE);
        };
        ProbeEventException x = code.isPresent()
                ? new ProbeEventException(code.get(), errno, command, probePointColumn)
                : new ProbeEventException(errno, command, e.getMessage());
        x.initCause(e);
        return x;
    }

    List<FetchArg> fetchArgs() {
        return args;
    }

    @Override
    public String toString() {
        return definition.toString();
    }
}
