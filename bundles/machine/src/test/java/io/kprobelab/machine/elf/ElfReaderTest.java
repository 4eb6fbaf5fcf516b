package io.kprobelab.machine.elf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kprobelab.machine.ElfException;
import io.kprobelab.machine.ElfImage;
import io.kprobelab.machine.Symbol;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ElfReader against real gcc/ld output (readelf and nm are the oracles) and against malformed
 * files: every rejection must be an {@link ElfException} naming the file and the problem.
 */
class ElfReaderTest {

    private static Path kernelElf, lowElf, scriptElf;
    private static byte[] kernelBytes;

    @BeforeAll
    static void build() throws Exception {
        List<String> kernel = new ArrayList<>(Gcc.kernelImage("_start"));
        kernel.add("-O2");
        kernelElf = Gcc.build("layout-kernel.elf", kernel, List.of("layout.c"), List.of());
        List<String> low = new ArrayList<>(Gcc.lowImage("_start"));
        low.add("-O2");
        lowElf = Gcc.build("layout-low.elf", low, List.of("layout.c"), List.of());
        List<String> script = new ArrayList<>(Gcc.FREESTANDING);
        script.addAll(List.of("-O2", "-mcmodel=kernel", "-T", Gcc.SOURCES.resolve("tiny.ld").toAbsolutePath().toString()));
        scriptElf = Gcc.build("layout-script.elf", script, List.of("layout.c"), List.of());
        kernelBytes = Files.readAllBytes(kernelElf);
    }

    // ---- good images, compared with readelf and nm ----

    @Test
    void kernelAddressImage_matchesReadelfAndNm() throws Exception {
        ElfImage img = compareWithBinutils(kernelElf);
        assertTrue(img.segments().stream().anyMatch(s -> s.vaddr() == 0xffffffff81000000L),
                "gcc -Wl,-Ttext-segment places the first segment at 0xffffffff81000000");
    }

    @Test
    void lowAddressImage_matchesReadelfAndNm() throws Exception {
        ElfImage img = compareWithBinutils(lowElf);
        assertTrue(img.segments().stream().anyMatch(s -> s.vaddr() == 0x400000L));
    }

    @Test
    void linkerScriptImage_matchesReadelfAndNm() throws Exception {
        ElfImage img = compareWithBinutils(scriptElf);
        long stext = symbol(img, "_stext").address(), etext = symbol(img, "_etext").address();
        assertEquals(0xffffffff82000000L, stext);
        assertEquals('T', symbol(img, "_etext").type());
        assertEquals(stext, img.section(".text")[0]);
        assertEquals(etext, img.section(".text")[1]);
        assertEquals(2, img.segments().size());
    }

    @Test
    void symbolKinds_areKallsymsLetters() throws Exception {
        ElfImage img = ElfImage.read(kernelElf);
        Map<String, Character> expected = Map.of("layout_sum", 'T', "scale", 't', "hook", 'T', "counter", 'B',
                "local_counter", 'b', "initialised", 'D', "local_initialised", 'd', "squares", 'R',
                "magic_abs", 'A', "bare_label", 'T');
        expected.forEach((name, type) -> assertEquals(type, symbol(img, name).type(), name));
        assertEquals(0x1234L, symbol(img, "magic_abs").address());
        assertEquals(0L, symbol(img, "bare_label").size());
        assertEquals(64L, symbol(img, "squares").size());
        assertEquals(img.entry(), symbol(img, "_start").address());
        for (Symbol s : img.symbols()) {
            assertTrue(!s.name().isEmpty() && !s.name().endsWith(".c"), "no file or section symbols: " + s);
        }
    }

    @Test
    void segmentsAndBytes_describeTheFile() throws Exception {
        ElfImage img = ElfImage.read(kernelElf);
        assertEquals(kernelElf.toString(), img.name());
        assertArrayEquals(kernelBytes, img.fileBytes());
        ElfImage.Segment text = img.segments().stream().filter(ElfImage.Segment::executable).findFirst().orElseThrow();
        Symbol fn = symbol(img, "layout_sum");
        int off = (int) (text.fileOffset() + fn.address() - text.vaddr());
        byte[] objdumpFirst = firstInstructionBytes(kernelElf, "layout_sum");
        for (int i = 0; i < objdumpFirst.length; i++) {
            assertEquals(objdumpFirst[i], img.fileBytes()[off + i], "byte " + i + " of layout_sum");
        }
        ElfImage.Segment data = img.segments().stream().filter(ElfImage.Segment::writable).findFirst().orElseThrow();
        assertTrue(data.memSize() > data.fileSize(), "bss lies past the file contents of the data segment");
        assertNull(img.section(".no-such-section"));
    }

