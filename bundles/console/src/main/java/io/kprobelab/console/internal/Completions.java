package io.kprobelab.console.internal;

import io.kprobelab.guest.GuestProgram;
import io.kprobelab.kprobes.Generation;
import io.kprobelab.kprobes.events.ProbeEvents;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Symbol;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the operands of KprobeLab's commands can be, from the one place each list lives: the
 * machine's symbols, the defined events, {@link Generation}, {@link GuestProgram}. Each method
 * gets the operands before the one being completed and returns the words it may be.
 */
final class Completions {

    /** Completes one command's operands: the earlier operands in, the candidates out. */
    @FunctionalInterface
    interface Operands {
        List<String> complete(List<String> before, String prefix);
    }

    private final Supplier<List<String>> symbols;
    private final Supplier<List<String>> events;

    /** Over the symbols and the event names (GRP/EVENT) that the suppliers give at each Tab. */
    Completions(Supplier<List<String>> symbols, Supplier<List<String>> events) {
        this.symbols = symbols;
        this.events = events;
    }

    /** Over the services the console references (either may be missing: no candidates then). */
    static Completions of(Supplier<Machine> machine, Supplier<ProbeEvents> events) {
        return new Completions(() -> {
            Machine m = machine.get();
            List<String> out = new ArrayList<>();
            if (m != null) {
                for (Symbol s : m.symbols().all()) {
                    out.add(s.name());
                }
            }
            return out;
        }, () -> {
            ProbeEvents e = events.get();
            return e == null ? List.of() : e.names();
        });
    }

    /** The operand completers of KprobeLab's commands, by command name. */
    Map<String, Operands> byCommand() {
        Operands firstSymbol = (before, prefix) -> before.isEmpty() ? symbols() : List.of();
        Operands firstEvent = (before, prefix) -> before.isEmpty() ? events() : List.of();
        return Map.ofEntries(
                Map.entry("machine:call", firstSymbol),
                Map.entry("machine:disasm", firstSymbol),
                Map.entry("machine:mem", firstSymbol),
                Map.entry("machine:syms", firstSymbol),
                Map.entry("kprobe:add", this::definition),
                Map.entry("kprobe:remove", firstEvent),
                Map.entry("kprobe:enable", firstEvent),
                Map.entry("kprobe:disable", firstEvent),
                Map.entry("kprobe:generation", (before, prefix) -> before.isEmpty() ? Generation.labels() : List.of()),
                Map.entry("guest:run", Completions::program));
    }

    /** The symbols of the loaded image. */
    List<String> symbols() {
        return symbols.get();
    }

    /** Event names as users type them: without the group. */
    List<String> events() {
        return events.get().stream().map(n -> n.substring(n.indexOf('/') + 1)).distinct().toList();
    }

    /**
     * {@code guest:run}: a program first, then that program's own arguments (fault's kinds,
     * kill's signals; for sh, a program again after {@code ;} or {@code &}).
     */
    static List<String> program(List<String> before, String prefix) {
        List<String> programs = Arrays.stream(GuestProgram.values()).map(GuestProgram::command).toList();
        if (before.isEmpty()) {
            return programs;
        }
        GuestProgram p = GuestProgram.named(before.get(0)).orElse(null);
        if (p == GuestProgram.SH) {
            String last = before.get(before.size() - 1);
            return before.size() == 1 || last.equals(";") || last.equals("&") ? programs
                    : program(before.subList(lastCommandStart(before), before.size()), prefix);
        }
        return p != null && before.size() == 1 ? p.choices() : List.of();
    }

    // Where the last command of sh's words starts (after the last ; or &).
    private static int lastCommandStart(List<String> words) {
        for (int i = words.size() - 1; i > 0; i--) {
            if (words.get(i).equals(";") || words.get(i).equals("&")) {
                return i + 1;
            }
        }
        return 1;
    }

    /**
     * {@code kprobe:add}: the words of the definition so far decide. After the type and name
     * ({@code p:NAME}, {@code r:NAME}) comes the probe point: a symbol; after {@code -:}, an event.
     */
    List<String> definition(List<String> before, String prefix) {
        if (before.isEmpty()) {
            if (prefix.startsWith("-:")) {
                return events().stream().map(e -> "-:" + e).toList();
            }
            return List.of();
        }
        return before.size() == 1 && !before.get(0).startsWith("-") ? symbols() : List.of();
    }
}
