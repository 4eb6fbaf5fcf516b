package io.kprobelab.kprobes.internal.events;

/**
 * The kernel's string-to-number and name helpers ({@code lib/kstrtox.c}, {@code vsprintf.c},
 * {@code trace.h}) with their exact acceptance rules: the parser's verdicts depend on them.
 * Numbers come back as {@code Long}, {@code null} meaning the kernel function returns an error.
 */
final class KernelStrings {

    private KernelStrings() {
    }

    /** {@code kstrtoull}: optional '+', radix prefix (base 0), digits, optional '\n', nothing else. */
    static Long kstrtoull(String s, int base) {
        int i = 0;
        if (i < s.length() && s.charAt(i) == '+') {
            i++;
        }
        return parseUnsigned(s, i, base);
    }

    /** {@code kstrtoul} (same as {@link #kstrtoull} on 64-bit). */
    static Long kstrtoul(String s, int base) {
        return kstrtoull(s, base);
    }

    /** {@code kstrtouint}: {@link #kstrtoull} limited to 32 bits. */
    static Long kstrtouint(String s, int base) {
        Long v = kstrtoull(s, base);
        return v == null || (v >>> 32) != 0 ? null : v;
    }

    /** {@code kstrtol}/{@code kstrtoll}: a leading '-' negates; the result must fit a signed long. */
    static Long kstrtol(String s, int base) {
        if (!s.isEmpty() && s.charAt(0) == '-') {
            Long v = parseUnsigned(s, 1, base);
            if (v == null) {
                return null;
            }
            long neg = -v;
            // -tmp must not be positive: 0 and 2^63 are the only magnitudes whose negation is not > 0.
            if (neg > 0) {
                return null;
            }
            return neg;
        }
        Long v = kstrtoull(s, base);
        return v == null || v < 0 ? null : v;
    }

    /** {@code _kstrtoull} from index {@code i}. */
    private static Long parseUnsigned(String s, int i, int base) {
        int[] radix = {base};
        i = fixupRadix(s, i, radix);
        long value = 0;
        int digits = 0;
        boolean overflow = false;
        for (; i < s.length(); i++, digits++) {
            int d = digit(s.charAt(i));
            if (d < 0 || d >= radix[0]) {
                break;
            }
            long next = value * radix[0] + d;
            if (Long.compareUnsigned(value, Long.divideUnsigned(-1L - d, radix[0])) > 0) {
                overflow = true;
            }
            value = next;
        }
        if (overflow || digits == 0) {
            return null;
        }
        if (i < s.length() && s.charAt(i) == '\n') {
            i++;
        }
        return i == s.length() ? value : null;
    }

    /** {@code _parse_integer_fixup_radix}: base 0 picks 16 for "0x" + hex digit, 8 for a leading 0, else 10. */
    private static int fixupRadix(String s, int i, int[] radix) {
        char c0 = i < s.length() ? s.charAt(i) : 0;
        char c1 = i + 1 < s.length() ? Character.toLowerCase(s.charAt(i + 1)) : 0;
        char c2 = i + 2 < s.length() ? s.charAt(i + 2) : 0;
        if (radix[0] == 0) {
            if (c0 == '0') {
                radix[0] = c1 == 'x' && digit(c2) >= 0 && digit(c2) < 16 ? 16 : 8;
            } else {
                radix[0] = 10;
            }
        }
        if (radix[0] == 16 && c0 == '0' && c1 == 'x') {
            i += 2;
        }
        return i;
    }

    private static int digit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        char l = Character.toLowerCase(c);
        if (l >= 'a' && l <= 'f') {
            return l - 'a' + 10;
        }
        return -1;
    }

    /**
     * {@code simple_strtoul}: parses what it can and reports where it stopped; no sign, no error.
     * Returns {@code {value, endIndex}}.
     */
    static long[] simpleStrtoul(String s, int from, int base) {
        int[] radix = {base};
        int i = fixupRadix(s, from, radix);
        long value = 0;
        for (; i < s.length(); i++) {
            int d = digit(s.charAt(i));
            if (d < 0 || d >= radix[0]) {
                break;
            }
            value = value * radix[0] + d;
        }
        return new long[] {value, i};
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** {@code isspace}: the separators {@code argv_split} splits on. */
    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
    }

    /** {@code is_good_name}: a C identifier. */
    static boolean isGoodName(String name) {
        if (name.isEmpty() || !(isAlpha(name.charAt(0)) || name.charAt(0) == '_')) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isAlpha(c) && !isDigit(c) && c != '_') {
                return false;
            }
        }
        return true;
    }

    /** {@code is_good_system_name}: like a C identifier, but '-' is also allowed (group names). */
    static boolean isGoodSystemName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = isAlpha(c) || c == '_' || c == '-' || (i > 0 && isDigit(c));
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** {@code sanitize_event_name}: ':', '.' and '*' after the first character become '_'. */
    static String sanitizeEventName(String name) {
        StringBuilder sb = new StringBuilder(name);
        for (int i = 1; i < sb.length(); i++) {
            char c = sb.charAt(i);
            if (c == ':' || c == '.' || c == '*') {
                sb.setCharAt(i, '_');
            }
        }
        return sb.toString();
    }
}