    @Test
    void staticPieWithoutRelocations_isAccepted() throws Exception {
        Path pie = Gcc.build("pie-plain.elf", pieFlags(), List.of("pie_plain.c"), List.of());
        ElfImage img = ElfImage.read(pie);
        assertEquals(img.entry(), symbol(img, "_start").address());
    }

    @Test
    void staticPieWithRelocations_isRejected() throws Exception {
        Path pie = Gcc.build("pie-reloc.elf", pieFlags(), List.of("pie_reloc.c"), List.of());
        ElfException e = assertThrows(ElfException.class, () -> ElfImage.read(pie));
        assertEquals(pie + ": position-independent executable has dynamic relocations (DT_RELA 48 bytes) "
                + "that bare mode does not apply; link with -no-pie", e.getMessage());
    }

    @Test
    void dynamicallyLinkedProgram_isRejected() throws Exception {
        Path hosted = Gcc.build("hosted.elf", List.of("-O2"), List.of("hosted.c"), List.of());
        ElfException e = assertThrows(ElfException.class, () -> ElfImage.read(hosted));
        assertTrue(e.getMessage().startsWith(hosted + ": dynamically linked: PT_INTERP requests /lib64/ld-linux-x86-64.so.2"),
                e.getMessage());
        // Without its PT_INTERP it still needs libc through PT_DYNAMIC.
        byte[] b = Files.readAllBytes(hosted);
        forEachPhdr(b, (o) -> {
            if (le(b).getInt(o) == 3) {
                le(b).putInt(o, 0);
            }
        });
        e = assertThrows(ElfException.class, () -> ElfImage.parse("hosted", b));
        assertTrue(e.getMessage().startsWith("hosted: dynamically linked: PT_DYNAMIC needs libc.so.6"), e.getMessage());
    }

    @Test
    void relocatableObject_isRejected() throws Exception {
        List<String> flags = new ArrayList<>(Gcc.FREESTANDING);
        flags.addAll(List.of("-c", "-O2"));
        Path obj = Gcc.build("layout.o", flags, List.of("layout.c"), List.of());
        ElfException e = assertThrows(ElfException.class, () -> ElfImage.read(obj));
        assertEquals(obj + ": not an executable: e_type 1 (ET_REL, a relocatable object file; link it first)",
                e.getMessage());
    }

    @Test
    void strippedImage_loadsWithoutSymbols() throws Exception {
        Path stripped = Gcc.buildDir().resolve("layout-stripped.elf");
        Gcc.run(List.of("objcopy", "--strip-all", kernelElf.toString(), stripped.toString()));
        ElfImage img = ElfImage.read(stripped);
        assertEquals(List.of(), img.symbols());
        assertEquals(ElfImage.read(kernelElf).segments(), img.segments());
        assertTrue(img.section(".text") != null);
    }

    @Test
    void imageWithoutSectionHeaders_loads() throws Exception {
        byte[] b = kernelBytes.clone();
        le(b).putLong(40, 0L);           // e_shoff
        le(b).putShort(60, (short) 0);   // e_shnum
        le(b).putShort(62, (short) 0);   // e_shstrndx
        ElfImage img = ElfImage.parse("bare-headers", b);
        assertEquals(ElfImage.read(kernelElf).segments(), img.segments());
        assertEquals(List.of(), img.symbols());
        assertNull(img.section(".text"));
    }

    @Test
    void staticHostedProgram_isAccepted() throws Exception {
        // Static glibc: TLS, IRELATIVE relocations applied by its own start-up code, no PT_INTERP.
        Path hosted = Gcc.build("hosted-static.elf", List.of("-O2", "-static"), List.of("hosted.c"), List.of());
        ElfImage img = ElfImage.read(hosted);
        assertEquals(img.entry(), symbol(img, "_start").address());
        assertEquals('T', symbol(img, "main").type());
    }

    @Test
    void missingFile_isNamed() {
        Path missing = Path.of("no/such/dir/missing.elf");
        ElfException e = assertThrows(ElfException.class, () -> ElfImage.read(missing));
        assertEquals(missing + ": no such file", e.getMessage());
    }

    // ---- malformed headers ----

