package io.kprobelab.machine.elf;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.machine.internal.HostCpu;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Issue item 4b, the whole-function oracle: every function of {@code src/test/c/elf/oracle.c}
 * is compiled as a freestanding kernel-address ELF (at several optimisation levels and string
 * strategies) and natively as a host program; each is called with the same argument sets (edge
 * values and fixed-seed random ones) in the emulator, in bare mode through {@code Machine.call},
 * and on the host CPU. RAX must be equal bit for bit.
 *
 * <p>A second factory goes further for one argument set per function: the whole register file
 * after every instruction, native under ptrace against the emulator under TF single-step
 * ({@link DivergenceFinder}). A RAX mismatch is narrowed down the same way, so its failure
 * message names the first instruction after which the two machines disagree.
 */
class WholeFunctionDifferentialTest {

    /** Optimisation levels and string-instruction strategies the guest is built with. */
    static final Map<String, List<String>> LEVELS = new LinkedHashMap<>();

    static {
        LEVELS.put("O0", List.of("-O0"));
        LEVELS.put("O1", List.of("-O1"));
        LEVELS.put("O2", List.of("-O2"));
        LEVELS.put("Os", List.of("-Os"));
        LEVELS.put("O3", List.of("-O3"));
        LEVELS.put("O2-rep_byte", List.of("-O2", "-minline-all-stringops", "-mstringop-strategy=rep_byte"));
        LEVELS.put("O2-rep_8byte", List.of("-O2", "-minline-all-stringops", "-mstringop-strategy=rep_8byte"));
        // What a hardened kernel build emits: retpolines and return thunks (lfence, pause), int3
        // after jumps (SLS), patchable nop padding, zeroed call-used registers, a stack protector.
        LEVELS.put("O2-kernel", List.of("-O2", "-fno-omit-frame-pointer", "-fno-jump-tables", "-mindirect-branch=thunk",
                "-mfunction-return=thunk", "-mharden-sls=all", "-fpatchable-function-entry=16,16",
                "-fzero-call-used-regs=used-gpr", "-fstack-protector-strong", "-mstack-protector-guard=global"));
        LEVELS.put("O2-cet", List.of("-O2", "-fcf-protection=full")); // endbr64 at every function
    }

    /** The host build compiles the same C at the same level; code-generation hardening is guest-only. */
    static List<String> hostFlags(String level) {
        return LEVELS.get(level).stream().filter(f -> f.startsWith("-O") || f.contains("stringop")).toList();
    }

    private static final long[] EDGES = {0, 1, 2, 3, 7, 8, 10, 31, 32, 33, 63, 64, 65, 100, 0x7f, 0x80, 0xff, 0x100,
            0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffffL, 0x80000000L, 0xffffffffL, 0x100000000L,
            0x7fffffffffffffffL, 0x8000000000000000L, -1, -2, -0x80000000L, 1000};
    private static final long[] PAIR_EDGES = {0, 1, 2, 7, 31, 63, 64, 0x7f, 0x80, 0xff, 0x8000, 0x7fffffffL,
            0x80000000L, 0xffffffffL, 0x7fffffffffffffffL, 0x8000000000000000L, -1, -2};
    /** Random argument sets per function; raise it for a deeper run, e.g. -Dkprobelab.oracle.randomSets=5000. */
    private static final int RANDOM_SETS = Integer.getInteger("kprobelab.oracle.randomSets", 160);

    private static List<String> functions;
    private static List<long[]> argumentSets;
    /** level -> function -> native results, one per argument set. */
    private static final Map<String, Map<String, long[]>> expected = new LinkedHashMap<>();
    private static final Map<String, Path> guestElfs = new LinkedHashMap<>();
    private static GuestCalls calls;
    /** Mnemonic after which status flags first differed, as this host allows -> how many traced functions. */
    private static final Map<String, Integer> flagNotes = new java.util.TreeMap<>();
    /** Steps compared by the step-by-step traces, in all. */
    private static final java.util.concurrent.atomic.AtomicLong tracedSteps = new java.util.concurrent.atomic.AtomicLong();

    @BeforeAll
    static void buildAndRunNatively() throws Exception {
        argumentSets = argumentSets();
        for (Map.Entry<String, List<String>> level : LEVELS.entrySet()) {
            List<String> guestFlags = new ArrayList<>(Gcc.kernelImage("_start"));
            guestFlags.addAll(level.getValue());
            guestElfs.put(level.getKey(), Gcc.build("oracle-" + level.getKey() + ".elf", guestFlags,
                    List.of("oracle.c", "guest_runtime.c"), List.of()));
            HostDriver host = HostDriver.build("oracle-" + level.getKey() + ".host", hostFlags(level.getKey()),
                    "oracle.c", "oracle_main.c");
            if (functions == null) {
                functions = host.functions();
            }
            expected.put(level.getKey(), host.run(functions, argumentSets, 1));
        }
        calls = new GuestCalls("oracle-caller");
    }

    @AfterAll
    static void stop() {
        if (calls != null) {
            calls.close();
        }
        System.out.println("Step-by-step traces: " + tracedSteps + " steps compared on host " + HostCpu.describe()
                + ": registers, and " + HostCpu.flagPolicy() + (flagNotes.isEmpty() ? ""
                : "; SDM-undefined flags first differed after " + flagNotes + " (instruction and flags = functions)"));
    }

