package io.kprobelab.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kprobelab.x86.oracle.Elf;
import io.kprobelab.x86.oracle.Objdump;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Kernel-style C compiled by gcc at -O0/-O2/-Os, disassembled by {@code objdump -d -M intel -w}:
 * every instruction of every executable section, decoded from the section bytes read from the
 * ELF file and formatted with a symbolizer built from the object's symbol table, must give
 * objdump's length and exactly objdump's text (branch targets and RIP-relative comments
 * included, e.g. {@code call   1a <foo+0x1a>}).
 */
class CorpusTest {

    static final String[] SOURCES = {"strings.c", "arith.c", "structs.c", "privileged.c"};
    static final String[] OPTS = {"-O0", "-O2", "-Os"};

    @Test
    void corpusMatchesObjdump() throws Exception {
        assumeTrue(Objdump.available("gcc") && Objdump.available("objdump"), "gcc/objdump not installed");
        Path dir = Objdump.buildDir("corpus");
        int compared = 0;
        List<String> mismatches = new ArrayList<>();
        List<String> report = new ArrayList<>();
        for (String src : SOURCES) {
            Path c = dir.resolve(src);
            try (InputStream in = getClass().getResourceAsStream("/corpus/" + src)) {
                Files.write(c, in.readAllBytes());
            }
            for (String opt : OPTS) {
                Path o = dir.resolve(src.replace(".c", opt + ".o"));
                Objdump.run(List.of("gcc", "-c", "-ffreestanding", "-mgeneral-regs-only", "-mcmodel=kernel",
                        "-mno-red-zone", "-fno-pic", "-fcf-protection", "-mno-sse", opt, "-o", o.toString(),
                        c.toString()));
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
                        if (insn.length() != l.bytes.length || !text.equals(l.text)) {
                            mismatches.add(o.getFileName() + " " + secName + " " + l + "   <-> ours: " + insn + "  "
                                    + text);
                        }
                    }
                }
                report.add(o.getFileName() + ": " + n + " instructions");
            }
        }
        report.add("compared " + compared + ", mismatches " + mismatches.size());
        report.addAll(mismatches);
        Files.write(dir.resolve("report.txt"), report);
        System.out.println("corpus: compared " + compared + ", mismatches " + mismatches.size());
        assertTrue(compared > 1000, "too few instructions compared: " + compared);
        assertEquals(List.of(), mismatches.subList(0, Math.min(30, mismatches.size())));
    }
}
