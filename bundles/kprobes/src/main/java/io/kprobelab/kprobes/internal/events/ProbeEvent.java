package io.kprobelab.kprobes.internal.events;

import io.kprobelab.kprobes.events.ProbeEventDefinition;
import java.util.List;

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

    ProbeEvent(ProbeEventDefinition definition, List<FetchArg> args, int[] entryArgs) {
        this.definition = definition;
        this.args = List.copyOf(args);
        this.entryArgs = entryArgs.clone();
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

    List<FetchArg> fetchArgs() {
        return args;
    }

    @Override
    public String toString() {
        return definition.toString();
    }
}
