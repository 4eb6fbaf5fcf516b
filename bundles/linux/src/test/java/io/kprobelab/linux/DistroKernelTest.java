package io.kprobelab.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.machine.Symbol;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A kernel nobody on the team built: Debian 12's cloud kernel, as its package installs it (an LZ4
 * bzImage, a one-line stub System.map beside it), read with no help from any table of ours.
 */
class DistroKernelTest {

    static Path vmlinuz;
    static LinuxKernel kernel;
    static Map<String, Symbol> byName;

    @BeforeAll
    static void read() throws Exception {
        vmlinuz = TestKernels.distroKernel();
        kernel = LinuxKernel.open(vmlinuz);
        byName = kernel.symbols().stream().collect(Collectors.toMap(Symbol::name, Function.identity(), (a, b) -> a));
    }

    @Test
    void itIsAnLz4BzImageOfProtocolTwoFifteen() {
        SetupHeader h = kernel.setupHeader().orElseThrow();
        assertEquals("lz4", kernel.compression().orElseThrow());
        assertEquals(0x020f, h.version());
        assertTrue(vmlinuz.getFileName().toString().endsWith(h.release()), h.kernelVersion());
        assertTrue(h.release().startsWith("6.1.0-"), h.release());
        assertTrue(h.relocatable());
        assertEquals(0x1000000, h.prefAddress());
    }

    @Test
    void symbolsComeFromItsOwnKallsymsNotTheStub() {
        assertEquals(SymbolSource.KALLSYMS, kernel.symbolSource());
        assertTrue(kernel.symbols().size() > 50_000, kernel.symbols().size() + " symbols");
        for (String[] s : new String[][] {{"do_mkdirat", "T"}, {"__x64_sys_mkdir", "T"}, {"init_task", "D"},
                {"__start_BTF", "R"}, {"__stop_BTF", "R"}, {"_text", "T"}, {"startup_64", "T"}}) {
            Symbol sym = byName.get(s[0]);
            assertTrue(sym != null, s[0] + " missing");
            assertEquals(s[1].charAt(0), sym.type(), s[0]);
        }
    }

    @Test
    void textSymbolsAgreeWithTheElfInside() {
        List<LoadSegment> segs = kernel.loadSegments();
        LoadSegment text = segs.get(0);
        assertEquals(text.vaddr(), byName.get("_text").address(), "_text starts the first segment");
        assertEquals(kernel.elf().entry(), byName.get("startup_64").address(), "startup_64 is the ELF's entry");
        assertEquals(kernel.entryPhysical(), byName.get("startup_64").address() - text.vaddr() + text.paddr());
        assertEquals(0x1000000, text.paddr(), "linked at LOAD_PHYSICAL_ADDR: loading at p_paddr needs no relocation");
    }
}
