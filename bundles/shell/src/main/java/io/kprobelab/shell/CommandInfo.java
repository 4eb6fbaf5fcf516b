package io.kprobelab.shell;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.felix.gogo.runtime.CommandProxy;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;

/**
 * One Gogo command ({@code scope:function}) as its Java methods declare it: each overload's
 * description ({@code @Descriptor}), options ({@code @Parameter}) and operands (parameter names,
 * upper-cased). {@code help}, the usage line of a wrong call and the console's completion all read
 * commands through this class, so they describe a command the same way. Methods are matched as
 * Gogo's {@code Reflective} matches them: {@code name}, {@code getName}, {@code isName},
 * {@code setName}, and {@code _name} for Java keywords.
 */
public final class CommandInfo {

    /** Gogo's session variable with every command name ({@code CommandSessionImpl.COMMANDS}). */
    private static final String COMMANDS = ".commands";

    /** Words Gogo prefixes with {@code _} in method names (a subset: those a command could be named). */
    private static final Set<String> KEYWORDS = Set.of("continue", "for", "new", "switch", "default", "do",
            "if", "break", "throw", "else", "return", "try", "while", "case", "catch", "class", "enum");

    /** An option: {@code --repeat N}, or a flag such as {@code -a} when {@code valueName} is null. */
    public record Option(List<String> names, String description, String valueName) {
        /** {@code [--repeat N]} or {@code [-a]}. */
        public String synopsis() {
            return "[" + names.get(0) + (valueName == null ? "" : " " + valueName) + "]";
        }
    }

    /** An operand: {@code PROGRAM}, or {@code [ARG]...} when {@code repeated} (a Java varargs). */
    public record Operand(String name, String description, boolean repeated) {
        public String synopsis() {
            return repeated ? "[" + name + "]..." : name;
        }
    }

    /** One overload of the command. */
    public record Function(String description, List<Option> options, List<Operand> operands) {

        /** {@code machine:call [--repeat N] SYMBOL [ARG]...}. */
        public String synopsis(String command) {
            StringBuilder sb = new StringBuilder(command);
            options.forEach(o -> sb.append(' ').append(o.synopsis()));
            operands.forEach(o -> sb.append(' ').append(o.synopsis()));
            return sb.toString();
        }

        /** The fewest operands a call can give. */
        int minOperands() {
            return (int) operands.stream().filter(o -> !o.repeated()).count();
        }

        /** The most, or {@code Integer.MAX_VALUE} with a repeated one. */
        int maxOperands() {
            return operands.stream().anyMatch(Operand::repeated) ? Integer.MAX_VALUE : operands.size();
        }
    }

    private final String name;
    private final List<Function> functions;

    private CommandInfo(String name, List<Function> functions) {
        this.name = name;
        this.functions = functions;
    }

    /** {@code scope:function}. */
    public String name() {
        return name;
    }

    public String scope() {
        return name.substring(0, name.indexOf(':'));
    }

    /** The overloads, fewest operands first. */
    public List<Function> functions() {
        return functions;
    }

    /** One synopsis per overload. */
    public List<String> synopses() {
        return functions.stream().map(f -> f.synopsis(name)).distinct().toList();
    }

    /**
     * One line about the command: the first clause of the description of the overload with the
     * most operands (where the command does the most), empty when none is described.
     */
    public String summary() {
        String d = "";
        for (Function f : functions) {
            if (!f.description().isEmpty()) {
                d = f.description();
            }
        }
        return firstClause(d);
    }

    /** Every option of every overload, by its first name. */
    public List<Option> options() {
        List<Option> out = new ArrayList<>();
        for (Function f : functions) {
            for (Option o : f.options()) {
                if (out.stream().noneMatch(x -> x.names().equals(o.names()))) {
                    out.add(o);
                }
            }
        }
        return out;
    }

    /** The text up to the first {@code ; }, {@code : } or {@code . } outside parentheses. */
    static String firstClause(String text) {
        int end = text.length();
        int depth = 0;
        for (int i = 0; i < text.length() - 1 && end == text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth = Math.max(0, depth - 1);
            } else if (depth == 0 && (c == ';' || c == ':' || c == '.') && text.charAt(i + 1) == ' ') {
                end = i;
            }
        }
        String s = text.substring(0, end).strip();
        if (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }

