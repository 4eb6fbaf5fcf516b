package io.kprobelab.console.internal;

import io.kprobelab.shell.CommandInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.felix.service.command.CommandSession;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

/**
 * Tab: command names with their one-line summaries; a command's options from its
 * {@code @Parameter}s; KprobeLab's operands from {@link Completions} (symbols, events,
 * generations, each guest program's own arguments), inside quotes too, where a kprobe_events
 * definition is one word of several; anything else from the profile's {@code complete} data.
 * Never throws: a failed completion offers nothing and leaves the line as it is.
 */
final class ConsoleCompleter implements Completer {

    private final CommandSession session;
    private final Completer profile;
    private final Map<String, Completions.Operands> operands;
    private final Map<String, String> summaries = new ConcurrentHashMap<>();

    ConsoleCompleter(CommandSession session, Completer profile, Map<String, Completions.Operands> operands) {
        this.session = session;
        this.profile = profile;
        this.operands = operands;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        try {
            if (!(line instanceof ConsoleParser.Line l)) {
                profile.complete(reader, line, candidates);
            } else if (l.wordIndex() == 0) {
                commands(candidates);
            } else {
                arguments(reader, l, candidates);
            }
        } catch (RuntimeException e) {
            // no candidates: Tab must never end the line editor
        }
    }

    private void commands(List<Candidate> candidates) {
        for (String name : CommandInfo.names(session)) {
            String fn = name.substring(name.indexOf(':') + 1);
            if (fn.startsWith("_")) {
                continue;
            }
            String summary = summaries.computeIfAbsent(name,
                    n -> CommandInfo.of(session, n).map(CommandInfo::summary).orElse(""));
            String desc = summary.isEmpty() ? null : summary;
            String group = isOwn(name) ? "KprobeLab" : "Gogo";
            candidates.add(new Candidate(name, name, group, desc, null, name, true));
            if (CommandInfo.resolve(session, fn).filter(name::equals).isPresent()) {
                candidates.add(new Candidate(fn, fn, group, desc, null, name, true));
            }
        }
    }

    private static boolean isOwn(String name) {
        String scope = name.substring(0, name.indexOf(':'));
        return List.of("machine", "kprobe", "guest", "kprobelab").contains(scope);
    }

    private void arguments(LineReader reader, ConsoleParser.Line line, List<Candidate> candidates) {
        Optional<String> command = CommandInfo.resolve(session, line.words().get(0));
        Completions.Operands ops = command.map(operands::get).orElse(null);
        Optional<CommandInfo> info = command.flatMap(c -> CommandInfo.of(session, c));
        String current = line.word().substring(0, line.wordCursor());
        List<CommandInfo.Option> options = info.map(CommandInfo::options).orElse(List.of());
        if (current.startsWith("-") && !current.startsWith("-:") && !options.isEmpty()) {
            for (CommandInfo.Option o : options) {
                for (String n : o.names()) {
                    candidates.add(new Candidate(n, n, "options", o.description(), null, o.names().get(0), true));
                }
            }
            return;
        }
        if (ops == null) {
            profile.complete(reader, line, candidates);
            return;
        }
        List<String> before = new ArrayList<>();
        List<String> words = line.words().subList(1, line.wordIndex());
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            Optional<CommandInfo.Option> o = option(options, w);
            if (o.isPresent()) {
                if (o.get().valueName() != null) {
                    if (i == words.size() - 1) {
                        return; // completing an option's value: nothing to offer
                    }
                    i++;
                }
                continue;
            }
            before.addAll(List.of(w.trim().split("\\s+")));
        }
        before.removeIf(String::isEmpty);
        // A quoted word can hold several (a whole kprobe_events definition): complete its last.
        int space = current.lastIndexOf(' ');
        String head = current.substring(0, space + 1);
        String prefix = current.substring(space + 1);
        for (String w : head.trim().split("\\s+")) {
            if (!w.isEmpty()) {
                before.add(w);
            }
        }
        boolean more = line.quoted() && command.filter("kprobe:add"::equals).isPresent();
        for (String c : ops.complete(before, prefix)) {
            // in a quoted definition the quote stays open: fetch arguments may follow
            candidates.add(new Candidate(head + c, c, null, null, null, null, !more));
        }
    }

    private static Optional<CommandInfo.Option> option(List<CommandInfo.Option> options, String word) {
        return options.stream().filter(o -> o.names().contains(word)).findFirst();
    }
}
