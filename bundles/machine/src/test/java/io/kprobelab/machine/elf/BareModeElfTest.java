package io.kprobelab.machine.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kprobelab.machine.ElfImage;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.MemoryFault;
import io.kprobelab.machine.Symbol;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bare mode end to end: gcc-built images at a kernel address, at 0x400000, from a linker script,
 * and a static-pie at address 0 are read, loaded with their segments' permissions, and called.
 * Expected values follow from layout.c: {@code layout_sum(a, b) = a * 7 + squares[a & 7]
 * + (b + 1) + 42 + (sum of a over all calls so far)}, and each call increments {@code counter}.
 */
class BareModeElfTest {

    private static final long[] SQUARES = {0, 1, 4, 9, 16, 25, 36, 49};

    private static Path image(String kind) throws Exception {
        List<String> flags;
        switch (kind) {
            case "kernel" -> flags = new ArrayList<>(Gcc.kernelImage("_start"));
            case "low" -> flags = new ArrayList<>(Gcc.lowImage("_start"));
            default -> {
                flags = new ArrayList<>(Gcc.FREESTANDING);
                flags.addAll(List.of("-mcmodel=kernel", "-T", Gcc.SOURCES.resolve("tiny.ld").toAbsolutePath().toString()));
            }
        }
        flags.add("-O2");
        return Gcc.build("layout-" + kind + ".elf", flags, List.of("layout.c"), List.of());
    }

    @ParameterizedTest
    @ValueSource(strings = {"kernel", "low", "script"})
    void layoutImage_runsWithItsDataBssAndRodata(String kind) throws Exception {
        ElfImage img = ElfImage.read(image(kind));
        Machine m = SmallMachines.bare(img);
        long counter = address(img, "counter"), initialised = address(img, "initialised");
        assertEquals(42, m.memory().readU64(initialised), ".data initialised from the file");
        assertEquals(0, m.memory().readU64(counter), ".bss zeroed");

        long sumOfA = 0;
        long[][] calls = {{3, 4}, {0, 0}, {13, -1}, {1000, 77}};
        for (int i = 0; i < calls.length; i++) {
            long a = calls[i][0], b = calls[i][1];
            sumOfA += a;
            long expected = a * 7 + SQUARES[(int) (a & 7)] + (b + 1) + 42 + sumOfA;
            assertEquals(expected, m.call("layout_sum", a, b).rax(), kind + " layout_sum(" + a + ", " + b + ")");
            assertEquals(i + 1, m.memory().readU64(counter), "counter after call " + (i + 1));
        }
        assertEquals(0x77L, m.call("bare_label", 0x77).rax(), "an unsized assembly label is callable");

        long text = address(img, "layout_sum"), squares = address(img, "squares");
        MemoryFault f = assertThrows(MemoryFault.class, () -> m.memory().write(text, new byte[] {(byte) 0xcc}, 0, 1));
        assertEquals(MemoryFault.PF_PRESENT | MemoryFault.PF_WRITE, f.errorCode() & 3, "text is mapped read-only");
        assertThrows(MemoryFault.class, () -> m.memory().write(squares, new byte[8], 0, 8), ".rodata is read-only");
        assertEquals(9, m.memory().readU64(squares + 3 * 8));
    }

    /** Linker layouts other people's images come in: one RWX segment (-N, -n), no separate code, huge pages. */
    @ParameterizedTest
    @ValueSource(strings = {"-Wl,-N", "-Wl,-n", "-Wl,-z,noseparate-code", "-Wl,-z,max-page-size=0x200000", "-Wl,-z,norelro"})
    void linkerLayouts_loadAndRun(String layout) throws Exception {
        List<String> flags = new ArrayList<>(Gcc.kernelImage("_start"));
        flags.removeIf(f -> f.equals("-Werror")); // -N and -n warn about their RWX segment
        flags.addAll(List.of("-O2", layout));
        Path elf = Gcc.build("layout" + layout.replaceAll("[^a-z0-9]+", "_") + ".elf", flags, List.of("layout.c"), List.of());
        Machine m = SmallMachines.bare(ElfImage.read(elf));
        assertEquals(3 * 7 + SQUARES[3] + 5 + 42 + 3, m.call("layout_sum", 3, 4).rax(), layout);
        assertEquals(13 * 7 + SQUARES[13 & 7] + 1 + 42 + 16, m.call("layout_sum", 13, 0).rax(), layout);
    }

    @Test
    void staticPie_runsAtItsLinkAddresses() throws Exception {
        Path pie = Gcc.build("pie-plain.elf", List.of("-O2", "-static-pie", "-nostdlib", "-ffreestanding", "-fpie",
                "-mgeneral-regs-only", "-Wl,-e,_start", "-Wl,--build-id=none"), List.of("pie_plain.c"), List.of());
        Machine m = SmallMachines.bare(ElfImage.read(pie));
        long[] table = {3, 5, 7, 11};
        for (long i = 0; i < 8; i++) {
            assertEquals(table[(int) (i & 3)], m.call("pick", i).rax(), "pick(" + i + ")");
        }
    }

    private static long address(ElfImage img, String name) {
        return img.symbols().stream().filter(s -> s.name().equals(name)).mapToLong(Symbol::address).findFirst()
                .orElseThrow();
    }
}
