package io.kprobelab.machine.elf;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Symbol;
import io.kprobelab.machine.internal.HostCpu;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
    /** What vector_main.c prints after RAX, read from the guest the same way. */
    private static final List<GuestCalls.Extra> VECTOR_STATE =
            List.of(new GuestCalls.Extra("vector_state hash", SseWholeFunctionDifferentialTest::stateHash));

    private static List<String> oracleFunctions, vectorFunctions;
    private static List<long[]> oracleSets, vectorSets;
    /** level -> function -> native results: RAX (oracle.c), or RAX and the state hash (vector.c) per set. */
    private static final Map<String, Map<String, long[]>> expected = new LinkedHashMap<>();
    private static final Map<String, Path> guestElfs = new LinkedHashMap<>();
    private static GuestCalls calls;
    /** Steps compared by the step-by-step traces, in all. */
    private static final java.util.concurrent.atomic.AtomicLong tracedSteps = new java.util.concurrent.atomic.AtomicLong();

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
            HostDriver oracleHost = HostDriver.build("sse-oracle-" + level + ".host", LEVELS.get(level), "oracle.c", "oracle_main.c");
            HostDriver vectorHost = HostDriver.build("sse-vector-" + level + ".host", LEVELS.get(level), "vector.c", "vector_main.c");
            if (oracleFunctions == null) {
                oracleFunctions = oracleHost.functions();
                vectorFunctions = vectorHost.functions();
            }
            Map<String, long[]> results = new LinkedHashMap<>(oracleHost.run(oracleFunctions, oracleSets, 1));
            results.putAll(vectorHost.run(vectorFunctions, vectorSets, 1 + VECTOR_STATE.size()));
            expected.put(level, results);
        }
        calls = new GuestCalls("sse-oracle-caller");
    }

    @AfterAll
    static void stop() {
        if (calls != null) {
            calls.close();
        }
        System.out.println("SSE step-by-step traces: " + tracedSteps + " steps compared on host " + HostCpu.describe()
                + ": registers, and " + HostCpu.flagPolicy());
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
        Map<String, long[]> ubsan = HostDriver.ubsan("sse-vector-ubsan.host", "vector.c", "vector_main.c")
                .run(vectorFunctions, vectorSets, 1 + VECTOR_STATE.size());
        HostDriver.assertSound("vector.c", "vector_funcs.h", vectorFunctions, 15, expected, "O2", ubsan);
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
                tracedSteps.addAndGet(o.steps());
                assertTrue(o.agree() && o.steps() > 0 && o.flagsFailure().isEmpty(),
                        "O3 " + fn + "(" + GuestCalls.hex(args) + "): " + o);
            }));
        }
        return tests.stream();
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
        calls.compare(level, guestElfs.get(level), fn, vector ? vectorSets : oracleSets, expected.get(level).get(fn),
                vector ? VECTOR_STATE : List.of(), args -> DivergenceFinder.trace("sse-" + level, Gcc.FREESTANDING_SSE,
                        LEVELS.get(level), GUEST_SOURCES, fn, args).text());
    }
}
