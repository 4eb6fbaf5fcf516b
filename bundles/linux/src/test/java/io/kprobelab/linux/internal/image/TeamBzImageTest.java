package io.kprobelab.linux.internal.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.linux.LinuxKernel;
import io.kprobelab.linux.LoadSegment;
import io.kprobelab.linux.SetupHeader;
import io.kprobelab.linux.SymbolSource;
import io.kprobelab.linux.TestKernels;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The team's bzImage (CONFIG_KERNEL_XZ) holds the vmlinux of the same build: the same bytes to load, the same entry. */
class TeamBzImageTest {

    @Test
    void itsPayloadIsTheVmlinuxOfTheSameBuild() throws Exception {
        LinuxKernel bz = LinuxKernel.open(TestKernels.team("bzImage"));
        LinuxKernel elf = LinuxKernel.open(TestKernels.team("vmlinux"));
        assertEquals("xz", bz.compression().orElseThrow());
        SetupHeader h = bz.setupHeader().orElseThrow();
        assertEquals(0x020f, h.version());
        assertTrue((h.xloadflags() & SetupHeader.XLF_KERNEL_64) != 0);
        assertTrue(h.kernelVersion().startsWith("6.1."), h.kernelVersion());
        assertEquals(elf.entryPhysical(), bz.entryPhysical());
        assertEquals(elf.elf().entry(), bz.elf().entry());
        List<LoadSegment> a = elf.loadSegments(), b = bz.loadSegments();
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            LoadSegment x = a.get(i), y = b.get(i);
            assertEquals(List.of(x.paddr(), x.vaddr(), x.fileSize(), x.memSize()),
                    List.of(y.paddr(), y.vaddr(), y.fileSize(), y.memSize()), "segment " + i);
            assertArrayEquals(slice(elf.elf().fileBytes(), x), slice(bz.elf().fileBytes(), y), "segment " + i);
        }
        // The payload's vmlinux is stripped; the System.map beside the bzImage serves, and matches.
        assertEquals(SymbolSource.SYSTEM_MAP, bz.symbolSource());
    }

    static byte[] slice(byte[] file, LoadSegment s) {
        return Arrays.copyOfRange(file, (int) s.fileOffset(), (int) (s.fileOffset() + s.fileSize()));
    }
}
