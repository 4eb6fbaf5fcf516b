package io.kprobelab.linux.internal.btf;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The oracle: {@code pahole -F btf -C STRUCT FILE} (Debian's dwarves, which scripts/linux/build.sh
 * installs), its member lines read back. pahole prints members of anonymous structs and unions
 * with offsets from the start of the outermost struct, as C names them, and bitfields as
 * {@code byte: bit size}.
 */
final class Pahole {

    /** A member as pahole prints it: bit offset from the struct's start, bitfield width (0 if none), size. */
    record Layout(long bitOffset, int bitSize, long size) {
    }

    /** Every named member, and the struct's size under the key "" . */
    record Struct(Map<String, Layout> members, long size) {
    }

    private static final Pattern MEMBER = Pattern.compile(
            "^\\t+(.*?);\\s*/\\*\\s*(\\d+)(?::\\s*(\\d+))?\\s+(\\d+)\\s*\\*/\\s*$");
    private static final Pattern FUNC_PTR = Pattern.compile("\\(\\*\\s*(\\w+)\\)");
    private static final Pattern NAME = Pattern.compile("(\\w+)\\s*(?:\\[[^\\]]*\\])*\\s*(?::\\s*(\\d+))?\\s*$");
    private static final Pattern SIZE = Pattern.compile("/\\* size: (\\d+),");

    private Pahole() {
    }

    static Struct read(Path elf, String struct) {
        String out = run("pahole", "-F", "btf", "-C", struct, elf.toString());
        // Members of an inline struct or union are collected until its closing line says whether it
        // has a name (then they are NAME.member) or not (then C names them directly).
        java.util.Deque<Map<String, Layout>> open = new java.util.ArrayDeque<>();
        open.push(new LinkedHashMap<>());
        long size = -1;
        for (String line : out.split("\n")) {
            Matcher s = SIZE.matcher(line);
            if (s.find() && open.size() == 1) {
                size = Long.parseLong(s.group(1));
            }
            if (line.startsWith("\t") && line.trim().endsWith("{")) {
                open.push(new LinkedHashMap<>());
                continue;
            }
            Matcher m = MEMBER.matcher(line);
            if (!m.matches()) {
                continue;
            }
            String decl = m.group(1).replaceAll("__attribute__\\(\\(.*\\)\\)", "").trim();
            long byteOff = Long.parseLong(m.group(2));
            long bit = m.group(3) == null ? 0 : Long.parseLong(m.group(3));
            Layout layout = new Layout(byteOff * 8 + bit, 0, Long.parseLong(m.group(4)));
            if (decl.startsWith("}")) {
                Map<String, Layout> inner = open.pop();
                String name = decl.substring(1).trim();
                for (Map.Entry<String, Layout> e : inner.entrySet()) {
                    open.peek().put(name.isEmpty() ? e.getKey() : name + "." + e.getKey(), e.getValue());
                }
                if (!name.isEmpty()) {
                    open.peek().put(name, layout);
                }
                continue;
            }
            String name;
            int bits = 0;
            Matcher f = FUNC_PTR.matcher(decl);
            if (f.find()) {
                name = f.group(1);
            } else {
                Matcher n = NAME.matcher(decl);
                if (!n.find()) {
                    continue;
                }
                name = n.group(1);
                bits = n.group(2) == null ? 0 : Integer.parseInt(n.group(2));
            }
            open.peek().put(name, new Layout(layout.bitOffset(), bits, layout.size()));
        }
        Map<String, Layout> members = open.peek();
        if (size < 0 || members.isEmpty()) {
            fail("pahole printed no layout for " + struct + ":\n" + out);
        }
        return new Struct(members, size);
    }

    private static String run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                fail(String.join(" ", cmd) + " failed:\n" + out);
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError("cannot run pahole (Debian package dwarves; scripts/linux/build.sh installs it)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
