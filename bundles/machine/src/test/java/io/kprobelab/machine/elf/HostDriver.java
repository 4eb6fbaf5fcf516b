package io.kprobelab.machine.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The native side of the whole-function oracle: one part of it ({@code oracle.c} or
 * {@code vector.c}) built as a host program with its driver ({@code oracle_main.c},
 * {@code vector_main.c}, both on {@code host_driver.c}), which calls a function per input line
 * and prints one result line: RAX, then whatever else that part's driver prints.
 */
final class HostDriver {

    private static final Pattern DEFINITION = Pattern.compile("^u64 ([a-z0-9_]+)\\(");

    private final Path binary;

    private HostDriver(Path binary) {
        this.binary = binary;
    }

    /** Builds {@code source} with {@code driver} as {@code out} at {@code flags} (-Wall -Werror added). */
    static HostDriver build(String out, List<String> flags, String source, String driver) throws Exception {
        List<String> f = new ArrayList<>(flags);
        f.addAll(List.of("-Wall", "-Werror"));
        return new HostDriver(Gcc.build(out, f, List.of(source, driver, "host_driver.c"), List.of()));
    }

    /**
     * The build the oracle's soundness rests on: with -fsanitize=undefined, which stops at the
     * first report, so every argument set must run through without one.
     */
    static HostDriver ubsan(String out, String source, String driver) throws Exception {
        return build(out, List.of("-O1", "-fsanitize=undefined", "-fno-sanitize-recover=all"), source, driver);
    }

    /** The functions the driver can call, in the order of its X-macro list. */
    List<String> functions() throws Exception {
        return List.of(Gcc.run(List.of(binary.toString(), "--list")).split("\n"));
    }

    /**
     * Runs every function with every argument set: function -> {@code columns} numbers per set
     * (RAX first), sets in order.
     */
    Map<String, long[]> run(List<String> functions, List<long[]> sets, int columns) throws Exception {
        Path input = Gcc.buildDir().resolve(binary.getFileName() + ".input.txt");
        StringBuilder sb = new StringBuilder();
        for (String fn : functions) {
            for (long[] args : sets) {
                sb.append(fn);
                for (long a : args) {
                    sb.append(' ').append(Long.toHexString(a));
                }
                sb.append('\n');
            }
        }
        Files.writeString(input, sb);
        String[] lines = Gcc.run(List.of(binary.toString()), input).split("\n");
        assertEquals(functions.size() * sets.size(), lines.length, "native results of " + binary.getFileName());
        Map<String, long[]> results = new LinkedHashMap<>();
        int i = 0;
        for (String fn : functions) {
            long[] r = new long[sets.size() * columns];
            for (int k = 0; k < sets.size(); k++) {
                String[] f = lines[i++].split(" ");
                for (int c = 0; c < columns; c++) {
                    r[k * columns + c] = Long.parseUnsignedLong(f[c], 16);
                }
            }
            results.put(fn, r);
        }
        return results;
    }

    /**
     * Fails unless the part has no undefined behaviour as far as the native builds can tell:
     * every level's results for every function equal {@code reference}'s and the ubsan build's,
     * the driver calls at least {@code atLeast} functions, and its list ({@code list}, the X-macro
     * header) names every function {@code source} defines, in order.
     */
    static void assertSound(String source, String list, List<String> functions, int atLeast,
            Map<String, Map<String, long[]>> byLevel, String reference, Map<String, long[]> ubsan) throws Exception {
        Map<String, long[]> want = byLevel.get(reference);
        for (String level : byLevel.keySet()) {
            for (String fn : functions) {
                assertTrue(Arrays.equals(want.get(fn), byLevel.get(level).get(fn)), fn + " differs natively at " + level);
            }
        }
        for (String fn : functions) {
            assertTrue(Arrays.equals(want.get(fn), ubsan.get(fn)), fn + " differs under ubsan");
        }
        assertTrue(functions.size() >= atLeast, "functions: " + functions);
        assertEquals(functions, List.of(Files.readString(Gcc.SOURCES.resolve(source)).lines()
                .map(DEFINITION::matcher).filter(Matcher::find).map(m -> m.group(1)).toArray(String[]::new)),
                list + " lists every function of " + source + ", in order");
    }
}
