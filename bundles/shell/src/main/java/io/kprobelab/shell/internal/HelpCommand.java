package io.kprobelab.shell.internal;

import io.kprobelab.shell.CommandInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.felix.gogo.runtime.CommandProxy;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;

/**
 * {@code help}, grouped as Karaf's is: KprobeLab's scopes first, one line per command; Gogo's own
 * (felix, gogo, context, system...) only on request ({@code help SCOPE}, {@code help --all}).
 * {@code help COMMAND} gives every synopsis, the description and the options and operands,
 * wrapped at the terminal's width. Everything comes from the commands' annotations through
 * {@link CommandInfo}, as the usage lines of failed calls do.
 */
@Component(service = HelpCommand.class, property = {
        "osgi.command.scope=kprobelab",
        "osgi.command.function=help"})
public final class HelpCommand {

    /** KprobeLab's scopes, in the order help lists them. */
    static final List<String> OWN_SCOPES = List.of("machine", "kprobe", "guest", "kprobelab");

    /** Width when the session does not know its terminal's (-c, --script, a pipe). */
    static final int DEFAULT_WIDTH = 80;

    @Descriptor("list KprobeLab's commands (with SCOPE: that scope's, with --all: every scope's), "
            + "or describe one command")
    public String help(CommandSession session,
            @Descriptor("list every scope, Gogo's own too")
            @Parameter(names = {"-a", "--all"}, presentValue = "true", absentValue = "false") boolean all,
            @Descriptor("a command (SCOPE:NAME or NAME) or a scope") String... topic) {
        int width = width(session);
        if (topic.length > 1) {
            throw new CommandError("help: one COMMAND or SCOPE at a time");
        }
        Map<String, List<String>> scopes = scopes(session);
        if (topic.length == 0) {
            return overview(session, scopes, all, width);
        }
        String t = Operands.word(topic[0]);
        if (scopes.containsKey(t)) {
            return String.join("\n", listing(session, scopes.get(t), width));
        }
        Optional<CommandInfo> info = CommandInfo.of(session, t);
        if (info.isEmpty()) {
            throw new CommandError("help: no command or scope named " + t + " ('help --all' lists them all)");
        }
        return String.join("\n", describe(session, info.get(), width));
    }

    /** Command names by scope: KprobeLab's first in {@link #OWN_SCOPES} order, then the others by name. */
    static Map<String, List<String>> scopes(CommandSession session) {
        Map<String, List<String>> byScope = new LinkedHashMap<>();
        for (String s : OWN_SCOPES) {
            byScope.put(s, new ArrayList<>());
        }
        Set<String> names = CommandInfo.names(session);
        for (String n : names) {
            int colon = n.indexOf(':');
            if (colon > 0) {
                byScope.computeIfAbsent(n.substring(0, colon), k -> new ArrayList<>()).add(n);
            }
        }
        byScope.values().removeIf(List::isEmpty);
        return byScope;
    }

    private static String overview(CommandSession session, Map<String, List<String>> scopes, boolean all, int width) {
        List<String> out = new ArrayList<>();
        out.add(fit("KprobeLab's commands ('help COMMAND' describes one; Tab completes names and arguments):", width));
        List<String> others = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : scopes.entrySet()) {
            boolean own = OWN_SCOPES.contains(e.getKey());
            if (!own) {
                others.add(e.getKey());
            }
            if (own || all) {
                out.add("");
                out.addAll(listing(session, e.getValue(), width));
            }
        }
        if (!all && !others.isEmpty()) {
            out.add("");
            out.addAll(wrap("Gogo's own commands are in scopes " + String.join(", ", others)
                    + ": 'help SCOPE' lists one, 'help --all' lists them all.", width, ""));
        }
        return String.join("\n", out);
    }

    // One line per command: name and summary, cut at the width.
    private static List<String> listing(CommandSession session, List<String> commands, int width) {
        int col = commands.stream().mapToInt(String::length).max().orElse(0) + 2;
        List<String> out = new ArrayList<>();
        for (String c : commands) {
            String summary = CommandInfo.of(session, c).map(CommandInfo::summary).orElse("");
            out.add(fit(String.format("  %-" + col + "s%s", c, summary).stripTrailing(), width));
        }
        return out;
    }

    private static List<String> describe(CommandSession session, CommandInfo info, int width) {
        List<String> out = new ArrayList<>();
        List<CommandInfo.Option> options = new ArrayList<>();
        List<CommandInfo.Operand> operands = new ArrayList<>();
        for (CommandInfo.Function f : info.functions()) {
            out.addAll(wrap(f.synopsis(info.name()), width, "      "));
            if (!f.description().isEmpty()) {
                out.addAll(wrap(f.description(), width, "    ", "    "));
            }
            for (CommandInfo.Option o : f.options()) {
                if (options.stream().noneMatch(x -> x.names().equals(o.names()))) {
                    options.add(o);
                }
            }
            for (CommandInfo.Operand o : f.operands()) {
                if (operands.stream().noneMatch(x -> x.name().equals(o.name()))) {
                    operands.add(o);
                }
            }
        }
        List<String[]> rows = new ArrayList<>();
        for (CommandInfo.Option o : options) {
            rows.add(new String[] {String.join(", ", o.names()) + (o.valueName() == null ? "" : " " + o.valueName()),
                    o.description()});
        }
        for (CommandInfo.Operand o : operands) {
            rows.add(new String[] {o.name(), o.description()});
        }
        int col = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0) + 4;
        for (String[] r : rows) {
            String head = String.format("  %-" + (col - 2) + "s", r[0]);
            out.addAll(wrap(r[1], width, head, " ".repeat(col)));
        }
        out.addAll(notes(session, info));
        return out;
    }

    // What a command object adds from data (Documented), e.g. the guest's programs.
    private static List<String> notes(CommandSession session, CommandInfo info) {
        Object f = session.get(info.name());
        if (!(f instanceof CommandProxy proxy)) {
            return List.of();
        }
        try {
            Object target = proxy.getTarget();
            String function = info.name().substring(info.name().indexOf(':') + 1);
            return target instanceof Documented d ? d.notes(function) : List.of();
        } finally {
            proxy.ungetTarget();
        }
    }

    /** The session's terminal width (the console's COLUMNS), else {@link #DEFAULT_WIDTH}. */
    static int width(CommandSession session) {
        Object c = session.get("COLUMNS");
        if (c instanceof Number n && n.intValue() >= 20) {
            return n.intValue();
        }
        return DEFAULT_WIDTH;
    }

    private static String fit(String line, int width) {
        return line.length() <= width ? line : line.substring(0, Math.max(0, width - 3)) + "...";
    }

    static List<String> wrap(String text, int width, String indent) {
        return wrap(text, width, "", indent);
    }

    /** Words of {@code text} in lines of at most {@code width}: the first after {@code first}, the rest after {@code indent}. */
    static List<String> wrap(String text, int width, String first, String indent) {
        List<String> out = new ArrayList<>();
        StringBuilder line = new StringBuilder(first);
        boolean empty = true;
        for (String word : text.trim().split("\\s+")) {
            if (!empty && line.length() + 1 + word.length() > width) {
                out.add(line.toString());
                line = new StringBuilder(indent);
                empty = true;
            }
            if (!empty) {
                line.append(' ');
            }
            line.append(word);
            empty = false;
        }
        out.add(line.toString().stripTrailing());
        return out;
    }
}
