package io.kprobelab.machine.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The whole-function oracle for floating-point C ({@code src/test/c/elf/float.c}: arithmetic,
 * comparisons, conversions, libm-like polynomials, decimal parsing and printing loops,
 * vectorisable loops, explicit packed builtins, MXCSR rounding modes and flags), built with
 * SSE2 as programs are (not {@code -mgeneral-regs-only}) at -O0, -O2 and -O3, as a freestanding
 * kernel-address ELF and natively. Every function is called with the integer oracle's argument
 * sets and with sets of special doubles (zeros, denormals, infinities, NaNs with payloads...)
 * in the emulator and on the host CPU; RAX, a hash of the bits of every result, must be equal.
 * Some functions are also traced instruction by instruction against the host (general
 * registers and RFLAGS after every step).
 */
class FloatWholeFunctionDifferentialTest {

    static final Map<String, List<String>> LEVELS = new LinkedHashMap<>();

    static {
        LEVELS.put("O0", List.of("-O0"));
        LEVELS.put("O2", List.of("-O2"));
        LEVELS.put("O3", List.of("-O3"));
    }

    /** What float.c is built with, guest and host: SSE2, SQRTSD for sqrt, no assumption on the rounding mode. */
    static final List<String> FP_FLAGS = List.of("-msse2", "-fno-math-errno", "-frounding-math");
    static final List<String> GUEST_SOURCES = List.of("float.c", "guest_runtime.c");

    private static List<String> functions;
    private static List<long[]> argumentSets;
    private static final Map<String, Map<String, long[]>> expected = new LinkedHashMap<>();
    private static final Map<String, Path> guestElfs = new LinkedHashMap<>();
    private static GuestCalls calls;
    private static final AtomicLong compared = new AtomicLong();

    static List<String> flags(String level) {
        List<String> f = new ArrayList<>(LEVELS.get(level));
        f.addAll(FP_FLAGS);
        return f;
    }

    static List<String> guestFlags(String level) {
        List<String> f = new ArrayList<>(Gcc.FREESTANDING_SSE);
        f.addAll(List.of("-mcmodel=kernel", "-Wl,-Ttext-segment=" + Gcc.KERNEL_BASE, "-Wl,-e,_start"));
        f.addAll(flags(level));
        return f;
    }

    /** Special doubles (and singles in the low halves) for the arguments used as bits. */
    static final long[] SPECIALS = {0, 0x8000000000000000L, 1, 0x000fffffffffffffL, 0x8000000000000001L,
        0x0010000000000000L, 0x3ff0000000000000L, 0xbff0000000000000L, 0x3fb999999999999aL, 0x3fd5555555555555L,
        0x4059000000000000L, 0x7fefffffffffffffL, 0xffefffffffffffffL, 0x7ff0000000000000L, 0xfff0000000000000L,
        0x7ff8000000000000L, 0xfff8000000000000L, 0x7ff0000000000001L, 0x7ff4000000000123L, 0x43e0000000000000L,
        0x41dfffffffc00000L, 0xc1e0000000000000L, 0x3ff0000010000000L, 0x36a0000000000000L, 0x47efffffe0000000L,
        0x3f8000007f800001L, 0x00400000ff7fffffL, 0x7fc12345bf800000L, 0x4f0000005f000000L, 0x3eaaaaab00000001L};

