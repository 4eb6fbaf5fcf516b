package io.kprobelab.kprobes.internal.events;

import static io.kprobelab.kprobes.events.ProbeEventError.*;

import io.kprobelab.kprobes.Errno;
import io.kprobelab.kprobes.events.ProbeArgument;
import io.kprobelab.kprobes.events.ProbeEventDefinition;
import io.kprobelab.kprobes.events.ProbeEventException;
import io.kprobelab.kprobes.internal.events.FetchInsn.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Parses kprobe_events lines as {@code kernel/trace/trace_kprobe.c} and {@code trace_probe.c} do
 * (a kernel with {@code $argN} at entry and exit and without BTF arguments), with the same checks
 * in the same order, so a refused line gets the kernel's error code, message and caret.
 *
 * <pre>
 * p[:[GRP/][EVENT]] [MOD:]SYM[+OFFS]|ADDR [FETCHARGS]
 * r[MAXACTIVE][:[GRP/][EVENT]] [MOD:]SYM[+0] [FETCHARGS]
 * p[:[GRP/][EVENT]] [MOD:]SYM[+0]%return [FETCHARGS]
 * -:[GRP/][EVENT] [SYM[+OFFS]|ADDR [NAME=ARG...]]
 * </pre>
 */
public final class ProbeEventParser {

    static final int MAX_TRACE_ARGS = 128;
    static final int MAX_EVENT_NAME_LEN = 64;
    static final int KRETPROBE_MAXACTIVE_MAX = 4096;

    private static final int FL_RETURN = FetchArgParser.FL_RETURN;
    private static final int FL_KERNEL = FetchArgParser.FL_KERNEL;
    private static final int FL_FENTRY = FetchArgParser.FL_FENTRY;

    private final ProbeSites sites;
    private final ExistingEvents existing;

    /** A parser checking against {@code sites} and the events of {@code existing}. */
    public ProbeEventParser(ProbeSites sites, ExistingEvents existing) {
        this.sites = Objects.requireNonNull(sites);
        this.existing = Objects.requireNonNull(existing);
    }

    /**
     * Parses one line written to {@code kprobe_events}. A '#' starts a comment; a line with nothing
     * else is a no-op (empty result).
     *
     * @throws ProbeEventException when the kernel would refuse the line
     */
    public Optional<ProbeEventCommand> parse(String line) throws ProbeEventException {
        int hash = line.indexOf('#');
        String text = hash >= 0 ? line.substring(0, hash) : line;
        List<String> argv = split(text);
        if (argv.isEmpty()) {
            return Optional.empty();
        }
        ProbeLog log = new ProbeLog(argv);
        if (argv.get(0).charAt(0) == '-') {
            return Optional.of(parseRemoval(argv, log));
        }
        return Optional.of(parseProbe(argv, log));
    }

