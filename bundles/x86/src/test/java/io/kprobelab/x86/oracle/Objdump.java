package io.kprobelab.x86.oracle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs gcc/objdump/nm (the oracle) and parses objdump's instruction lines. */
public final class Objdump {

    private Objdump() {
    }

    /** One objdump instruction line. */
    public static final class Line {
        public final long address;
        public final byte[] bytes;
        public final String text;

        Line(long address, byte[] bytes, String text) {
            this.address = address;
            this.bytes = bytes;
            this.text = text;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(Long.toHexString(address)).append(':');
            for (byte b : bytes) sb.append(String.format(" %02x", b & 0xff));
            return sb.append("  ").append(text).toString();
        }
    }

    /** The build directory for oracle outputs. */
    public static Path buildDir(String sub) throws IOException {
        Path p = Paths.get(System.getProperty("kprobelab.build.dir", "target"), "oracle", sub);
        Files.createDirectories(p);
        return p;
    }

    /** True when the named tool runs. */
    public static boolean available(String tool) {
        try {
            Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Runs a command, returns its stdout; throws with stderr on failure. */
    public static String run(List<String> cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Path err = Files.createTempFile("kpl-oracle", ".err");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        int rc = p.waitFor();
        String errText = Files.readString(err);
        Files.deleteIfExists(err);
        if (rc != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (" + rc + "): " + errText);
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** Disassembles a flat binary (addresses from 0). */
    public static List<Line> disassembleBinary(Path bin) throws IOException, InterruptedException {
        String out = run(List.of("objdump", "-D", "-z", "-b", "binary", "-m", "i386:x86-64", "-M", "intel", "-w",
                bin.toString()));
        return parse(out);
    }

    /** Parses objdump -w instruction lines ("  addr:\tbytes\ttext"); other lines are skipped. */
    public static List<Line> parse(String out) {
        List<Line> lines = new ArrayList<>();
        int n = out.length();
        int i = 0;
        while (i < n) {
            int eol = out.indexOf('\n', i);
            if (eol < 0) eol = n;
            Line l = parseLine(out, i, eol);
            if (l != null) lines.add(l);
            i = eol + 1;
        }
        return lines;
    }

    private static Line parseLine(String s, int from, int to) {
        int i = from;
        while (i < to && s.charAt(i) == ' ') i++;
        int a0 = i;
        long addr = 0;
        while (i < to && Character.digit(s.charAt(i), 16) >= 0) {
            addr = addr * 16 + Character.digit(s.charAt(i), 16);
            i++;
        }
        if (i == a0 || i + 1 >= to || s.charAt(i) != ':' || s.charAt(i + 1) != '\t') return null;
        i += 2;
        int tab = s.indexOf('\t', i);
        String hex;
        String text;
        if (tab < 0 || tab > to) {
            hex = s.substring(i, to);
            text = "";
        } else {
            hex = s.substring(i, tab);
            text = s.substring(tab + 1, to);
        }
        hex = hex.trim();
        if (hex.isEmpty()) return null;
        String[] parts = hex.split(" ");
        byte[] bytes = new byte[parts.length];
        for (int k = 0; k < parts.length; k++) {
            if (parts[k].length() != 2) return null;
            bytes[k] = (byte) Integer.parseInt(parts[k], 16);
        }
        // objdump pads the text column with trailing spaces in some cases
        int e = text.length();
        while (e > 0 && text.charAt(e - 1) == ' ') e--;
        return new Line(addr, bytes, text.substring(0, e));
    }
}
