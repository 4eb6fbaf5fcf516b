package io.kprobelab.guest.internal;

import io.kprobelab.guest.BootParams;
import io.kprobelab.machine.ElfImage;
import io.kprobelab.machine.KernelEntry;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.PhysicalMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Boots a vmlinux the way Firecracker does (BOOT.md section 3): PT_LOAD segments copied to
 * their physical addresses, 4-level page tables for the image and the direct map, a GDT, a
 * {@code struct boot_info} and a boot stack below 1 MiB, then the 64-bit entry state.
 *
 * <p>Physical layout of the loader's data (all between 0x1000 and 1 MiB, so that the machine's
 * host frames from 1 MiB up and the kernel's allocator from {@code _end} never meet it):
 * 0x8000 GDT, 0x9000 boot_info, 0x10000 PML4, then PDPTs, page directories and page tables,
 * the boot stack 0x70000..0x80000, and the stack for host calls into the kernel ({@code
 * Machine.call}) 0x80000..0x100000, which the kernel never touches.
 */
public final class VmlinuxLoader {

    /** {@code __START_KERNEL_map}: kernel virtual = physical + this. */
    public static final long START_KERNEL_MAP = 0xffffffff80000000L;
    /** {@code PAGE_OFFSET}: the direct map of all RAM. */
    public static final long PAGE_OFFSET = 0xffff888000000000L;

    static final long GDT = 0x8000, BOOT_INFO = 0x9000, PML4 = 0x10000, TABLES_END = 0x70000,
            STACK_TOP = 0x80000, CALL_STACK_TOP = 0x100000;
    static final int BOOT_MAGIC = 0x4942424b, BOOT_VERSION = 1, FLAG_STAY_UP = 2;
    static final long P = 1, RW = 2, PS = 0x80;

    private final PhysicalMemory pm;
    private long nextTable = PML4 + 0x1000;

    private VmlinuxLoader(PhysicalMemory pm) {
        this.pm = pm;
    }

    /** Places {@code image} in {@code machine}'s RAM, builds the boot data and sets vCPU 0 to enter it. */
    public static void boot(Machine machine, ElfImage image, BootParams params) {
        PhysicalMemory pm = machine.physicalMemory();
        long ram = params.ramSize() == 0 ? pm.size() : params.ramSize();
        if (ram > pm.size() || ram < (32L << 20)) {
            throw new IllegalArgumentException("RAM size must be 32 MiB..the machine's " + (pm.size() >> 20)
                    + " MiB, got " + ram);
        }
        new VmlinuxLoader(pm).load(machine, image, params, ram);
    }

    private void load(Machine machine, ElfImage image, BootParams params, long ram) {
        pm.zero(0, pm.size());
        byte[] file = image.fileBytes();
        long[][] loads = programHeaders(file);
        for (long[] ph : loads) { // {offset, vaddr, paddr, filesz, memsz, flags}
            long paddr = ph[2], filesz = ph[3], memsz = ph[4];
            if (paddr < 0x1000000L || paddr + memsz > ram) {
                throw new IllegalArgumentException(image.name() + ": PT_LOAD at physical 0x" + Long.toHexString(paddr)
                        + " (+0x" + Long.toHexString(memsz) + ") is outside 16 MiB..RAM");
            }
            pm.write(paddr, file, (int) ph[0], (int) filesz); // the rest up to memsz stays zero
        }
        // Page tables: the direct map with 2 MiB pages, the image with 4 KiB pages.
        pm.zero(PML4, 0x1000);
        for (long pa = 0; pa < ram; pa += 0x200000) {
            long pd = table(PAGE_OFFSET + pa, 2);
            pm.writeU64(pd + (((PAGE_OFFSET + pa) >>> 21) & 0x1ff) * 8, pa | P | RW | PS);
        }
        for (long[] ph : loads) {
            long vaddr = ph[1], paddr = ph[2], memsz = ph[4];
            boolean writable = (ph[5] & 2) != 0;
            for (long off = -(vaddr & 0xfff); off < memsz; off += 0x1000) {
                long va = vaddr + off, pa = paddr + off;
                long pt = table(va, 1);
                long slot = pt + ((va >>> 12) & 0x1ff) * 8;
                long old = pm.readU64(slot);
                pm.writeU64(slot, (pa & ~0xfffL) | P | (writable ? RW : 0) | (old & RW));
            }
        }
        // GDT: 0x08 64-bit code DPL 0, 0x10 flat data DPL 0 (BOOT.md section 3.5).
        pm.writeU64(GDT, 0);
        pm.writeU64(GDT + 8, 0x00af9a000000ffffL);
        pm.writeU64(GDT + 16, 0x00cf92000000ffffL);
        // struct boot_info
        ByteBuffer bi = ByteBuffer.allocate(0x140).order(ByteOrder.LITTLE_ENDIAN);
        bi.putInt(0x00, BOOT_MAGIC).putInt(0x04, BOOT_VERSION).putLong(0x08, ram)
                .putInt(0x10, machine.vcpus().size()).putInt(0x14, params.stayUp() ? FLAG_STAY_UP : 0)
                .putLong(0x18, PML4).putLong(0x20, params.insnsPerTick());
        byte[] cmd = params.cmdline().getBytes(StandardCharsets.UTF_8);
        bi.position(0x40);
        bi.put(cmd);
        pm.write(BOOT_INFO, bi.array(), 0, 0x140);
        machine.bootKernel(image, new KernelEntry(image.entry(), PAGE_OFFSET + STACK_TOP, BOOT_INFO, PML4,
                PAGE_OFFSET + GDT, 3 * 8 - 1, PAGE_OFFSET + CALL_STACK_TOP),
                new GuestKernelProfile(machine));
    }

    /** The table at {@code level} (2 = PD, 1 = PT) covering {@code va}, created as needed. */
    private long table(long va, int level) {
        long t = PML4;
        for (int l = 3; l >= level; l--) {
            long slot = t + ((va >>> (12 + 9 * l)) & 0x1ff) * 8;
            long e = pm.readU64(slot);
            if ((e & P) == 0) {
                if (nextTable >= TABLES_END) {
                    throw new IllegalStateException("loader page-table area full");
                }
                e = nextTable | P | RW;
                pm.zero(nextTable, 0x1000);
                nextTable += 0x1000;
                pm.writeU64(slot, e);
            }
            t = e & 0x000ffffffffff000L;
        }
        return t;
    }

    /** PT_LOAD program headers: {p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_flags} (ELF64 gABI). */
    static long[][] programHeaders(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        long phoff = b.getLong(0x20);
        int phentsize = b.getShort(0x36) & 0xffff, phnum = b.getShort(0x38) & 0xffff;
        java.util.List<long[]> out = new java.util.ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int h = (int) (phoff + (long) i * phentsize);
            if (b.getInt(h) != 1) { // PT_LOAD
                continue;
            }
            out.add(new long[] {b.getLong(h + 8), b.getLong(h + 0x10), b.getLong(h + 0x18), b.getLong(h + 0x20),
                    b.getLong(h + 0x28), b.getInt(h + 4)});
        }
        return out.toArray(new long[0][]);
    }
}
