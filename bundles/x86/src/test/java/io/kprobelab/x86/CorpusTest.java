package io.kprobelab.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kprobelab.x86.oracle.Elf;
import io.kprobelab.x86.oracle.Objdump;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Kernel-style C compiled by gcc at -O0/-O2/-Os with general registers only, and at -O2/-O3 with
 * SSE (x86-64 and x86-64-v2), disassembled by {@code objdump -d -M intel -w}:
 * every instruction of every executable section, decoded from the section bytes read from the
 * ELF file and formatted with a symbolizer built from the object's symbol table, must give
 * objdump's length and exactly objdump's text (branch targets and RIP-relative comments
 * included, e.g. {@code call   1a <foo+0x1a>}).
 */
class CorpusTest {

    static final String[] SOURCES = {"strings.c", "arith.c", "structs.c", "privileged.c"};
    static final String[] OPTS = {"-O0", "-O2", "-Os"};
    static final List<String> KERNEL_FLAGS = List.of("-ffreestanding", "-mcmodel=kernel", "-mno-red-zone", "-fno-pic",
            "-fcf-protection");

    /** With SSE allowed: the same sources plus vector.c (loops, struct copies, FP, SSE builtins). */
    static final String[] SSE_SOURCES = {"strings.c", "arith.c", "structs.c", "privileged.c", "vector.c"};
    static final String[][] SSE_OPTS = {{"-O2", "-march=x86-64-v2"}, {"-O3", "-march=x86-64-v2"}, {"-O3"},
        {"-O3", "-march=x86-64-v3"}};
    /** Mnemonics the SSE builds must contain (SSE2, SSSE3, SSE4.1, SSE4.2, POPCNT), so none passes vacuously. */
    static final List<String> SSE_REQUIRED = List.of("movdqu", "movups", "pxor", "paddd", "pshufd", "punpckldq",
            "psrldq", "movq", "movd", "cvtsi2sd", "pshufb", "pminsd", "pmaxsd", "pmulld", "ptest", "pblendw", "pextrd",
            "pinsrd", "pcmpistri", "crc32", "popcnt");
    /** And from the x86-64-v3 build: AVX, AVX2, FMA, BMI1/BMI2 (VEX encodings). */
    static final List<String> AVX_REQUIRED = List.of("vmovdqu", "vpaddd", "vpxor", "vzeroupper", "vextracti128",
            "vpbroadcastd", "vpermq", "vperm2i128", "vpblendvb", "vfmadd231sd", "vfmadd132ps", "vcvtsi2sd",
            "vpshufb", "vpinsrq", "shlx", "sarx", "rorx", "blsr");

    @Test
    void corpusMatchesObjdump() throws Exception {
        assumeTrue(Objdump.available("gcc") && Objdump.available("objdump"), "gcc/objdump not installed");
        Run run = new Run("corpus");
        for (String src : SOURCES) {
            for (String opt : OPTS) {
                List<String> flags = new ArrayList<>(KERNEL_FLAGS);
                flags.addAll(List.of("-mgeneral-regs-only", "-mno-sse", opt));
                run.compileAndCompare(src, opt, flags);
            }
        }
        run.finish();
        assertTrue(run.compared > 1000, "too few instructions compared: " + run.compared);
        assertEquals(List.of(), run.mismatches.subList(0, Math.min(30, run.mismatches.size())));
    }

