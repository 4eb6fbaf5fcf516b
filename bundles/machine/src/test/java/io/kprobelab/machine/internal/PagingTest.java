package io.kprobelab.machine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.machine.GuestOops;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Machines;
import io.kprobelab.machine.MemoryFault;
import io.kprobelab.machine.Reg;
import io.kprobelab.machine.Trap;
import org.junit.jupiter.api.Test;

/** The MMU: #PF error codes, NX, R/W, U/S, canonical addresses, the TLB, CR3 reload, invlpg. */
class PagingTest {

    final TestImage img = new TestImage();

    // read(p): 48 8b 07  mov rax, [rdi];  c3  ret
    static final int[] READ = {0x48, 0x8b, 0x07, 0xc3};

    Machine load() {
        Machine m = Machines.create(1, 16);
        m.loadBare(img);
        return m;
    }

    @Test
    void testWriteToReadOnlyPage_pfWithPresentAndWriteBits() {
        // 48 89 07  mov [rdi], rax ; c3 ret
        img.function("store", 0x48, 0x89, 0x07, 0xc3);
        Machine m = load();
        GuestOops o = assertThrows(GuestOops.class, () -> m.call("store", TestImage.RODATA + 8));
        assertEquals(Trap.PF, o.trap().vector());
        assertEquals(MemoryFault.PF_PRESENT | MemoryFault.PF_WRITE, o.trap().errorCode());
        assertEquals(TestImage.RODATA + 8, o.trap().address());
        assertEquals(TestImage.RODATA + 8, m.vcpu(0).regs().get(Reg.CR2));
        assertTrue(o.report().contains("RIP: store+0x0"), o.report());
        // a writable page is fine
        m.call("store", TestImage.DATA + 8);
    }

    @Test
    void testFetchFromNxPage_pfWithInstructionFetchBit() {
        img.function("jmp", 0xff, 0xe7); // jmp rdi
        Machine m = load();
        GuestOops o = assertThrows(GuestOops.class, () -> m.call("jmp", TestImage.DATA));
        assertEquals(Trap.PF, o.trap().vector());
        assertEquals(MemoryFault.PF_PRESENT | MemoryFault.PF_FETCH, o.trap().errorCode());
        assertEquals(TestImage.DATA, o.trap().address());
        assertEquals(TestImage.DATA, m.vcpu(0).regs().ip());
    }

    @Test
    void testNotPresent_pfErrorCodeZeroForSupervisorRead() {
        img.function("read", READ);
        Machine m = load();
        GuestOops o = assertThrows(GuestOops.class, () -> m.call("read", 0x1234));
        assertEquals(0, o.trap().errorCode());
        assertEquals(0x1234, o.trap().address());
    }

    @Test
    void testNonCanonicalAddress_gp() {
        img.function("read", READ);
        GuestOops o = assertThrows(GuestOops.class, () -> load().call("read", 0x0000800000000000L));
        assertEquals(Trap.GP, o.trap().vector());
        assertEquals(0, o.trap().errorCode());
    }

    @Test
    void testUserMode_supervisorPagesFaultWithUserBit() throws Exception {
        img.function("read", READ);
        Machine m = load();
        MachineImpl mi = (MachineImpl) m;
        long user = 0x400000;
        mi.mapRange(user, 4096, false, true, true);
        m.memory().poke(user, new byte[] {0x48, (byte) 0x8b, 0x07, (byte) 0xf4}, 0, 4); // mov rax,[rdi]; hlt
        Cpu c = mi.vcpuImpl(0).cpu;
        // user read of a supervisor page
        c.cpl = 3;
        c.flushTlb();
        c.rip = user;
        c.r[7] = TestImage.RODATA;
        GuestOops o = assertThrows(GuestOops.class, () -> mi.runUntilHalt(0, -1));
        assertEquals(MemoryFault.PF_PRESENT | MemoryFault.PF_USER, o.trap().errorCode());
        // user fetch from a supervisor page
        c.cpl = 3;
        c.flushTlb();
        c.rip = TestImage.TEXT;
        o = assertThrows(GuestOops.class, () -> mi.runUntilHalt(0, -1));
        assertEquals(MemoryFault.PF_PRESENT | MemoryFault.PF_USER | MemoryFault.PF_FETCH, o.trap().errorCode());
        assertEquals(TestImage.TEXT, o.trap().address());
        // user read of its own page works; hlt in ring 3 is #GP
        c.cpl = 3;
        c.flushTlb();
        c.rip = user;
        c.r[7] = user;
        o = assertThrows(GuestOops.class, () -> mi.runUntilHalt(0, -1));
        assertEquals(Trap.GP, o.trap().vector());
        assertEquals(0xf4078b48L, c.r[0] & 0xffffffffL);
    }

    /** Address of the leaf page-table entry mapping {@code va}, walked by hand. */
    static int pte(MachineImpl m, long va) {
        byte[] mem = m.phys.mem;
        long table = m.vcpuImpl(0).cpu.cr3 & Mmu.ADDR;
        for (int level = 3; level > 0; level--) {
            long e = (long) Cpu.I64.get(mem, (int) (table + ((va >>> (12 + 9 * level)) & 0x1ff) * 8));
            table = e & Mmu.ADDR;
        }
        return (int) (table + ((va >>> 12) & 0x1ff) * 8);
    }

