package io.kprobelab.linux.internal.symbols;

import io.kprobelab.linux.LinuxImageException;
import io.kprobelab.machine.Symbol;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code System.map}: the {@code nm -n} listing of vmlinux that the kernel's build writes
 * (scripts/mksysmap), one {@code ADDRESS TYPE NAME} line per symbol. Sizes are not in it; like
 * kallsyms, a symbol is taken to reach the next symbol's address ({@link SymbolSizes}).
 */
public final class SystemMap {

    private SystemMap() {
    }

    /**
     * Whether {@code text} is a distribution's placeholder rather than a map: Debian installs
     * {@code /boot/System.map-*} as the one line {@code ffffffffffffffff B The real System.map is in
     * the linux-image-<version>-dbg package}.
     */
    public static boolean isStub(String text) {
        return !text.isBlank() && firstSymbolLine(text) < 0;
    }

    /** Reads {@code file}; null when it is a stub ({@link #isStub}). */
    public static List<Symbol> read(Path file) throws LinuxImageException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new LinuxImageException(file.toString(), "cannot read: " + e, e);
        }
        return isStub(text) ? null : parse(file.toString(), text);
    }

    /** Parses map text; every line must be {@code HEX TYPE NAME}. */
    public static List<Symbol> parse(String name, String text) throws LinuxImageException {
        List<Symbol> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : text.split("\n", -1)) {
            lineNo++;
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            if (!symbolLine(f)) {
                throw new LinuxImageException(name, String.format("line %d is not \"ADDRESS TYPE NAME\": %s", lineNo,
                        line.length() > 80 ? line.substring(0, 80) + "..." : line));
            }
            out.add(new Symbol(f[2], Long.parseUnsignedLong(f[0], 16), 0, f[1].charAt(0)));
        }
        if (out.isEmpty()) {
            throw new LinuxImageException(name, "empty: no symbols");
        }
        return SymbolSizes.fill(out);
    }

    private static int firstSymbolLine(String text) {
        int at = 0;
        for (String line : text.split("\n")) {
            if (symbolLine(line.trim().split("\\s+"))) {
                return at;
            }
            at++;
        }
        return -1;
    }

    /** Exactly ADDRESS, a one-character nm TYPE (a letter, or ? for a section nm cannot classify) and a NAME;
     * Debian's stub has a sentence where the name goes. */
    private static boolean symbolLine(String[] f) {
        return f.length == 3 && f[1].length() == 1 && isHex(f[0]);
    }

    private static boolean isHex(String s) {
        if (s.isEmpty() || s.length() > 16) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