    /**
     * The corpus as gcc builds it when SSE is allowed (no -mgeneral-regs-only/-mno-sse): -O2 and
     * -O3 with -march=x86-64-v2 (SSSE3..SSE4.2, POPCNT), -O3 for plain x86-64 (SSE2), and -O3
     * with -march=x86-64-v3 (the same code VEX-encoded, AVX2, FMA, BMI1/BMI2).
     */
    @Test
    void sseCorpusMatchesObjdump() throws Exception {
        assumeTrue(Objdump.available("gcc") && Objdump.available("objdump"), "gcc/objdump not installed");
        Run run = new Run("corpus-sse");
        for (String src : SSE_SOURCES) {
            for (String[] opt : SSE_OPTS) {
                List<String> flags = new ArrayList<>(KERNEL_FLAGS);
                flags.addAll(List.of(opt));
                run.compileAndCompare(src, String.join("", opt).replace("-march=x86-64", ""), flags);
            }
        }
        run.finish();
        System.out.println("corpus-sse: " + run.xmmLines + " instructions with xmm operands");
        assertTrue(run.xmmLines > 1000, "too few xmm instructions: " + run.xmmLines);
        System.out.println("corpus-sse: " + run.ymmLines + " instructions with ymm operands");
        assertTrue(run.ymmLines > 100, "too few ymm instructions: " + run.ymmLines);
        List<String> missing = new ArrayList<>(SSE_REQUIRED);
        missing.addAll(AVX_REQUIRED);
        missing.removeAll(run.mnemonics);
        assertEquals(List.of(), missing, "mnemonics gcc was expected to emit");
        assertEquals(List.of(), run.mismatches.subList(0, Math.min(30, run.mismatches.size())));
    }

    /** One corpus run: compiles, disassembles, compares line by line, collects the report. */
    private final class Run {
        final Path dir;
        final String name;
        int compared;
        int xmmLines;
        int ymmLines;
        final Set<String> mnemonics = new TreeSet<>();
        final List<String> mismatches = new ArrayList<>();
        final List<String> report = new ArrayList<>();

        Run(String name) throws IOException {
            this.name = name;
            this.dir = Objdump.buildDir(name);
        }

        void compileAndCompare(String src, String tag, List<String> flags) throws Exception {
            Path c = dir.resolve(src);
            try (InputStream in = CorpusTest.class.getResourceAsStream("/corpus/" + src)) {
                Files.write(c, in.readAllBytes());
            }
            Path o = dir.resolve(src.replace(".c", tag + ".o"));
            List<String> cmd = new ArrayList<>(List.of("gcc", "-c"));
            cmd.addAll(flags);
            cmd.addAll(List.of("-o", o.toString(), c.toString()));
            Objdump.run(cmd);
            Elf elf = new Elf(Files.readAllBytes(o));
            String out = Objdump.run(List.of("objdump", "-d", "-z", "-M", "intel", "-w", o.toString()));
            Files.writeString(dir.resolve(o.getFileName() + ".objdump.txt"), out);
            int n = 0;
            for (String block : out.split("\nDisassembly of section ")) {
                int colon = block.indexOf(":\n");
                if (colon < 0 || block.startsWith("\n")) continue;
                String secName = block.substring(0, colon);
                Elf.Section sec = elf.sections.get(secName);
                if (sec == null) continue;
                Symbolizer sym = elf.symbolizer(sec);
                for (Objdump.Line l : Objdump.parse(block)) {
                    Insn insn = Decoder.decodeListing(sec.data, (int) l.address,
                            sec.data.length - (int) l.address, l.address);
                    String text = Formatter.format(insn, sym);
                    compared++;
                    n++;
                    if (l.text.contains("xmm")) xmmLines++;
                    if (l.text.contains("ymm")) ymmLines++;
                    int sp = l.text.indexOf(' ');
                    mnemonics.add(sp < 0 ? l.text : l.text.substring(0, sp));
                    if (insn.length() != l.bytes.length || !text.equals(l.text)) {
                        mismatches.add(o.getFileName() + " " + secName + " " + l + "   <-> ours: " + insn + "  "
                                + text);
                    }
                }
            }
            report.add(o.getFileName() + ": " + n + " instructions");
        }

        void finish() throws IOException {
            report.add("compared " + compared + ", with xmm operands " + xmmLines + ", with ymm " + ymmLines
                    + ", mismatches "
                    + mismatches.size());
            report.addAll(mismatches);
            Files.write(dir.resolve("report.txt"), report);
            System.out.println(name + ": compared " + compared + ", mismatches " + mismatches.size());
        }
    }
}
