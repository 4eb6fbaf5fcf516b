package io.kprobelab.machine.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.x86.Decoder;
import io.kprobelab.x86.Insn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every instruction gcc emits for this module's C corpora with SSE allowed (no
 * {@code -mgeneral-regs-only}, default {@code -march=x86-64}) at -O1, -O2, -O3, -Os and -O3
 * with unrolling translates to an op, not to #UD, floating point included: the static
 * complement of the differential tests, which only see the paths their inputs take. objdump gives the instruction
 * boundaries; the interpreter's own decoder and translator must accept each one.
 */
class SseCoverageTest {

    static final List<String> SOURCES = List.of("elf/oracle.c", "elf/vector.c", "elf/guest_runtime.c", "workloads/workloads.c",
            "elf/float.c");
    static final List<List<String>> LEVELS = List.of(List.of("-O1"), List.of("-O2"), List.of("-O3"), List.of("-Os"),
            List.of("-O3", "-funroll-loops"));

    @Test
    void testEveryInstructionGccEmits_withSse_translates() throws Exception {
        Pattern line = Pattern.compile("(?m)^ *([0-9a-f]+):\\t((?:[0-9a-f]{2} )+) *\\t(\\S+)[ \\t]*([^\\n]*)$");
        Set<String> sse = new TreeSet<>();
        Map<String, String> untranslated = new TreeMap<>();
        int total = 0, sseCount = 0;
        for (List<String> level : LEVELS) {
            for (String src : SOURCES) {
                String name = src.replaceAll(".*/", "").replace(".c", "") + String.join("", level).replace("-", "_");
                Path obj = GuestBuild.buildDir().resolve("sse-cover-" + name + ".o");
                List<String> cmd = new ArrayList<>(List.of("gcc", "-c", "-ffreestanding", "-fno-pic", "-mno-red-zone",
                        "-fno-stack-protector", "-mcmodel=kernel"));
                cmd.addAll(level);
                cmd.addAll(List.of("-o", obj.toString(), GuestBuild.source(src).toString()));
                GuestBuild.run(cmd);
                Path bin = GuestBuild.buildDir().resolve("sse-cover-" + name + ".text");
                GuestBuild.run(List.of("objcopy", "-O", "binary", "--only-section=.text", obj.toString(), bin.toString()));
                byte[] text = Files.readAllBytes(bin);
                Matcher m = line.matcher(GuestBuild.run(List.of("objdump", "-d", "-j", ".text", obj.toString())));
                while (m.find()) {
                    int off = Integer.parseInt(m.group(1), 16);
                    Insn in = Decoder.decode(text, off, Math.min(Decoder.MAX_LENGTH, text.length - off), off);
                    Op op = in.isValid() ? Translator.op(in) : null;
                    total++;
                    boolean isSse = m.group(4).contains("%xmm");
                    if (isSse) {
                        sse.add(m.group(3));
                        sseCount++;
                    }
                    boolean ud2 = m.group(3).equals("ud2");
                    if (op == null || op instanceof SystemOps.Undefined && !ud2) {
                        untranslated.putIfAbsent(m.group(3) + " " + m.group(4), name + "+0x" + m.group(1) + ": " + m.group(2).trim());
                    }
                }
            }
        }
        System.out.println("SseCoverageTest: " + total + " instructions, " + sseCount + " with XMM operands, mnemonics " + sse);
        assertTrue(untranslated.isEmpty(), "gcc emits instructions the interpreter raises #UD on: " + untranslated);
        assertTrue(sse.containsAll(List.of("movdqa", "movdqu", "movaps", "movups", "movd", "movq", "pxor", "paddd", "pmuludq",
                "pshufd", "punpcklbw", "packuswb", "psrldq", "pcmpgtd", "pminub", "pmaxsw")), "gcc vectorised: " + sse);
        assertTrue(sse.containsAll(List.of("addsd", "mulss", "divpd", "sqrtsd", "comisd", "ucomiss", "cvtsi2sd", "cvttsd2si",
                "cvtss2sd", "cvtsd2ss", "cvtdq2ps", "cvttps2dq", "minps", "maxsd", "cmpltps")), "float.c's floating point: " + sse);
    }
}