    @Test
    void testTlb_staleUntilInvlpgOrCr3Reload() throws Exception {
        img.function("read", READ);
        // 0f 01 3f  invlpg [rdi] ; 48 8b 07 mov rax,[rdi] ; c3
        img.function("invlpg_read", 0x0f, 0x01, 0x3f, 0x48, 0x8b, 0x07, 0xc3);
        // 0f 20 d8 mov rax, cr3 ; 0f 22 d8 mov cr3, rax ; 48 8b 07 mov rax,[rdi] ; c3
        img.function("cr3_read", 0x0f, 0x20, 0xd8, 0x0f, 0x22, 0xd8, 0x48, 0x8b, 0x07, 0xc3);
        Machine m = load();
        MachineImpl mi = (MachineImpl) m;
        m.memory().writeU64(TestImage.DATA, 0xaaaa);
        long frame = mi.phys.allocFrame();
        Cpu.I64.set(mi.phys.mem, (int) frame, 0xbbbbL);
        int pte = pte(mi, TestImage.DATA);
        long old = (long) Cpu.I64.get(mi.phys.mem, pte);
        assertEquals(0xaaaa, m.call("read", TestImage.DATA).rax());
        Cpu.I64.set(mi.phys.mem, pte, (old & ~Mmu.ADDR) | frame); // remap without a flush
        assertEquals(0xaaaa, m.call("read", TestImage.DATA).rax()); // the TLB still holds the old one
        assertEquals(0xbbbb, m.call("invlpg_read", TestImage.DATA).rax());
        Cpu.I64.set(mi.phys.mem, pte, old);
        assertEquals(0xbbbb, m.call("read", TestImage.DATA).rax());
        assertEquals(0xaaaa, m.call("cr3_read", TestImage.DATA).rax());
    }

    @Test
    void testCr3Switch_toSecondAddressSpace_seesItsMapping() throws Exception {
        img.function("read", READ);
        Machine m = load();
        MachineImpl mi = (MachineImpl) m;
        m.memory().writeU64(TestImage.DATA, 1);
        // A second PML4 sharing everything, except DATA points at another frame.
        long cr3 = m.vcpu(0).regs().get(Reg.CR3);
        long pml4b = mi.phys.allocFrame();
        System.arraycopy(mi.phys.mem, (int) cr3, mi.phys.mem, (int) pml4b, 4096);
        long frame = mi.phys.allocFrame();
        Cpu.I64.set(mi.phys.mem, (int) frame, 2L);
        // copy the chain below PML4 for DATA's path
        byte[] mem = mi.phys.mem;
        long table = pml4b;
        for (int level = 3; level > 0; level--) {
            int ea = (int) (table + ((TestImage.DATA >>> (12 + 9 * level)) & 0x1ff) * 8);
            long e = (long) Cpu.I64.get(mem, ea);
            long copy = mi.phys.allocFrame();
            System.arraycopy(mem, (int) (e & Mmu.ADDR), mem, (int) copy, 4096);
            Cpu.I64.set(mem, ea, (e & ~Mmu.ADDR) | copy);
            table = copy;
        }
        int ea = (int) (table + ((TestImage.DATA >>> 12) & 0x1ff) * 8);
        Cpu.I64.set(mem, ea, ((long) Cpu.I64.get(mem, ea) & ~Mmu.ADDR) | frame);
        assertEquals(1, m.call("read", TestImage.DATA).rax());
        m.vcpu(0).regs().set(Reg.CR3, pml4b);
        assertEquals(2, m.call("read", TestImage.DATA).rax());
        m.vcpu(0).regs().set(Reg.CR3, cr3);
        assertEquals(1, m.call("read", TestImage.DATA).rax());
    }

    @Test
    void testGuestMemory_writeHonoursReadOnly_pokeDoesNot() throws Exception {
        img.function("read", READ);
        Machine m = load();
        MemoryFault f = assertThrows(MemoryFault.class, () -> m.memory().writeU64(TestImage.TEXT, 0));
        assertEquals(MemoryFault.PF_PRESENT | MemoryFault.PF_WRITE, f.errorCode());
        assertEquals(TestImage.TEXT, f.address());
        m.memory().poke(TestImage.RODATA, new byte[] {1, 2, 3}, 0, 3);
        assertEquals(0x030201, m.memory().readU64(TestImage.RODATA));
        MemoryFault nf = assertThrows(MemoryFault.class, () -> m.memory().readU8(0x5000));
        assertEquals(0, nf.errorCode());
        // a read across a page boundary into an unmapped page faults at that page
        MemoryFault cross = assertThrows(MemoryFault.class, () -> m.memory().read(TestImage.DATA + 4090, 12));
        assertEquals(TestImage.DATA + 4096, cross.address());
    }