    static List<long[]> argumentSets() {
        List<long[]> sets = new ArrayList<>(WholeFunctionDifferentialTest.argumentSets());
        Random rnd = new Random(0xF1FAL);
        int n = SPECIALS.length;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j += 3) {
                sets.add(new long[] {SPECIALS[i], SPECIALS[(i + j) % n], rnd.nextInt(1 << 20), rnd.nextInt(64),
                    rnd.nextInt(16), SPECIALS[(i * 7 + j) % n]});
            }
        }
        for (int k = 0; k < 100; k++) { // doubles of moderate size, as programs mostly compute with
            double x = (rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(40) - 20);
            double y = (rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(40) - 20);
            sets.add(new long[] {Double.doubleToRawLongBits(x), Double.doubleToRawLongBits(y), rnd.nextLong(),
                rnd.nextInt(1 << 16), rnd.nextInt(16), Float.floatToRawIntBits((float) x) & 0xffffffffL});
        }
        return sets;
    }

    @BeforeAll
    static void buildAndRunNatively() throws Exception {
        argumentSets = argumentSets();
        for (String level : LEVELS.keySet()) {
            guestElfs.put(level, Gcc.build("float-" + level + ".elf", guestFlags(level), GUEST_SOURCES, List.of()));
            HostDriver host = HostDriver.build("float-" + level + ".host", flags(level), "float.c", "float_main.c");
            if (functions == null) {
                functions = host.functions();
            }
            expected.put(level, host.run(functions, argumentSets, 1));
        }
        calls = new GuestCalls("float-oracle-caller");
    }

    @AfterAll
    static void stop() {
        if (calls != null) {
            calls.close();
        }
        System.out.println("FloatWholeFunctionDifferentialTest: " + compared.get() + " calls compared with the host ("
                + functions.size() + " functions x " + argumentSets.size() + " argument sets x " + LEVELS.size()
                + " levels), 0 skipped");
    }

    // ------------------------------------------------------------------ the oracle's soundness

    @Test
    void nativeBuilds_agreeAcrossLevels_andUnderUbsan() throws Exception {
        List<String> ubsanFlags = new ArrayList<>(List.of("-O1", "-fsanitize=undefined", "-fno-sanitize-recover=all"));
        ubsanFlags.addAll(FP_FLAGS);
        Map<String, long[]> ubsan = HostDriver.build("float-ubsan.host", ubsanFlags, "float.c", "float_main.c")
                .run(functions, argumentSets, 1);
        HostDriver.assertSound("float.c", "float_funcs.h", functions, 19, expected, "O2", ubsan);
    }

    /** The images compute with SSE floating point, scalar and packed, so the comparison proves something. */
    @Test
    void guestImages_computeWithSseFloatingPoint() throws Exception {
        Pattern insn = Pattern.compile("(?m)^ *[0-9a-f]+:\\t(?:[0-9a-f]{2} )+ *\\t(\\S+)[ \\t]+([^\\n]*)$");
        Map<String, Integer> all = new TreeMap<>();
        for (Map.Entry<String, Path> e : guestElfs.entrySet()) {
            Map<String, Integer> mnemonics = new TreeMap<>();
            Matcher m = insn.matcher(Gcc.run(List.of("objdump", "-d", e.getValue().toString())));
            while (m.find()) {
                if (m.group(2).contains("%xmm")) {
                    mnemonics.merge(m.group(1), 1, Integer::sum);
                    all.merge(m.group(1), 1, Integer::sum);
                }
            }
            System.out.println("SSE in the float " + e.getKey() + " image: " + mnemonics);
            assertTrue(mnemonics.containsKey("addsd") && mnemonics.containsKey("comisd"), e.getKey() + ": " + mnemonics);
        }
        Set<String> needed = Set.of("addsd", "subsd", "mulsd", "divsd", "sqrtsd", "addss", "mulss", "divss", "sqrtss",
                "addps", "mulps", "divps", "sqrtps", "addpd", "mulpd", "divpd", "sqrtpd", "minps", "maxpd", "maxsd",
                "comisd", "ucomisd", "comiss", "ucomiss", "cmpltps", "cmplepd", "cmpunordps", "cvtsi2sd", "cvtsi2ss",
                "cvttsd2si", "cvttss2si", "cvtsd2si", "cvtss2si", "cvtss2sd", "cvtsd2ss", "cvtdq2ps", "cvtps2dq",
                "cvttps2dq", "cvtps2pd", "cvtpd2ps", "cvtpd2dq", "cvttpd2dq", "cvtdq2pd", "unpcklps", "shufps",
                "movmskps", "movmskpd", "andpd", "xorpd");
        for (String n : needed) {
            assertTrue(all.containsKey(n), n + " is not in any image: " + all);
        }
    }

    // ------------------------------------------------------------------ emulator against host

    @TestFactory
    Stream<DynamicTest> emulatorMatchesHost() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String level : LEVELS.keySet()) {
            for (String fn : functions) {
                tests.add(DynamicTest.dynamicTest(level + " " + fn, () -> {
                    calls.compare(level, guestElfs.get(level), fn, argumentSets, expected.get(level).get(fn), List.of(),
                            args -> DivergenceFinder.trace("float-" + level, Gcc.FREESTANDING_SSE, flags(level),
                                    GUEST_SOURCES, fn, args).text());
                    compared.addAndGet(argumentSets.size());
                }));
            }
        }
        return tests.stream();
    }

    /** Functions whose floating-point results steer branches and integer conversions, traced step by step. */
    static final List<String> TRACED = List.of("fp_compare", "fp_float_to_int", "fp_strtod", "fp_printf",
            "fp_rounding_modes", "fp_mandelbrot");

    @TestFactory
    Stream<DynamicTest> registersMatchNativeAtEveryInstruction() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String level : List.of("O0", "O2")) {
            for (String fn : TRACED) {
                long[] args = argumentSets.get(Math.floorMod(fn.hashCode(), argumentSets.size()));
                tests.add(DynamicTest.dynamicTest(level + " " + fn + " step by step", () -> {
                    DivergenceFinder.Outcome o = assertTimeoutPreemptively(Duration.ofSeconds(120),
                            () -> DivergenceFinder.trace("float-" + level, Gcc.FREESTANDING_SSE, flags(level),
                                    GUEST_SOURCES, fn, args));
                    assertTrue(o.agree() && o.steps() >= 50, level + " " + fn + "(" + GuestCalls.hex(args) + "): " + o);
                }));
            }
        }
        return tests.stream();
    }

    @Test
    void argumentSets_coverTheSpecialValues() {
        assertTrue(argumentSets.size() >= 900, "argument sets: " + argumentSets.size());
        assertEquals(19, functions.size(), "functions: " + functions);
    }
}