    /** Edge values, pairs of edge values in the first two arguments, and fixed-seed random sets. */
    static List<long[]> argumentSets() {
        List<long[]> sets = new ArrayList<>();
        int n = EDGES.length;
        for (int i = 0; i < n; i++) {
            sets.add(new long[] {EDGES[i], EDGES[i], EDGES[i], EDGES[i], EDGES[i], EDGES[i]});
            sets.add(new long[] {EDGES[i], EDGES[(i + 5) % n], EDGES[(i + 11) % n], EDGES[(i + 17) % n],
                    EDGES[(i + 23) % n], EDGES[(i + 29) % n]});
        }
        for (int i = 0; i < PAIR_EDGES.length; i++) {
            for (int j = 0; j < PAIR_EDGES.length; j++) {
                sets.add(new long[] {PAIR_EDGES[i], PAIR_EDGES[j], PAIR_EDGES[(i + j) % PAIR_EDGES.length],
                        PAIR_EDGES[(i * 3 + j) % PAIR_EDGES.length], PAIR_EDGES[j], PAIR_EDGES[i]});
            }
        }
        Random rnd = new Random(0xD1FFL);
        for (int k = 0; k < RANDOM_SETS; k++) {
            long[] args = new long[6];
            for (int a = 0; a < 6; a++) {
                args[a] = switch (rnd.nextInt(6)) {
                    case 0 -> rnd.nextLong();
                    case 1 -> rnd.nextInt(1100);                          // small: loop counts, sizes
                    case 2 -> -1 - rnd.nextInt(300);                      // small negative
                    case 3 -> (1L << rnd.nextInt(64)) + rnd.nextInt(3) - 1; // around powers of two
                    case 4 -> rnd.nextInt() & 0xffffffffL;               // 32-bit
                    default -> (long) rnd.nextInt();                      // sign-extended 32-bit
                };
            }
            sets.add(args);
        }
        return sets;
    }

    @Test
    void nativeBuilds_agreeAcrossLevels_andUnderUbsan() throws Exception {
        // The oracle is only sound if oracle.c has no undefined behaviour: every level must agree,
        // and a -fsanitize=undefined build must run every argument set without a report.
        Map<String, long[]> ubsan = HostDriver.ubsan("oracle-ubsan.host", "oracle.c", "oracle_main.c")
                .run(functions, argumentSets, 1);
        HostDriver.assertSound("oracle.c", "oracle_funcs.h", functions, 40, expected, "O2", ubsan);
    }

    @Test
    void guestImages_areIntegerOnly() throws Exception {
        // What the CPU must run: no SSE/x87 (no libgcc either; guest_runtime.c has the helpers).
        for (Map.Entry<String, Path> e : guestElfs.entrySet()) {
            String dump = Gcc.run(List.of("objdump", "-d", e.getValue().toString()));
            assertTrue(dump.contains("<" + functions.get(0) + ">:"), e.getKey());
            assertTrue(!dump.contains("%xmm") && !dump.contains("%st"), e.getKey() + " has SSE or x87 code");
        }
    }

    @TestFactory
    Stream<DynamicTest> emulatorMatchesHost() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String level : LEVELS.keySet()) {
            for (String fn : functions) {
                tests.add(DynamicTest.dynamicTest(level + " " + fn, () -> compare(level, fn)));
            }
        }
        return tests.stream();
    }

    /**
     * Stronger than RAX: for one argument set per function, the register file after every
     * instruction, native (ptrace) against the emulator (TF single-step), on the low-address
     * build. The status flags too: every one on an AMD host, as the emulator's undefined flags
     * follow AMD; elsewhere those the SDM defines ({@link DivergenceFinder.Outcome}).
     */
    @TestFactory
    Stream<DynamicTest> registersMatchNativeAtEveryInstruction() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String level : List.of("O0", "O2")) {
            for (String fn : functions) {
                long[] args = argumentSets.get(Math.floorMod(fn.hashCode(), argumentSets.size()));
                tests.add(DynamicTest.dynamicTest(level + " " + fn + " step by step", () -> {
                    DivergenceFinder.Outcome o = assertTimeoutPreemptively(Duration.ofSeconds(60),
                            () -> DivergenceFinder.trace(level, LEVELS.get(level), fn, args));
                    if (!o.flagsNote().isEmpty()) {
                        synchronized (flagNotes) {
                            flagNotes.merge(o.flagsNote().replaceAll(".*after \\[0x[0-9a-f]+: (\\w+).*\\(([A-Z ]+)\\):.*", "$1 $2"),
                                    1, Integer::sum);
                        }
                    }
                    tracedSteps.addAndGet(o.steps());
                    assertTrue(o.agree() && o.steps() > 0 && o.flagsFailure().isEmpty(),
                            level + " " + fn + "(" + GuestCalls.hex(args) + "): " + o);
                }));
            }
        }
        return tests.stream();
    }

    private static void compare(String level, String fn) throws Exception {
        calls.compare(level, guestElfs.get(level), fn, argumentSets, expected.get(level).get(fn), List.of(),
                args -> explain(level, fn, args));
    }

    /** {@link DivergenceFinder#explain}, given a minute at most (a wrong branch may loop forever). */
    private static String explain(String level, String fn, long[] args) throws InterruptedException {
        String[] out = {"(tracing did not finish within 60 s)"};
        Thread t = new Thread(() -> out[0] = DivergenceFinder.explain(level, LEVELS.get(level), fn, args), "oracle-tracer");
        t.setDaemon(true);
        t.start();
        t.join(60_000);
        return out[0];
    }

}