    /**
     * Every command name the session knows, sorted ({@code scope:function}); empty when the
     * session does not list them.
     */
    public static Set<String> names(CommandSession session) {
        Object names = session.get(COMMANDS);
        Set<String> out = new TreeSet<>();
        if (names instanceof Collection<?> c) {
            c.forEach(n -> out.add(String.valueOf(n)));
        }
        return out;
    }

    /**
     * {@code command} resolved as Gogo resolves it: as is when it names a scope, else through the
     * {@code SCOPE} variable's scopes in order ({@code *} for any); empty when nothing matches.
     */
    public static Optional<String> resolve(CommandSession session, String command) {
        Set<String> names = names(session);
        if (command.indexOf(':') >= 0) {
            return names.contains(command) ? Optional.of(command) : Optional.empty();
        }
        Object path = session.get("SCOPE");
        for (String scope : (path == null ? "*" : path.toString()).split(":")) {
            for (String n : names) {
                if ("*".equals(scope) ? n.endsWith(":" + command) : n.equals(scope + ":" + command)) {
                    return Optional.of(n);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The command {@code command} names (resolved through {@code SCOPE}), when it is a Java
     * object's methods; empty for unknown commands and for closures defined in scripts.
     */
    public static Optional<CommandInfo> of(CommandSession session, String command) {
        Optional<String> resolved = resolve(session, command);
        if (resolved.isEmpty()) {
            return Optional.empty();
        }
        String full = resolved.get();
        Object f = session.get(full);
        if (!(f instanceof CommandProxy proxy)) {
            return Optional.empty();
        }
        try {
            Object target = proxy.getTarget();
            return target == null ? Optional.empty()
                    : Optional.of(of(full, target.getClass()));
        } finally {
            proxy.ungetTarget();
        }
    }

    /** The command {@code scope:function} implemented by the public methods of {@code type}. */
    public static CommandInfo of(String name, Class<?> type) {
        String fn = name.substring(name.indexOf(':') + 1).toLowerCase(Locale.ENGLISH);
        Set<String> methodNames = Set.of(KEYWORDS.contains(fn) ? "_" + fn : fn, "get" + fn, "is" + fn, "set" + fn);
        List<Function> functions = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (m.getDeclaringClass() != Object.class && methodNames.contains(m.getName().toLowerCase(Locale.ENGLISH))) {
                functions.add(function(m));
            }
        }
        functions.sort((a, b) -> a.operands().size() != b.operands().size()
                ? Integer.compare(a.operands().size(), b.operands().size())
                : Integer.compare(a.options().size(), b.options().size()));
        return new CommandInfo(name, List.copyOf(functions));
    }

    private static Function function(Method m) {
        List<Option> options = new ArrayList<>();
        List<Operand> operands = new ArrayList<>();
        Parameter[] params = m.getParameters();
        for (int i = 0; i < params.length; i++) {
            Parameter p = params[i];
            if (CommandSession.class.isAssignableFrom(p.getType())) {
                continue; // Gogo passes the session itself
            }
            String description = describe(p.getAnnotation(Descriptor.class));
            org.apache.felix.service.command.Parameter opt = p.getAnnotation(org.apache.felix.service.command.Parameter.class);
            if (opt != null) {
                boolean flag = !org.apache.felix.service.command.Parameter.UNSPECIFIED.equals(opt.presentValue());
                options.add(new Option(List.of(opt.names()), description, flag ? null : valueName(p)));
            } else {
                boolean repeated = m.isVarArgs() && i == params.length - 1;
                operands.add(new Operand(operandName(p, repeated), description, repeated));
            }
        }
        return new Function(describe(m.getAnnotation(Descriptor.class)), List.copyOf(options), List.copyOf(operands));
    }

    private static String describe(Descriptor d) {
        return d == null ? "" : d.value();
    }

    // An option's value: N for numbers, else its name.
    private static String valueName(Parameter p) {
        Class<?> t = p.getType();
        if (t == int.class || t == long.class || t == Integer.class || t == Long.class) {
            return "N";
        }
        return operandName(p, false);
    }

    // The parameter's name upper-cased (onCpus: ON_CPUS); its type's when the class was compiled
    // without -parameters.
    private static String operandName(Parameter p, boolean repeated) {
        String n = p.isNamePresent() ? p.getName() : (repeated ? p.getType().getComponentType() : p.getType()).getSimpleName();
        return n.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ENGLISH);
    }
}