    static Stream<Arguments> malformed() {
        return Stream.of(
                bad("empty", b -> { }, 0, "x: not an ELF file (empty)"),
                bad("truncated magic", b -> { }, 3, "x: file too short (3 bytes): truncated ELF magic 7f 45 4c"),
                bad("bad magic", b -> b[3] = 0, -1, "x: not an ELF file (bad magic 7f 45 4c 00, expected 7f 45 4c 46)"),
                bad("text file", b -> System.arraycopy("#!/bin/sh\n".getBytes(), 0, b, 0, 10), -1,
                        "x: not an ELF file (bad magic 23 21 2f 62, expected 7f 45 4c 46)"),
                bad("truncated ident", b -> { }, 10,
                        "x: file too short (10 bytes): truncated ELF identification, which needs 16"),
                bad("truncated header", b -> { }, 40,
                        "x: truncated ELF header: file has 40 bytes, the ELF64 header needs 64"),
                bad("ELFCLASS32", b -> b[4] = 1, -1,
                        "x: not ELF64: EI_CLASS 1 (ELFCLASS32, a 32-bit file); expected 2 (ELFCLASS64)"),
                bad("big-endian", b -> b[5] = 2, -1,
                        "x: not little-endian: EI_DATA 2 (ELFDATA2MSB, big-endian); expected 1 (ELFDATA2LSB)"),
                bad("AArch64", b -> le(b).putShort(18, (short) 183), -1, "x: e_machine 183 (AArch64), expected 62 (x86-64)"),
                bad("i386", b -> le(b).putShort(18, (short) 3), -1, "x: e_machine 3 (i386), expected 62 (x86-64)"),
                bad("core dump", b -> le(b).putShort(16, (short) 4), -1, "x: not an executable: e_type 4 (ET_CORE, a core dump)"),
                bad("no program headers", b -> le(b).putShort(56, (short) 0), -1,
                        "x: no program headers (e_phnum 0), so nothing to load: no PT_LOAD segment"),
                bad("phentsize", b -> le(b).putShort(54, (short) 32), -1,
                        "x: e_phentsize 32, expected 56 for ELF64 program headers"),
                bad("phdrs beyond file", b -> le(b).putLong(32, b.length - 60L), -1,
                        "x: program header table (NUM entries at offset 0xOFF) extends beyond the end of the file (LEN bytes)"),
                bad("phoff huge", b -> le(b).putLong(32, -8L), -1,
                        "x: program header table (NUM entries at offset 0xfffffffffffffff8) extends beyond the end of the file (LEN bytes)"),
                bad("no PT_LOAD", b -> forEachLoad(b, o -> le(b).putInt(o, 4)), -1,
                        "x: no PT_LOAD segment with contents among NUM program headers: nothing to load"),
                bad("segment beyond file", b -> forFirstLoad(b, o -> le(b).putLong(o + 8, b.length - 16L)), -1,
                        "x: PT_LOAD #0 contents (0xSZ bytes at offset 0xOFF) extends beyond the end of the file (LEN bytes)"),
                bad("filesz > memsz", b -> forFirstLoad(b, o -> le(b).putLong(o + 40, le(b).getLong(o + 32) - 1)), -1,
                        "x: PT_LOAD #0: p_filesz 0xSZ is larger than p_memsz 0xMSZ"),
                bad("overlapping", b -> forLoad(b, 1, o -> le(b).putLong(o + 16, 0xffffffff81000100L)), -1,
                        "x: overlapping segments: PT_LOAD #0 [0xffffffff81000000-0xEND) and PT_LOAD #1 [0xffffffff81000100-0xEND)"),
                bad("non-canonical", b -> forFirstLoad(b, o -> le(b).putLong(o + 16, 0x0000800000000000L)), -1,
                        "x: PT_LOAD #0: addresses 0x800000000000-0xEND are not canonical 48-bit virtual addresses"),
                bad("wraps around", b -> forFirstLoad(b, o -> {
                    le(b).putLong(o + 16, 0xfffffffffffff000L);
                    le(b).putLong(o + 40, 0x2000L);
                }), -1, "x: PT_LOAD #0: addresses 0xfffffffffffff000-0x1000 are not canonical 48-bit virtual addresses"),
                bad("entry outside", b -> le(b).putLong(24, 0x1000L), -1,
                        "x: entry point 0x1000 is not inside any executable PT_LOAD segment"),
                bad("entry in data", b -> le(b).putLong(24, 0xffffffff81000010L), -1,
                        "x: entry point 0xffffffff81000010 lies in PT_LOAD #0 [0xffffffff81000000-0xEND), which is not executable (flags R--)"),
                bad("shentsize", b -> le(b).putShort(58, (short) 40), -1,
                        "x: e_shentsize 40, expected 64 for ELF64 section headers"),
                bad("sections truncated", b -> { }, -64,
                        "x: section header table (NUM entries at offset 0xOFF) extends beyond the end of the file (LEN bytes)"),
                bad("shstrndx", b -> le(b).putShort(62, (short) 200), -1, "x: e_shstrndx 200 is not a section (there are NUM)"));
    }

