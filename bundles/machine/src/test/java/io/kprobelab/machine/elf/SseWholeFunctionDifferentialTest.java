package io.kprobelab.machine.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kprobelab.machine.CallResult;
import io.kprobelab.machine.ElfImage;
import io.kprobelab.machine.GuestOops;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Symbol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The whole-function oracle as gcc builds integer C for x86-64 by default: without
 * {@code -mgeneral-regs-only}, so SSE2 shows up in struct copies, zeroing and (from -O2 on,
 * mostly at -O3) vectorised loops. {@code oracle.c} and {@code vector.c} (loops written to be
 * vectorised) are built as one freestanding kernel-address ELF per level and natively; every
 * function is called with the same argument sets in the emulator (bare mode, which enables SSE
 * as Linux does) and on the host CPU. RAX must be equal, and for the vector.c functions also
 * the whole of {@code vector_state} after the call (the host driver hashes it, this test hashes
 * the guest's copy the same way). The images must contain SSE code, so the comparison cannot
 * pass by running integer code only.
 */
class SseWholeFunctionDifferentialTest {

    static final Map<String, List<String>> LEVELS = new LinkedHashMap<>();

    static {
        LEVELS.put("O1", List.of("-O1"));
        LEVELS.put("O2", List.of("-O2"));
        LEVELS.put("O3", List.of("-O3"));
        LEVELS.put("Os", List.of("-Os"));
        LEVELS.put("O3-unroll", List.of("-O3", "-funroll-loops"));
    }

    static final List<String> GUEST_SOURCES = List.of("oracle.c", "vector.c", "guest_runtime.c");
    private static final int MAX_REPORTED = 12;

    private static List<String> oracleFunctions, vectorFunctions;
    private static List<long[]> oracleSets, vectorSets;
    /** level -> function -> native results: RAX (oracle.c), or RAX and the state hash (vector.c) per set. */
    private static final Map<String, Map<String, long[]>> expected = new LinkedHashMap<>();
    private static final Map<String, Path> guestElfs = new LinkedHashMap<>();
    private static final Map<String, Machine> machines = new LinkedHashMap<>();
    private static final Map<String, Path> vectorHosts = new LinkedHashMap<>();
    private static ExecutorService caller;

    static List<String> guestFlags(String level) {
        List<String> f = new ArrayList<>(Gcc.FREESTANDING_SSE);
        f.addAll(List.of("-mcmodel=kernel", "-Wl,-Ttext-segment=" + Gcc.KERNEL_BASE, "-Wl,-e,_start"));
        f.addAll(LEVELS.get(level));
        return f;
    }

    @BeforeAll
    static void buildAndRunNatively() throws Exception {
        oracleSets = WholeFunctionDifferentialTest.argumentSets();
        // vector.c functions are long-running (each fills and hashes its arrays): every third set
        vectorSets = new ArrayList<>();
        for (int i = 0; i < oracleSets.size(); i += 3) {
            vectorSets.add(oracleSets.get(i));
        }
        for (String level : LEVELS.keySet()) {
            guestElfs.put(level, Gcc.build("sse-" + level + ".elf", guestFlags(level), GUEST_SOURCES, List.of()));
            List<String> host = new ArrayList<>(LEVELS.get(level));
            host.addAll(List.of("-Wall", "-Werror"));
            Path oracleHost = Gcc.build("sse-oracle-" + level + ".host", host, List.of("oracle.c", "oracle_main.c"), List.of());
            Path vectorHost = Gcc.build("sse-vector-" + level + ".host", host, List.of("vector.c", "vector_main.c"), List.of());
            vectorHosts.put(level, vectorHost);
            if (oracleFunctions == null) {
                oracleFunctions = List.of(Gcc.run(List.of(oracleHost.toString(), "--list")).split("\n"));
                vectorFunctions = List.of(Gcc.run(List.of(vectorHost.toString(), "--list")).split("\n"));
            }
            Map<String, long[]> results = new LinkedHashMap<>(runNative(oracleHost, oracleFunctions, oracleSets, 1));
            results.putAll(runNative(vectorHost, vectorFunctions, vectorSets, 2));
            expected.put(level, results);
        }
        caller = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sse-oracle-caller");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterAll
    static void stop() {
        if (caller != null) {
            caller.shutdownNow();
        }
    }

    /** Runs a host driver on every (function, set); {@code columns} hex numbers per result line. */
    private static Map<String, long[]> runNative(Path host, List<String> fns, List<long[]> sets, int columns) throws Exception {
        Path input = Gcc.buildDir().resolve("sse-oracle-input.txt");
        StringBuilder sb = new StringBuilder();
        for (String fn : fns) {
            for (long[] args : sets) {
                sb.append(fn);
                for (long a : args) {
                    sb.append(' ').append(Long.toHexString(a));
                }
                sb.append('\n');
            }
        }
        Files.writeString(input, sb);
        String[] lines = Gcc.run(List.of(host.toString()), input).split("\n");
        assertEquals(fns.size() * sets.size(), lines.length, "native results of " + host.getFileName());
        Map<String, long[]> results = new LinkedHashMap<>();
        int i = 0;
        for (String fn : fns) {
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

    // ------------------------------------------------------------------ the oracle's soundness

    @Test
    void guestImages_containSse() throws Exception {
        Pattern insn = Pattern.compile("(?m)^ *[0-9a-f]+:\\t(?:[0-9a-f]{2} )+ *\\t(\\S+)[ \\t]+([^\\n]*)$");
        Map<String, Integer> o3 = null;
        for (Map.Entry<String, Path> e : guestElfs.entrySet()) {
            Map<String, Integer> mnemonics = new TreeMap<>();
            Matcher m = insn.matcher(Gcc.run(List.of("objdump", "-d", e.getValue().toString())));
            while (m.find()) {
                if (m.group(2).contains("%xmm")) {
                    mnemonics.merge(m.group(1), 1, Integer::sum);
                }
            }
            System.out.println("SSE in the " + e.getKey() + " image: " + mnemonics);
            assertTrue(!mnemonics.isEmpty(), e.getKey() + " has no SSE code: the comparison would prove nothing");
            if (e.getKey().equals("O3")) {
                o3 = mnemonics;
            }
        }
        assertTrue(o3 != null && o3.size() >= 40 && o3.keySet().containsAll(List.of("paddd", "pmuludq", "pcmpgtd",
                "pshufd", "punpcklbw", "packuswb", "psrldq", "movdqu", "pand", "pxor")),
                "the O3 image vectorises: " + o3);
    }

    @Test
    void vectorNative_agreesAcrossLevels_andUnderUbsan() throws Exception {
        // vector.c must have no undefined behaviour: every level agrees, and so does a
        // -fsanitize=undefined build, which stops at the first report.
        Path ubsan = Gcc.build("sse-vector-ubsan.host", List.of("-O1", "-fsanitize=undefined", "-fno-sanitize-recover=all",
                "-Wall", "-Werror"), List.of("vector.c", "vector_main.c"), List.of());
        Map<String, long[]> checked = runNative(ubsan, vectorFunctions, vectorSets, 2);
        for (String fn : vectorFunctions) {
            for (String level : LEVELS.keySet()) {
                assertTrue(java.util.Arrays.equals(expected.get("O2").get(fn), expected.get(level).get(fn)),
                        fn + " differs natively at " + level);
            }
            assertTrue(java.util.Arrays.equals(expected.get("O2").get(fn), checked.get(fn)), fn + " differs under ubsan");
        }
        assertTrue(vectorFunctions.size() >= 15, "functions: " + vectorFunctions);
        assertEquals(vectorFunctions, List.of(Files.readString(Gcc.SOURCES.resolve("vector.c")).lines()
                .map(l -> Pattern.compile("^u64 ([a-z0-9_]+)\\(").matcher(l))
                .filter(Matcher::find).map(m -> m.group(1)).toArray(String[]::new)),
                "vector_funcs.h lists every function of vector.c, in order");
    }

    // ------------------------------------------------------------------ emulator against host

    @TestFactory
    Stream<DynamicTest> emulatorMatchesHost() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String level : LEVELS.keySet()) {
            for (String fn : oracleFunctions) {
                tests.add(DynamicTest.dynamicTest(level + " " + fn, () -> compare(level, fn, false)));
            }
            for (String fn : vectorFunctions) {
                tests.add(DynamicTest.dynamicTest(level + " " + fn + " (and vector_state)", () -> compare(level, fn, true)));
            }
        }
        return tests.stream();
    }

    /** The vector.c functions traced step by step: results flow from XMM to GPRs in each. */
    static final List<String> TRACED = List.of("vec_sums", "vec_minmax", "vec_counts", "vec_dot", "vec_bytes", "vec_structs");

    /**
     * For one argument set per function of {@link #TRACED} at -O3: the general registers after
     * every instruction, native (ptrace) against the emulator (TF single-step), as
     * {@link WholeFunctionDifferentialTest} does for the integer builds. (Each fills its arrays
     * first, about 100,000 steps, so the slow native single-stepping limits the list.)
     */
    @TestFactory
    Stream<DynamicTest> registersMatchNativeAtEveryInstruction() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String fn : TRACED) {
            long[] args = vectorSets.get(Math.floorMod(fn.hashCode(), vectorSets.size())).clone();
            args[1] %= 64; // short loops: single-stepping natively under ptrace is slow
            tests.add(DynamicTest.dynamicTest("O3 " + fn + " step by step", () -> {
                DivergenceFinder.Outcome o = assertTimeoutPreemptively(Duration.ofSeconds(120),
                        () -> DivergenceFinder.trace("sse-O3", Gcc.FREESTANDING_SSE, LEVELS.get("O3"), GUEST_SOURCES, fn, args));
                assertTrue(o.agree() && o.steps() > 0, "O3 " + fn + "(" + hex(args) + "): " + o);
            }));
        }
        return tests.stream();
    }

    private static Machine machine(String level) throws Exception {
        Machine m = machines.get(level);
        if (m == null) {
            m = SmallMachines.bare(ElfImage.read(guestElfs.get(level)));
            machines.put(level, m);
        }
        return m;
    }

    /** FNV-1a over the guest's vector_state, as vector_main.c hashes the native one. */
    private static long stateHash(Machine m) throws Exception {
        Symbol s = m.symbols().lookup("vector_state").orElseThrow();
        byte[] b = m.memory().read(s.address(), (int) s.size());
        long h = 0xcbf29ce484222325L;
        for (byte x : b) {
            h = (h ^ (x & 0xff)) * 0x100000001b3L;
        }
        return h;
    }

    private static void compare(String level, String fn, boolean vector) throws Exception {
        long[] want = expected.get(level).get(fn);
        List<long[]> sets = vector ? vectorSets : oracleSets;
        int columns = vector ? 2 : 1;
        List<String> mismatches = new ArrayList<>();
        long[] firstBad = null;
        int count = 0;
        for (int k = 0; k < sets.size(); k++) {
            long[] args = sets.get(k);
            Machine m = machine(level);
            String got;
            Future<long[]> f = caller.submit(() -> {
                CallResult r = m.call(fn, args);
                return new long[] {r.rax(), vector ? stateHash(m) : 0, r.instructions()};
            });
            try {
                long[] r = f.get(20, TimeUnit.SECONDS);
                long wantRax = want[k * columns];
                if (r[0] == wantRax && (!vector || r[1] == want[k * columns + 1])) {
                    continue;
                }
                got = r[0] != wantRax ? String.format("0x%x (%d insns)", r[0], r[2])
                        : String.format("RAX right but vector_state hash 0x%x, native 0x%x", r[1], want[k * columns + 1]);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                got = c instanceof GuestOops o ? "oops: " + o.report().replace("\n", " | ") : c.toString();
            } catch (TimeoutException e) {
                f.cancel(true);
                fail(String.format("%s %s(%s): no return within 20 s", level, fn, hex(args)));
                return;
            }
            count++;
            if (firstBad == null) {
                firstBad = args;
            }
            if (mismatches.size() < MAX_REPORTED) {
                mismatches.add(String.format("%s %s(%s): expected 0x%x, got %s", level, fn, hex(args), want[k * columns], got));
            }
        }
        if (count > 0) {
            String why = DivergenceFinder.trace("sse-" + level, Gcc.FREESTANDING_SSE, LEVELS.get(level), GUEST_SOURCES, fn,
                    firstBad).text();
            fail(count + " of " + sets.size() + " argument sets differ:\n" + String.join("\n", mismatches)
                    + "\nNarrowed down on the first one: " + why);
        }
    }

    private static String hex(long[] args) {
        StringBuilder sb = new StringBuilder();
        for (long a : args) {
            sb.append(sb.length() == 0 ? "" : ", ").append("0x").append(Long.toHexString(a));
        }
        return sb.toString();
    }
}
