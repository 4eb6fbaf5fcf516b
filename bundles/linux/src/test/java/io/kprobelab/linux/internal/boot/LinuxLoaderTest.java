package io.kprobelab.linux.internal.boot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.linux.BootLayout;
import io.kprobelab.linux.BootOptions;
import io.kprobelab.linux.E820Entry;
import io.kprobelab.linux.LinuxBoot;
import io.kprobelab.linux.LinuxKernel;
import io.kprobelab.linux.LoadSegment;
import io.kprobelab.linux.TestKernels;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Machines;
import io.kprobelab.machine.PhysicalMemory;
import io.kprobelab.machine.PtRegs;
import io.kprobelab.machine.Reg;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Boots the team's 6.1 kernel's boot state into a machine and reads it back as the kernel would. */
class LinuxLoaderTest {

    static LinuxKernel vmlinux;
    static byte[] initrd;

    @BeforeAll
    static void read() throws Exception {
        vmlinux = LinuxKernel.open(TestKernels.team("vmlinux"));
        initrd = TestKernels.teamBytes("initramfs.cpio.gz");
    }

    @Test
    void zeroPageHoldsCommandLineInitrdAndE820() {
        Machine m = Machines.create(1, 256);
        BootLayout l = LinuxBoot.boot(m, vmlinux, BootOptions.of(LinuxBoot.DEFAULT_CMDLINE, initrd));
        PhysicalMemory pm = m.physicalMemory();
        ByteBuffer zp = page(pm, l.zeroPage());

        assertEquals(0xaa55, zp.getShort(0x1fe) & 0xffff, "boot_flag");
        assertEquals(0x53726448, zp.getInt(0x202), "HdrS");
        assertTrue((zp.getShort(0x206) & 0xffff) >= 0x020c, "protocol version");
        assertEquals(0xff, zp.get(0x210) & 0xff, "type_of_loader");
        assertEquals(0, zp.get(0x1ef), "sentinel");
        long cmdPtr = (zp.getInt(0x228) & 0xffffffffL) | (long) zp.getInt(0x0c8) << 32;
        assertEquals(LinuxBoot.DEFAULT_CMDLINE, cString(pm, cmdPtr));
        assertTrue(cmdPtr >= 0x1000 && cmdPtr < 0x9fc00, "command line in low memory");

        long rdImage = (zp.getInt(0x218) & 0xffffffffL) | (long) zp.getInt(0x0c0) << 32;
        long rdSize = (zp.getInt(0x21c) & 0xffffffffL) | (long) zp.getInt(0x0c4) << 32;
        assertEquals(l.initrdStart(), rdImage);
        assertEquals(initrd.length, rdSize);
        assertEquals(0, rdImage & 0xfff, "initrd page-aligned");
        assertTrue(rdImage + rdSize <= pm.size() && rdImage + rdSize > pm.size() - 0x2000, "initrd at the top of RAM");
        assertTrue(rdImage >= l.kernelEnd(), "initrd above the kernel");
        assertArrayEquals(initrd, bytes(pm, rdImage, initrd.length));

        int n = zp.get(0x1e8) & 0xff;
        List<E820Entry> expect = List.of(new E820Entry(0, 0x9fc00, 1), new E820Entry(0x9fc00, 0x60400, 2),
                new E820Entry(0x100000, 0xf00000, 2), new E820Entry(0x1000000, pm.size() - 0x1000000, 1));
        assertEquals(expect.size(), n);
        for (int i = 0; i < n; i++) {
            int at = 0x2d0 + 20 * i;
            assertEquals(expect.get(i), new E820Entry(zp.getLong(at), zp.getLong(at + 8), zp.getInt(at + 16)), "e820 " + i);
        }
        assertEquals(expect, l.e820());
    }

    @Test
    void segmentsSitAtTheirPhysicalAddresses() {
        Machine m = Machines.create(1, 256);
        BootLayout l = LinuxBoot.boot(m, vmlinux, BootOptions.defaults());
        PhysicalMemory pm = m.physicalMemory();
        byte[] file = vmlinux.elf().fileBytes();
        for (LoadSegment s : vmlinux.loadSegments()) {
            assertArrayEquals(Arrays.copyOfRange(file, (int) s.fileOffset(), (int) (s.fileOffset() + s.fileSize())),
                    bytes(pm, s.paddr(), (int) s.fileSize()), "segment at 0x" + Long.toHexString(s.paddr()));
            byte[] bss = bytes(pm, s.paddr() + s.fileSize(), (int) (s.memSize() - s.fileSize()));
            assertArrayEquals(new byte[bss.length], bss, "zero fill");
        }
        assertEquals(0x1000000, l.kernelStart());
    }

