package io.kprobelab.shell.internal;

import io.kprobelab.machine.Symbol;
import io.kprobelab.machine.SymbolTable;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Parses what users type as command operands: integers, guest addresses and symbol globs.
 */
final class Operands {

    private Operands() {
    }

    /**
     * A word as typed: Gogo turns the bare word {@code null} into Java's null before a command
     * sees it, so a String parameter holding null was typed {@code null} (one of fault's kinds).
     */
    static String word(String typed) {
        return typed == null ? "null" : typed;
    }

    /** {@link #word} for each. */
    static String[] words(String[] typed) {
        String[] out = new String[typed.length];
        for (int i = 0; i < typed.length; i++) {
            out[i] = word(typed[i]);
        }
        return out;
    }

    /**
     * An integer argument: decimal or {@code 0x} hex, optionally negative. Hex and large decimals
     * cover the whole unsigned 64-bit range, so {@code 0xffffffffffffffff} and {@code -1} are equal.
     */
    static long integer(String text) {
        String s = text.trim();
        boolean negative = s.startsWith("-");
        String body = negative || s.startsWith("+") ? s.substring(1) : s;
        try {
            long v;
            if (body.startsWith("0x") || body.startsWith("0X")) {
                v = Long.parseUnsignedLong(body.substring(2), 16);
            } else {
                v = Long.parseUnsignedLong(body, 10);
            }
            return negative ? -v : v;
        } catch (NumberFormatException e) {
            throw new CommandError("not an integer: " + text + " (decimal or 0x-hex)");
        }
    }

    /**
     * A guest address: a symbol, {@code symbol+0xoff}, {@code 0x} hex, or bare hex as kallsyms
     * prints it. A name is tried as a symbol first, so {@code add3} is the function, not 0xadd3.
     */
    static long address(String text, SymbolTable symbols) {
        String s = text.trim();
        Optional<Symbol> sym = symbols.lookup(s);
        if (sym.isPresent()) {
            return sym.get().address();
        }
        int plus = s.lastIndexOf('+');
        if (plus > 0) {
            Optional<Symbol> base = symbols.lookup(s.substring(0, plus));
            if (base.isPresent()) {
                return base.get().address() + integer(s.substring(plus + 1));
            }
        }
        try {
            if (s.startsWith("0x") || s.startsWith("0X")) {
                return Long.parseUnsignedLong(s.substring(2), 16);
            }
            return Long.parseUnsignedLong(s, 16);
        } catch (NumberFormatException e) {
            throw new CommandError("unknown symbol or address: " + text);
        }
    }

    /** A shell glob ({@code *}, {@code ?}, {@code [...]}) as a regular expression over a whole name. */
    static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        boolean inClass = false;
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (inClass) {
                if (c == ']') {
                    inClass = false;
                } else if (c == '\\') {
                    re.append('\\');
                }
                re.append(c);
                continue;
            }
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                case '[' -> {
                    inClass = true;
                    re.append('[');
                    if (i + 1 < glob.length() && glob.charAt(i + 1) == '!') {
                        re.append('^');
                        i++;
                    }
                }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        if (inClass) {
            throw new CommandError("unclosed [ in pattern: " + glob);
        }
        return Pattern.compile(re.toString());
    }
}