    /** {@code argv_split}: whitespace-separated words. */
    static List<String> split(String text) {
        List<String> argv = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && KernelStrings.isSpace(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !KernelStrings.isSpace(text.charAt(i))) {
                i++;
            }
            if (i > start) {
                argv.add(text.substring(start, i));
            }
        }
        return argv;
    }

    // ---------------------------------------------------------------- removal

    private ProbeEventRemoval parseRemoval(List<String> argv, ProbeLog log) throws ProbeEventException {
        String head = argv.get(0);
        if (head.length() < 2 || head.charAt(1) != ':') {
            throw log.silent(Errno.EINVAL, "not a removal command");
        }
        String event = head.substring(2);
        String group = null;
        int slash = event.indexOf('/');
        if (slash >= 0) {
            group = event.substring(0, slash);
            event = event.substring(slash + 1);
        }
        if (group == null && event.isEmpty()) {
            throw log.silent(Errno.EINVAL, "no event to remove");
        }
        return new ProbeEventRemoval(Optional.ofNullable(group), event, argv.subList(1, argv.size()));
    }

    // ---------------------------------------------------------------- probe

    private ProbeEvent parseProbe(List<String> argv, ProbeLog log) throws ProbeEventException {
        String head = argv.get(0);
        boolean isReturn;
        switch (head.charAt(0)) {
            case 'r': isReturn = true; break;
            case 'p': isReturn = false; break;
            default: throw log.silent(Errno.EINVAL, "not a kprobe event command");
        }
        if (argv.size() < 2) {
            throw log.silent(Errno.EINVAL, "no probe point");
        }
        int colon = head.indexOf(':', 1);
        String event = colon >= 0 ? head.substring(colon + 1) : null;
        int eventOffset = colon + 1;

        int maxActive = 0;
        if (head.length() > 1 && KernelStrings.isDigit(head.charAt(1))) {
            if (!isReturn) {
                throw log.err(1, BAD_MAXACT_TYPE);
            }
            int len = colon >= 0 ? colon - 1 : head.length() - 1;
            if (len > MAX_EVENT_NAME_LEN - 1) {
                throw log.err(1, BAD_MAXACT);
            }
            Long v = KernelStrings.kstrtouint(head.substring(1, 1 + len), 0);
            if (v == null || v == 0) {
                throw log.err(1, BAD_MAXACT);
            }
            // the kernel stores it in an int: huge values turn negative, pass, and mean "default"
            maxActive = (int) v.longValue();
            if (maxActive > KRETPROBE_MAXACTIVE_MAX) {
                throw log.err(1, MAXACT_TOO_BIG);
            }
            maxActive = Math.max(maxActive, 0);
        }

        int flags = FL_KERNEL;
        String target = argv.get(1);
        String symbol = null;
        long offset = 0;
        Long address = KernelStrings.kstrtoul(target, 0);
        if (address == null) {
            log.index = 1;
            if (target.indexOf('/') >= 0 && target.indexOf(':') >= 0) {
                throw log.silent(Errno.EINVAL, "a uprobe definition");
            }
            symbol = target;
            int pct = symbol.indexOf('%');
            if (pct >= 0) {
                if (symbol.substring(pct).equals("%return")) {
                    symbol = symbol.substring(0, pct);
                    isReturn = true;
                } else {
                    throw log.err(pct, BAD_ADDR_SUFFIX);
                }
            }
            int sign = indexOfAny(symbol, "+-");
            if (sign >= 0) {
                Long off = KernelStrings.kstrtol(symbol.substring(sign), 0);
                if (off == null || off < 0 || off > 0xffff_ffffL) {
                    throw log.err(0, BAD_PROBE_ADDR);
                }
                offset = off;
                symbol = symbol.substring(0, sign);
            }
            validateSymbol(symbol, log);
            if (isReturn) {
                flags |= FL_RETURN;
            }
            boolean entry = isFunctionEntry(symbol, offset);
            if (entry && !isReturn) {
                flags |= FL_FENTRY;
            }
            if (!entry && isReturn && symbolExists(symbol)) {
                throw log.err(0, BAD_RETPROBE);
            }
        }

        log.index = 0;
        String group = ProbeEventDefinition.DEFAULT_GROUP;
        if (event != null) {
            int slash = event.indexOf('/');
            if (slash < 0) {
                slash = event.indexOf('.');
            }
            int off = eventOffset;
            if (slash >= 0) {
                if (slash == 0) {
                    throw log.err(off, NO_GROUP_NAME);
                }
                if (slash + 1 > MAX_EVENT_NAME_LEN) {
                    throw log.err(off, GROUP_TOO_LONG);
                }
                group = event.substring(0, slash);
                if (!KernelStrings.isGoodSystemName(group)) {
                    throw log.err(off, BAD_GROUP_NAME);
                }
                off += slash + 1;
                event = event.substring(slash + 1);
            }
            if (event.isEmpty()) {
                if (slash < 0) {
                    throw log.err(off, NO_EVENT_NAME);
                }
                event = null; // "GRP/" alone: generate the event name
            } else if (event.length() >= MAX_EVENT_NAME_LEN) {
                throw log.err(off, EVENT_TOO_LONG);
            } else if (!KernelStrings.isGoodName(event)) {
                throw log.err(off, BAD_EVENT_NAME);
            }
        }
        if (event == null) {
            String generated = symbol != null
                    ? (isReturn ? 'r' : 'p') + "_" + symbol + "_" + offset
                    : (isReturn ? 'r' : 'p') + "_0x" + String.format("%016x", address);
            if (generated.length() > MAX_EVENT_NAME_LEN - 1) {
                generated = generated.substring(0, MAX_EVENT_NAME_LEN - 1);
            }
            event = KernelStrings.sanitizeEventName(generated);
        }

        List<String> args = argv.subList(2, argv.size());
        ProbeEventException metaArgError = checkMetaArgs(args, flags, log);
        if (args.size() > MAX_TRACE_ARGS) {
            log.index = 2;
            ProbeEventException e = log.err(0, TOO_MANY_ARGS, Errno.E2BIG);
            throw metaArgError == null ? e : log.again(e, metaArgError);
        }

        List<FetchArg> fetchArgs = new ArrayList<>();
        List<Integer> entryArgs = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            log.index = i + 2;
            try {
                fetchArgs.add(FetchArgParser.parseProbeArg(args.get(i), i, fetchArgs,
                        new FetchArgParser.Context(flags, log, entryArgs)));
            } catch (ProbeEventException e) {
                throw metaArgError == null ? e : log.again(e, metaArgError);
            }
        }
        List<ProbeArgument> models = new ArrayList<>();
        for (FetchArg a : fetchArgs) {
            models.add(a.argument);
        }
        ProbeEventDefinition def = symbol != null
                ? ProbeEventDefinition.onSymbol(isReturn, maxActive, group, event, symbol, offset, models)
                : ProbeEventDefinition.onAddress(isReturn, maxActive, group, event, address, models);

        checkExistingEvent(def, log);
        resolveSymbols(fetchArgs, log);
        checkRegistration(def, symbol, log);

        int[] slots = new int[entryArgs.size()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = entryArgs.get(i);
        }
        log.index = 1;
        return new ProbeEvent(def, fetchArgs, slots, log.command, log.caret(0));
    }

    /** {@code validate_probe_symbol}: unknown → BAD_PROBE_ADDR, several → NON_UNIQ_SYMBOL. */
    private void validateSymbol(String symbol, ProbeLog log) throws ProbeEventException {
        int colon = symbol.indexOf(':');
        if (colon >= 0 && !sites.isModuleLoaded(symbol.substring(0, colon))) {
            return; // armed when the module loads
        }
        int count = sites.addressesOf(symbol).size();
        if (count > 1) {
            throw log.err(0, NON_UNIQ_SYMBOL);
        } else if (count == 0) {
            throw log.err(0, BAD_PROBE_ADDR);
        }
    }

    private boolean symbolExists(String symbol) {
        return !sites.addressesOf(symbol).isEmpty();
    }

    private boolean isFunctionEntry(String symbol, long offset) {
        // an unresolvable symbol (unloaded module) is -ENOENT: neither entry nor an error yet
        return symbolExists(symbol) && sites.isFunctionEntry(symbol, offset);
    }

    /**
     * {@code traceprobe_expand_meta_args} without BTF: {@code $arg...} words are checked for the
     * probe location, {@code $arg*} is refused with NOSUP_BTFARG; that error does not stop the
     * parse (the kernel logs it and goes on), so it is returned to be logged before the next one.
     */
    private ProbeEventException checkMetaArgs(List<String> args, int flags, ProbeLog log) throws ProbeEventException {
        boolean star = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("$arg")) {
                continue;
            }
            log.index = i + 2;
            if (!FetchArgParser.isFunctionEntry(flags) && !FetchArgParser.isFunctionReturn(flags)) {
                throw log.err(0, NOFENTRY_ARGS);
            }
            char c = a.length() > 4 ? a.charAt(4) : 0;
            if (KernelStrings.isDigit(c)) {
                continue;
            }
            if (c != '*') {
                throw log.err(0, BAD_VAR);
            }
            if (star) {
                throw log.err(0, DOUBLE_ARGS);
            }
            star = true;
        }
        return star ? log.err(0, NOSUP_BTFARG) : null;
    }

    /** {@code register_trace_kprobe}'s checks against an event of the same name. */
    private void checkExistingEvent(ProbeEventDefinition def, ProbeLog log) throws ProbeEventException {
        List<ProbeEventDefinition> probes = existing.probesOf(def.group(), def.event());
        if (probes.isEmpty()) {
            if (existing.isOtherEvent(def.group(), def.event())) {
                log.index = 0;
                throw log.err(0, EVENT_EXIST, Errno.EEXIST);
            }
            return;
        }
        ProbeEventDefinition primary = probes.get(0);
        if (primary.isReturn() != def.isReturn()) {
            log.index = 0;
            throw log.err(0, DIFF_PROBE_TYPE, Errno.EEXIST);
        }
        int diff = compareArgTypes(def.arguments(), primary.arguments());
        if (diff != 0) {
            log.index = diff + 1;
            throw log.err(0, DIFF_ARG_TYPE, Errno.EEXIST);
        }
        for (ProbeEventDefinition p : probes) {
            if (sameKprobe(p, def)) {
                log.index = 0;
                throw log.err(0, SAME_PROBE, Errno.EEXIST);
            }
        }
    }

    /** {@code trace_probe_compare_arg_type}: 1-based index of the first differing argument, 0 if none. */
    private static int compareArgTypes(List<ProbeArgument> a, List<ProbeArgument> b) {
        if (a.size() < b.size()) {
            return a.size() + 1;
        }
        if (a.size() > b.size()) {
            return b.size() + 1;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).sameShape(b.get(i))) {
                return i + 1;
            }
        }
        return 0;
    }

    /** {@code trace_kprobe_has_same_kprobe}: same symbol text ("unknown" for addresses), offset and expressions. */
    private static boolean sameKprobe(ProbeEventDefinition orig, ProbeEventDefinition comp) {
        if (!orig.symbol().orElse("unknown").equals(comp.symbol().orElse("unknown")) || orig.offset() != comp.offset()) {
            return false;
        }
        for (int i = 0; i < orig.arguments().size(); i++) {
            if (!orig.arguments().get(i).expression().equals(comp.arguments().get(i).expression())) {
                return false;
            }
        }
        return true;
    }

    /** {@code traceprobe_update_arg}: {@code @SYM[+|-OFFS]} becomes an address when the probe registers. */
    private void resolveSymbols(List<FetchArg> args, ProbeLog log) throws ProbeEventException {
        for (FetchArg a : args) {
            FetchInsn[] code = a.code();
            for (int i = 0; i < code.length - 1; i++) {
                if (code[i].op != Op.NOP_SYMBOL) {
                    continue;
                }
                String expr = code[i].data;
                int sign = indexOfAny(expr, "+-");
                long off = 0;
                String name = expr;
                if (sign >= 0) {
                    Long o = KernelStrings.kstrtol(expr.substring(sign), 0);
                    if (o == null) {
                        log.index = 1;
                        throw log.err(0, FAIL_REG_PROBE);
                    }
                    off = o;
                    name = expr.substring(0, sign);
                }
                List<Long> found = sites.addressesOf(name);
                if (found.isEmpty()) {
                    log.index = 1;
                    throw log.err(0, BAD_PROBE_ADDR, Errno.ENOENT);
                }
                code[i + 1].immediate = found.get(0) + off;
            }
        }
    }

    private void checkRegistration(ProbeEventDefinition def, String symbol, ProbeLog log) throws ProbeEventException {
        ProbeSites.Registration r = sites.checkRegistration(def);
        log.index = 1;
        switch (r) {
            case OK:
                return;
            case NOT_INSN_BOUNDARY:
                throw log.err(0, BAD_INSN_BNDRY, Errno.EILSEQ);
            case NOT_FOUND:
                // the kernel keeps a probe whose module is not loaded yet (or that has no symbol)
                if (symbol == null || (symbol.indexOf(':') >= 0
                        && !sites.isModuleLoaded(symbol.substring(0, symbol.indexOf(':'))))) {
                    return;
                }
                throw log.err(0, BAD_PROBE_ADDR, Errno.ENOENT);
            default:
                throw log.err(0, FAIL_REG_PROBE);
        }
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