    @Test
    void entryStateFollowsTheSixtyFourBitProtocol() throws Exception {
        Machine m = Machines.create(1, 256);
        BootLayout l = LinuxBoot.boot(m, vmlinux, BootOptions.defaults());
        PtRegs r = m.vcpu(0).regs();
        long startup64 = vmlinux.symbols().stream().filter(s -> s.name().equals("startup_64")).findFirst()
                .orElseThrow().address();
        assertEquals(vmlinux.entryPhysical(), r.get(Reg.RIP));
        assertEquals(startup64 - 0xffffffff80000000L, r.get(Reg.RIP), "e_entry is the physical startup_64");
        assertEquals(l.zeroPage(), r.get(Reg.RSI));
        assertEquals(l.pml4(), r.get(Reg.CR3));
        assertEquals(l.stackTop(), r.get(Reg.RSP));
        assertEquals(0, r.get(Reg.RFLAGS) & PtRegs.FLAG_IF, "interrupts off");

        PhysicalMemory pm = m.physicalMemory();
        // The GDT: 0x10 executable 64-bit code (L=1, D=0), 0x18 writable data, both present, DPL 0.
        long cs = pm.readU64(l.gdt() + 0x10), ds = pm.readU64(l.gdt() + 0x18);
        assertEquals(0x9a, (cs >>> 40) & 0x9e, "__BOOT_CS present code, readable");
        assertEquals(1, (cs >>> 53) & 1, "__BOOT_CS L");
        assertEquals(0, (cs >>> 54) & 1, "__BOOT_CS D");
        assertEquals(0x92, (ds >>> 40) & 0x9e, "__BOOT_DS present data, writable");
        assertEquals(pm.readU64(l.gdt() + 8), cs, "0x08 is 64-bit code too");

        // Walk the page tables: identity map of the first 4 GiB, the kernel text map.
        for (long pa : new long[] {0x1000, l.zeroPage(), l.cmdline(), 0x1000000, l.initrdStart(), pm.size() - 1,
                0xfee00000L, (4L << 30) - 1}) {
            assertEquals(pa, walk(pm, l.pml4(), pa), "identity 0x" + Long.toHexString(pa));
        }
        assertEquals(vmlinux.entryPhysical(), walk(pm, l.pml4(), startup64), "startup_64 in the text map");
        // The same through the vCPU's MMU: the entry's instructions, virtually and physically.
        byte[] text = m.memory().read(startup64, 16);
        assertArrayEquals(text, m.memory().read(vmlinux.entryPhysical(), 16));
        assertArrayEquals(text, bytes(pm, vmlinux.entryPhysical(), 16));
    }

    @Test
    void aBzImagesSetupHeaderIsCopiedAndOnlyTheLoadersFieldsChange() throws Exception {
        byte[] image = TestKernels.teamBytes("bzImage");
        LinuxKernel bz = LinuxKernel.open(TestKernels.team("bzImage"));
        Machine m = Machines.create(1, 256);
        BootLayout l = LinuxBoot.boot(m, bz, BootOptions.of("console=ttyS0", initrd));
        ByteBuffer zp = page(m.physicalMemory(), l.zeroPage());
        int end = 0x202 + (image[0x201] & 0xff);
        // Written by the loader (boot.rst's "write"/"modify" fields): vid_mode, type_of_loader,
        // loadflags, ramdisk_image/size, heap_end_ptr, cmd_line_ptr, hardware_subarch, setup_data.
        java.util.Set<Integer> written = new java.util.HashSet<>();
        for (int[] f : new int[][] {{0x1fa, 2}, {0x210, 2}, {0x218, 8}, {0x224, 8}, {0x23c, 4}, {0x250, 8}}) {
            for (int i = 0; i < f[1]; i++) {
                written.add(f[0] + i);
            }
        }
        for (int o = 0x1f1; o < end; o++) {
            if (!written.contains(o)) {
                assertEquals(image[o], zp.get(o), String.format("setup header byte 0x%x", o));
            }
        }
        assertEquals(0xff, zp.get(0x210) & 0xff);
        assertEquals(1, zp.get(0x211) & 1, "LOADED_HIGH");
        assertEquals(image[0x236], zp.get(0x236), "xloadflags from the image");
        assertArrayEquals(Arrays.copyOf(bytes(m.physicalMemory(), bz.entryPhysical(), 64), 64),
                Arrays.copyOfRange(bz.elf().fileBytes(), (int) bz.loadSegments().get(0).fileOffset(),
                        (int) bz.loadSegments().get(0).fileOffset() + 64), "the payload's kernel at p_paddr");
    }

    @Test
    void refusesWhatDoesNotFit() {
        Machine small = Machines.create(1, 32);
        byte[] big = new byte[24 << 20];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LinuxBoot.boot(small, vmlinux, BootOptions.of(null, big)));
        assertTrue(e.getMessage().contains("initrd of " + big.length + " bytes does not fit"), e.getMessage());
        String longLine = "x".repeat(3000);
        e = assertThrows(IllegalArgumentException.class,
                () -> LinuxBoot.boot(Machines.create(1, 64), vmlinux, BootOptions.of(longLine, null)));
        assertTrue(e.getMessage().contains("command line of 3000 bytes is longer than the kernel's cmdline_size 2047"),
                e.getMessage());
        Machine tiny = Machines.create(1, 16);
        e = assertThrows(IllegalArgumentException.class, () -> LinuxBoot.boot(tiny, vmlinux, BootOptions.defaults()));
        assertTrue(e.getMessage().contains("outside 0x1000000..0x1000000"), e.getMessage());
    }

    /** The physical address {@code va} maps to, by 4-level walk with 2 MiB or 4 KiB leaves. */
    static long walk(PhysicalMemory pm, long cr3, long va) {
        long t = cr3 & ~0xfffL;
        for (int level = 3; level >= 0; level--) {
            long e = pm.readU64(t + ((va >>> (12 + 9 * level)) & 0x1ff) * 8);
            assertEquals(1, e & 1, "present at level " + level + " for 0x" + Long.toHexString(va));
            if (level == 1 && (e & 0x80) != 0) {
                return (e & 0x000fffffffe00000L) | (va & 0x1fffff);
            }
            t = e & 0x000ffffffffff000L;
        }
        return t | (va & 0xfff);
    }

    static ByteBuffer page(PhysicalMemory pm, long pa) {
        return ByteBuffer.wrap(bytes(pm, pa, 4096)).order(ByteOrder.LITTLE_ENDIAN);
    }

    static byte[] bytes(PhysicalMemory pm, long pa, int len) {
        byte[] b = new byte[len];
        pm.read(pa, b, 0, len);
        return b;
    }

    static String cString(PhysicalMemory pm, long pa) {
        byte[] b = bytes(pm, pa, 4096);
        int n = 0;
        while (b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }
}
