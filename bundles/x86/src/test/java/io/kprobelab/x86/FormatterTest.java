package io.kprobelab.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Hand-picked formatter cases; the exhaustive checks against objdump are the oracle tests. */
class FormatterTest {

    static Insn d(long addr, int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
        return Decoder.decodeListing(b, 0, b.length, addr);
    }

    static String f(int... v) {
        return Formatter.format(d(0, v));
    }

    @Test
    void objdumpText() {
        assertEquals("push   rbp", f(0x55));                                   // 55
        assertEquals("mov    rbp,rsp", f(0x48, 0x89, 0xe5));                   // 48 89 e5
        assertEquals("sub    rsp,0x10", f(0x48, 0x83, 0xec, 0x10));            // 48 83 ec 10
        assertEquals("add    rax,0xffffffffffffffff", f(0x48, 0x83, 0xc0, 0xff)); // 48 83 c0 ff
        assertEquals("mov    DWORD PTR [rbp-0x14],edi", f(0x89, 0x7d, 0xec)); // 89 7d ec
        assertEquals("mov    rax,QWORD PTR fs:0x28", f(0x64, 0x48, 0x8b, 0x04, 0x25, 0x28, 0, 0, 0));
        assertEquals("rep stos QWORD PTR es:[rdi],rax", f(0xf3, 0x48, 0xab));   // f3 48 ab
        assertEquals("lock cmpxchg DWORD PTR [rdi],esi", f(0xf0, 0x0f, 0xb1, 0x37));
        assertEquals("cs nop WORD PTR [rax+rax*1+0x0]", f(0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0));
        assertEquals("data16 cs nop WORD PTR [rax+rax*1+0x0]",
                f(0x66, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0));
        assertEquals("endbr64", f(0xf3, 0x0f, 0x1e, 0xfa));
        assertEquals("movabs rax,0x1122334455667788", f(0x48, 0xb8, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11));
        assertEquals("(bad)", f(0x06));
        assertEquals("data16 (bad)", f(0x66, 0x8d, 0xc0));                     // lea with a register
        assertEquals("repz ret", f(0xf3, 0xc3));
        assertEquals("mov    rax,cr3", f(0x0f, 0x20, 0xd8));
        assertEquals("xchg   ax,ax", f(0x66, 0x90));
    }

    @Test
    void branchTargetsAndRip() {
        // call rel32 at 0x10 to 0x1d, objdump -b binary style
        assertEquals("call   0x1d", Formatter.format(d(0x10, 0xe8, 0x08, 0, 0, 0)));
        Symbolizer sym = a -> a == 0x401020 ? "foo+0x10" : null;
        assertEquals("call   401020 <foo+0x10>", Formatter.format(d(0x401000, 0xe8, 0x1b, 0, 0, 0), sym));
        // mov rax,QWORD PTR [rip+0x200] at 0x1000
        assertEquals("mov    rax,QWORD PTR [rip+0x200]        # 0x1207",
                Formatter.format(d(0x1000, 0x48, 0x8b, 0x05, 0x00, 0x02, 0, 0)));
    }

    @Test
    void strayRexIsItsOwnLine() {
        Insn i = d(0, 0x48, 0x66, 0x90);
        assertTrue(i.prefixOnly());
        assertEquals(1, i.length());
        assertEquals("rex.W", Formatter.format(i));
        // the CPU view: one instruction, the REX ignored
        Insn cpu = Decoder.decode(new byte[] {0x48, 0x66, (byte) 0x90});
        assertEquals(3, cpu.length());
        assertFalse(cpu.prefixOnly());
    }

    @Test
    void listingLine() {
        Insn i = d(0xffffffff81000000L, 0x55);
        assertEquals("ffffffff81000000 <sys_mkdir+0x0>: 55                   push   rbp",
                Formatter.line(i, a -> a == 0xffffffff81000000L ? "sys_mkdir" : null));
        assertEquals("ffffffff81000000: 55                   push   rbp", Formatter.line(i, null));
    }
}