    private static Arguments bad(String what, Consumer<byte[]> mutation, int length, String message) {
        return Arguments.of(what, mutation, length, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedFile_isRejectedPrecisely(String what, Consumer<byte[]> mutation, int length, String message) {
        byte[] b = kernelBytes.clone();
        mutation.accept(b);
        byte[] input = length == -1 ? b : java.util.Arrays.copyOf(b, length < 0 ? b.length + length : length);
        ElfException e = assertThrows(ElfException.class, () -> ElfImage.parse("x", input), what);
        String pattern = Pattern.quote(message).replaceAll("(NUM|OFF|LEN|SZ|MSZ|END)", "\\\\E[0-9a-f]+\\\\Q");
        assertTrue(e.getMessage().matches(pattern), what + ": got '" + e.getMessage() + "', expected '" + message + "'");
        if (message.contains("LEN")) {
            assertTrue(e.getMessage().contains("(" + input.length + " bytes)"), e.getMessage());
        }
    }

    // ---- fuzzing: only ElfException may come out ----

    @Test
    void truncationAtEveryLength_givesElfExceptionOnly() {
        for (int len = 0; len < kernelBytes.length; len++) {
            byte[] cut = java.util.Arrays.copyOf(kernelBytes, len);
            try {
                ElfImage.parse("cut", cut);
                // Accepted only when nothing it needs was cut off.
                assertTrue(len >= sectionTableEnd(kernelBytes), "accepted a file truncated to " + len);
            } catch (ElfException expected) {
                assertTrue(expected.getMessage().startsWith("cut: "), expected.getMessage());
            } catch (RuntimeException e) {
                fail("truncated to " + len + " bytes: " + e, e);
            }
        }
    }

    @Test
    void randomHeaderCorruption_givesElfExceptionOnly() {
        Random rnd = new Random(0x5eed);
        int headerEnd = 64 + 56 * le(kernelBytes).getShort(56);
        long shoff = le(kernelBytes).getLong(40);
        int accepted = 0;
        for (int iter = 0; iter < 30_000; iter++) {
            byte[] b = kernelBytes.clone();
            int flips = 1 + rnd.nextInt(4);
            for (int k = 0; k < flips; k++) {
                int at = switch (rnd.nextInt(3)) {
                    case 0 -> rnd.nextInt(headerEnd); // ELF and program headers
                    case 1 -> (int) shoff + rnd.nextInt(b.length - (int) shoff); // section headers
                    default -> rnd.nextInt(b.length); // anywhere, symbols and strings included
                };
                b[at] = rnd.nextInt(4) == 0 ? (byte) ((1 << rnd.nextInt(8)) ^ b[at]) : (byte) rnd.nextInt(256);
            }
            try {
                ElfImage img = ElfImage.parse("fuzz", b);
                accepted++;
                for (ElfImage.Segment s : img.segments()) {
                    assertTrue(s.fileOffset() >= 0 && s.fileOffset() + s.fileSize() <= b.length, "segment within the file");
                    assertTrue(Long.compareUnsigned(s.fileSize(), s.memSize()) <= 0);
                }
            } catch (ElfException expected) {
                assertTrue(expected.getMessage().startsWith("fuzz: "));
            } catch (RuntimeException e) {
                fail("iteration " + iter + ": " + e, e);
            }
        }
        assertTrue(accepted > 100 && accepted < 30_000, "some mutations are harmless, many are not: " + accepted);
    }

    // ---- helpers ----

    private static List<String> pieFlags() {
        return List.of("-O2", "-static-pie", "-nostdlib", "-ffreestanding", "-fpie", "-mgeneral-regs-only",
                "-Wl,-e,_start", "-Wl,--build-id=none");
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void forEachPhdr(byte[] b, Consumer<Integer> at) {
        int phoff = (int) le(b).getLong(32);
        for (int i = 0; i < le(b).getShort(56); i++) {
            at.accept(phoff + 56 * i);
        }
    }

    private static void forEachLoad(byte[] b, Consumer<Integer> at) {
        forEachPhdr(b, o -> {
            if (le(b).getInt(o) == 1) {
                at.accept(o);
            }
        });
    }

    private static void forLoad(byte[] b, int n, Consumer<Integer> at) {
        int[] seen = {0};
        forEachLoad(b, o -> {
            if (seen[0]++ == n) {
                at.accept(o);
            }
        });
    }

    private static void forFirstLoad(byte[] b, Consumer<Integer> at) {
        forLoad(b, 0, at);
    }

    private static long sectionTableEnd(byte[] b) {
        return le(b).getLong(40) + 64L * le(b).getShort(60);
    }

    private static Symbol symbol(ElfImage img, String name) {
        return img.symbols().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no symbol " + name + " in " + img.name()));
    }

    private static byte[] firstInstructionBytes(Path elf, String fn) throws Exception {
        String dump = Gcc.run(List.of("objdump", "-d", "--disassemble=" + fn, elf.toString()));
        Matcher m = Pattern.compile("(?m)^\\s*[0-9a-f]+:\\t((?:[0-9a-f]{2} )+)").matcher(dump);
        assertTrue(m.find(), dump);
        String[] hex = m.group(1).trim().split(" ");
        byte[] out = new byte[hex.length];
        for (int i = 0; i < hex.length; i++) {
            out[i] = (byte) Integer.parseInt(hex[i], 16);
        }
        return out;
    }

    private static final Pattern LOAD = Pattern.compile(
            "(?m)^\\s*LOAD\\s+0x([0-9a-f]+)\\s+0x([0-9a-f]+)\\s+0x[0-9a-f]+\\s+0x([0-9a-f]+)\\s+0x([0-9a-f]+)\\s+([RWE ]+?)\\s+0x[0-9a-f]+$");
    private static final Pattern SECTION = Pattern.compile(
            "(?m)^\\s*\\[\\s*[1-9]\\d*\\]\\s+(\\S+)\\s+\\S+\\s+([0-9a-f]+)\\s+[0-9a-f]+\\s+([0-9a-f]+)\\s");

    /** Segments against {@code readelf -lW}, symbols against {@code nm}, sections against {@code readelf -SW}. */
    private static ElfImage compareWithBinutils(Path elf) throws Exception {
        ElfImage img = ElfImage.read(elf);
        String entry = Gcc.run(List.of("readelf", "-hW", elf.toString()));
        Matcher em = Pattern.compile("Entry point address:\\s+0x([0-9a-f]+)").matcher(entry);
        assertTrue(em.find());
        assertEquals(Long.parseUnsignedLong(em.group(1), 16), img.entry(), "entry");

        List<ElfImage.Segment> expected = new ArrayList<>();
        Matcher m = LOAD.matcher(Gcc.run(List.of("readelf", "-lW", elf.toString())));
        while (m.find()) {
            String f = m.group(5);
            expected.add(new ElfImage.Segment(Long.parseUnsignedLong(m.group(2), 16), Long.parseUnsignedLong(m.group(4), 16),
                    Long.parseUnsignedLong(m.group(1), 16), Long.parseUnsignedLong(m.group(3), 16),
                    f.contains("R"), f.contains("W"), f.contains("E")));
        }
        assertTrue(!expected.isEmpty());
        assertEquals(expected, img.segments(), "PT_LOAD segments as readelf -lW shows them");

        Map<String, String> nmLines = new TreeMap<>();
        for (String line : Gcc.run(List.of("nm", "-S", elf.toString())).split("\n")) {
            String[] f = line.trim().split("\\s+");
            // nm -S: address [size] letter name
            String addr = f[0], size = f.length == 4 ? f[1] : "0", letter = f[f.length - 2], name = f[f.length - 1];
            if (letter.equals("W")) {
                letter = "T"; // weak text is 'T' in kallsyms terms; the tests define no weak objects
            }
            nmLines.put(name, Long.parseUnsignedLong(addr, 16) + " " + Long.parseUnsignedLong(size, 16) + " " + letter);
        }
        Map<String, String> ours = new TreeMap<>();
        for (Symbol s : img.symbols()) {
            ours.put(s.name(), s.address() + " " + s.size() + " " + s.type());
        }
        assertEquals(nmLines, ours, "symbols as nm -S shows them");

        Map<String, long[]> sections = new HashMap<>();
        Matcher sm = SECTION.matcher(Gcc.run(List.of("readelf", "-SW", elf.toString())));
        while (sm.find()) {
            long addr = Long.parseUnsignedLong(sm.group(2), 16);
            sections.put(sm.group(1), new long[] {addr, addr + Long.parseUnsignedLong(sm.group(3), 16)});
        }
        assertTrue(sections.containsKey(".text") && sections.containsKey(".symtab"), sections.keySet().toString());
        sections.forEach((name, range) -> assertArrayEquals(range, img.section(name), name));
        return img;
    }
}