    @Test
    void testUnalignedAccessAcrossPages_readsBothPages() throws Exception {
        img.function("read", READ);
        Machine m = load();
        byte[] b = {1, 2, 3, 4, 5, 6, 7, 8};
        m.memory().poke(TestImage.RODATA + 4092, b, 0, 8); // crosses into DATA
        assertEquals(0x0807060504030201L, m.call("read", TestImage.RODATA + 4092).rax());
    }

    @Test
    void testInstructionCrossingPages_executesAndFaultsOnMissingSecondPage() throws Exception {
        img.function("dummy", 0xc3);
        Machine m = load();
        MachineImpl mi = (MachineImpl) m;
        long page = 0xffffffffa0000000L;
        mi.mapRange(page, 8192, true, true, false);
        // 48 b8 <imm64> movabs rax, 0x1122334455667788 split 5/5 across the pages; c3 ret
        long at = page + 4096 - 5;
        m.memory().poke(at, new byte[] {0x48, (byte) 0xb8, (byte) 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
            (byte) 0xc3}, 0, 11);
        assertEquals(0x1122334455667788L, m.call(at).rax());
        // patching the second half is seen (the block is registered on both pages)
        m.memory().poke(page + 4096, new byte[] {0x00}, 0, 1);
        assertEquals(0x1122334400667788L, m.call(at).rax());
        // with only the first page mapped the fetch of the second page faults, RIP at the instruction
        long lone = 0xffffffffa0100000L;
        mi.mapRange(lone, 4096, true, true, false);
        m.memory().poke(lone + 4096 - 5, new byte[] {0x48, (byte) 0xb8, 1, 2, 3}, 0, 5);
        GuestOops o = assertThrows(GuestOops.class, () -> m.call(lone + 4096 - 5));
        assertEquals(Trap.PF, o.trap().vector());
        assertEquals(lone + 4096, o.trap().address());
        assertEquals(MemoryFault.PF_FETCH, o.trap().errorCode()); // not present, fetch
        assertEquals(lone + 4096 - 5, m.vcpu(0).regs().ip());
    }

    @Test
    void testNxBitWithoutEferNxe_pfWithReservedBit() {
        long read = img.function("read", READ);
        Machine m = load();
        MachineImpl mi = (MachineImpl) m;
        Cpu c = mi.vcpuImpl(0).cpu;
        c.efer &= ~0x800L; // EFER.NXE = 0: XD is a reserved bit (SDM Vol. 3 §4.5.4)
        c.flushTlb();
        c.rip = read;
        c.r[7] = TestImage.DATA; // DATA (like the stack) is mapped NX
        GuestOops o = assertThrows(GuestOops.class, () -> mi.runUntilHalt(0, -1));
        assertEquals(Trap.PF, o.trap().vector());
        assertEquals(MemoryFault.PF_PRESENT | MemoryFault.PF_RSVD, o.trap().errorCode());
    }

    @Test
    void testLargePages_twoMegabyteAndOneGigabyteMappings() throws Exception {
        img.function("read", READ);
        Machine m = Machines.create(1, 80);
        m.loadBare(img);
        MachineImpl mi = (MachineImpl) m;
        byte[] mem = mi.phys.mem;
        long cr3 = mi.vcpuImpl(0).cpu.cr3;
        // PML4[511] -> PDPT (exists: the image lives at PDPT[510]); PDPT[511] -> new PD; PD[0] = 2 MiB page at 32 MiB
        long pdpt = (long) Cpu.I64.get(mem, (int) (cr3 + 511 * 8)) & Mmu.ADDR;
        long pd = mi.phys.allocFrame();
        Cpu.I64.set(mem, (int) (pdpt + 511 * 8), pd | Mmu.P | Mmu.RW);
        Cpu.I64.set(mem, (int) pd, 0x2000000L | Mmu.P | Mmu.RW | Mmu.PS);
        Cpu.I64.set(mem, 0x2000000 + 0x123458, 0x5151L);
        long va = 0xffffffffc0000000L + 0x123458;
        assertEquals(0x5151, m.call("read", va).rax());
        // 1 GiB page: PML4[1] -> PDPT with a PS entry at physical 0 (the first GiB, beyond our 80 MiB is unused)
        long pdpt2 = mi.phys.allocFrame();
        Cpu.I64.set(mem, (int) (cr3 + 8), pdpt2 | Mmu.P | Mmu.RW);
        Cpu.I64.set(mem, (int) pdpt2, Mmu.P | Mmu.RW | Mmu.PS);
        assertEquals(0x5151, m.call("read", (1L << 39) + 0x2000000 + 0x123458).rax());
        // a 2 MiB entry with a reserved bit (bit 13) set faults with RSVD
        Cpu.I64.set(mem, (int) pd, 0x2000000L | Mmu.P | Mmu.RW | Mmu.PS | (1L << 13));
        m.vcpu(0).regs().set(Reg.CR3, cr3); // flush
        GuestOops o = assertThrows(GuestOops.class, () -> m.call("read", va));
        assertEquals(MemoryFault.PF_PRESENT | MemoryFault.PF_RSVD, o.trap().errorCode());
    }
}
