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
    void sseText() {
        assertEquals("movups xmm0,XMMWORD PTR [rdi]", f(0x0f, 0x10, 0x07));                 // 0f 10 07
        assertEquals("movdqu XMMWORD PTR [rsp-0x10],xmm0", f(0xf3, 0x0f, 0x7f, 0x44, 0x24, 0xf0));
        assertEquals("pxor   xmm0,xmm0", f(0x66, 0x0f, 0xef, 0xc0));                        // 66 0f ef c0
        assertEquals("pshufd xmm1,xmm0,0x1b", f(0x66, 0x0f, 0x70, 0xc8, 0x1b));             // 66 0f 70 c8 1b
        assertEquals("punpckldq xmm0,xmm1", f(0x66, 0x0f, 0x62, 0xc1));                     // 66 0f 62 c1
        assertEquals("psrldq xmm0,0x8", f(0x66, 0x0f, 0x73, 0xd8, 0x08));                   // 66 0f 73 d8 08
        assertEquals("movq   xmm0,rax", f(0x66, 0x48, 0x0f, 0x6e, 0xc0));                   // 66 48 0f 6e c0
        assertEquals("movd   eax,xmm0", f(0x66, 0x0f, 0x7e, 0xc0));                         // 66 0f 7e c0
        assertEquals("cvtsi2sd xmm1,eax", f(0xf2, 0x0f, 0x2a, 0xc8));                       // f2 0f 2a c8
        assertEquals("cvttsd2si rax,xmm1", f(0xf2, 0x48, 0x0f, 0x2c, 0xc1));                // f2 48 0f 2c c1
        // SSSE3 / SSE4.1: REX.R reaches xmm8..15
        assertEquals("pshufb xmm0,XMMWORD PTR [rax+rdx*4]", f(0x66, 0x0f, 0x38, 0x00, 0x04, 0x90));
        assertEquals("pmulld xmm8,xmm1", f(0x66, 0x44, 0x0f, 0x38, 0x40, 0xc1));            // 66 44 0f 38 40 c1
        assertEquals("ptest  xmm0,XMMWORD PTR [rax]", f(0x66, 0x0f, 0x38, 0x17, 0x00));     // 66 0f 38 17 00
        assertEquals("pblendw xmm0,xmm1,0xf0", f(0x66, 0x0f, 0x3a, 0x0e, 0xc1, 0xf0));      // 66 0f 3a 0e c1 f0
        assertEquals("pextrd eax,xmm0,0x2", f(0x66, 0x0f, 0x3a, 0x16, 0xc0, 0x02));         // 66 0f 3a 16 c0 02
        assertEquals("pinsrq xmm0,r8,0x5", f(0x66, 0x49, 0x0f, 0x3a, 0x22, 0xc0, 0x05));    // 66 49 0f 3a 22 c0 05
        // memory sizes as objdump prints them per form
        assertEquals("pinsrb xmm0,BYTE PTR [rdi],0x1", f(0x66, 0x0f, 0x3a, 0x20, 0x07, 0x01));
        assertEquals("pmovsxbq xmm1,WORD PTR [rsp]", f(0x66, 0x0f, 0x38, 0x22, 0x0c, 0x24));
        assertEquals("lddqu  xmm1,[rax]", f(0xf2, 0x0f, 0xf0, 0x08));                       // f2 0f f0 08
        // predicates and pclmulqdq halves folded into the mnemonic, or the imm8 when unnamed
        assertEquals("cmpltps xmm8,xmm1", f(0x44, 0x0f, 0xc2, 0xc1, 0x01));                 // 44 0f c2 c1 01
        assertEquals("cmpps  xmm0,xmm1,0x8", f(0x0f, 0xc2, 0xc1, 0x08));                    // 0f c2 c1 08
        assertEquals("pclmullqhqdq xmm0,xmm2", f(0x66, 0x0f, 0x3a, 0x44, 0xc2, 0x10));      // 66 0f 3a 44 c2 10
        // MMX, unused prefixes, a 0x66 that selected nothing
        assertEquals("paddd  mm0,mm1", f(0x0f, 0xfe, 0xc1));                                // 0f fe c1
        assertEquals("rex.W movaps xmm0,xmm1", f(0x48, 0x0f, 0x28, 0xc1));                  // 48 0f 28 c1
        assertEquals("data16 addss xmm0,xmm1", f(0x66, 0xf3, 0x0f, 0x58, 0xc1));            // 66 f3 0f 58 c1
        assertEquals("movq2dq xmm0,xmm1", f(0x66, 0xf3, 0x0f, 0xd6, 0xc1));                 // 66 f3 0f d6 c1
        assertEquals("cvtss2si eax,DWORD PTR [rip+0x10]        # 0x18",
                f(0xf3, 0x0f, 0x2d, 0x05, 0x10, 0x00, 0x00, 0x00));
        assertTrue(Formatter.isCovered(d(0, 0x66, 0x0f, 0x38, 0x39, 0xca)));                // pminsd
        // EVEX is still printed as .insn
        assertFalse(Formatter.isCovered(d(0, 0x62, 0xf1, 0x7d, 0x48, 0xfe, 0xc1)));         // vpaddd zmm0,zmm0,zmm1
    }

    /**
     * x87, as objdump prints it; the state instructions the machine executes first. The exhaustive
     * check is {@link SweepTest} (every ModRM, 33 prefix combinations); the FWAIT merges, which
     * the sweep does not generate, are here.
     */
    @Test
    void x87Text() {
        assertEquals("fninit", f(0xdb, 0xe3));                                              // db e3
        assertEquals("fnclex", f(0xdb, 0xe2));                                              // db e2
        assertEquals("fnstcw WORD PTR [rsp+0x8]", f(0xd9, 0x7c, 0x24, 0x08));               // d9 7c 24 08
        assertEquals("fldcw  WORD PTR [rdi]", f(0xd9, 0x2f));                               // d9 2f
        assertEquals("fnstsw WORD PTR [rbx]", f(0xdd, 0x3b));                               // dd 3b
        assertEquals("fnstsw ax", f(0xdf, 0xe0));                                           // df e0
        assertEquals("fnstenv [rbp+0x0]", f(0xd9, 0x75, 0x00));                             // d9 75 00
        assertEquals("fldenv [rbp+0x0]", f(0xd9, 0x65, 0x00));                              // d9 65 00
        assertEquals("fnstenvw [rax]", f(0x66, 0xd9, 0x30));                                // 66 d9 30: 16-bit format
        assertEquals("rex.W fnstenvw [rax]", f(0x66, 0x48, 0xd9, 0x30));                    // REX.W does not cancel it
        assertEquals("data16 fnstcw WORD PTR [rax]", f(0x66, 0xd9, 0x38));                  // nothing to select
        assertEquals("fwait", f(0x9b));                                                     // 9b alone
        // FWAIT merged into the instruction after it, the n of the no-wait forms dropped
        assertEquals("finit", f(0x9b, 0xdb, 0xe3));                                         // 9b db e3
        assertEquals("fclex", f(0x9b, 0xdb, 0xe2));                                         // 9b db e2
        assertEquals("fstcw  WORD PTR [rbx]", f(0x9b, 0xd9, 0x3b));                         // 9b d9 3b
        assertEquals("fstsw  ax", f(0x9b, 0xdf, 0xe0));                                     // 9b df e0
        assertEquals("fstenvw [rax]", f(0x66, 0x9b, 0xd9, 0x30));                           // 66 9b d9 30
        assertEquals("lock finit", f(0xf0, 0x9b, 0xdb, 0xe3));                              // f0 9b db e3
        assertEquals("rex.W finit", f(0x9b, 0x48, 0xdb, 0xe3));                             // 9b 48 db e3
        assertEquals("fldenv [rax]", f(0x9b, 0xd9, 0x20));                                  // no n to drop
        assertEquals("fld    st(0)", f(0x9b, 0xd9, 0xc0));                                  // 9b d9 c0
        assertEquals("feni(8087 only)", f(0x9b, 0xdb, 0xe0));                               // 9b db e0
        // register forms, sizes
        assertEquals("fld    st(0)", f(0xd9, 0xc0));                                        // d9 c0
        assertEquals("fsub   st(1),st", f(0xdc, 0xe9));                                     // dc e9
        assertEquals("fadd   st,st(7)", f(0xd8, 0xc7));                                     // d8 c7
        assertEquals("rex.B fxch st(1)", f(0x41, 0xd9, 0xc9));                              // REX.B unused
        assertEquals("fld    TBYTE PTR [rax]", f(0xdb, 0x28));                              // db 28
        assertEquals("fistp  QWORD PTR [rax]", f(0xdf, 0x38));                              // df 38
        assertEquals("fneni(8087 only)", f(0xdb, 0xe0));                                    // db e0
        assertEquals("(bad)", f(0xd9, 0xd8));                                               // d9 d8
    }

    /** The other instructions the machine executes for a Linux kernel, as objdump prints them. */
    @Test
    void platformText() {
        assertEquals("fxsave [rbx]", f(0x0f, 0xae, 0x03));                                  // 0f ae 03
        assertEquals("fxrstor64 [rbx]", f(0x48, 0x0f, 0xae, 0x0b));                         // 48 0f ae 0b
        assertEquals("cmpxchg8b QWORD PTR [rbx]", f(0x0f, 0xc7, 0x0b));                     // 0f c7 0b
        assertEquals("lock cmpxchg16b OWORD PTR [rbx]", f(0xf0, 0x48, 0x0f, 0xc7, 0x0b));   // f0 48 0f c7 0b
        assertEquals("retfq", f(0x48, 0xcb));                                               // 48 cb
        assertEquals("retf   0x8", f(0xca, 0x08, 0x00));                                    // ca 08 00
        assertEquals("rex.W jmp FWORD PTR [rbx]", f(0x48, 0xff, 0x2b));                     // 48 ff 2b
        assertEquals("lldt   ax", f(0x0f, 0x00, 0xd0));                                     // 0f 00 d0
        assertEquals("sldt   eax", f(0x0f, 0x00, 0xc0));                                    // 0f 00 c0
        assertEquals("lmsw   ax", f(0x0f, 0x01, 0xf0));                                     // 0f 01 f0
        assertEquals("smsw   rax", f(0x48, 0x0f, 0x01, 0xe0));                              // 48 0f 01 e0
        assertEquals("mov    rax,dr7", f(0x0f, 0x21, 0xf8));                                // 0f 21 f8
        assertEquals("mov    dr0,rax", f(0x0f, 0x23, 0xc0));                                // 0f 23 c0
        assertEquals("wbinvd", f(0x0f, 0x09));                                              // 0f 09
        assertEquals("invd", f(0x0f, 0x08));                                                // 0f 08
        assertEquals("mov    fs,edi", f(0x8e, 0xe7));                                       // 8e e7
    }

    @Test
    void vexText() {
        assertEquals("vmovdqa ymm0,YMMWORD PTR [rdi]", f(0xc5, 0xfd, 0x6f, 0x07));          // c5 fd 6f 07
        assertEquals("vpxor  xmm0,xmm0,xmm0", f(0xc5, 0xf9, 0xef, 0xc0));                   // c5 f9 ef c0
        assertEquals("vpaddd ymm0,ymm0,ymm1", f(0xc5, 0xfd, 0xfe, 0xc1));                   // c5 fd fe c1
        assertEquals("vaddss xmm1,xmm2,xmm1", f(0xc5, 0xea, 0x58, 0xc9));                   // c5 ea 58 c9
        assertEquals("vzeroupper", f(0xc5, 0xf8, 0x77));                                    // c5 f8 77
        assertEquals("vpbroadcastd ymm0,DWORD PTR [rsi-0x70]", f(0xc4, 0xe2, 0x7d, 0x58, 0x46, 0x90));
        assertEquals("vfmadd231pd xmm0,xmm0,xmm2", f(0xc4, 0xe2, 0xf9, 0xb8, 0xc2));        // VEX.W picks pd
        assertEquals("vpermq ymm0,ymm1,0xd8", f(0xc4, 0xe3, 0xfd, 0x00, 0xc1, 0xd8));       // c4 e3 fd 00 c1 d8
        assertEquals("vpblendvb ymm0,ymm2,ymm1,ymm3", f(0xc4, 0xe3, 0x6d, 0x4c, 0xc1, 0x30)); // imm8[7:4] = ymm3
        assertEquals("vcmpge_oqps ymm0,ymm0,ymm1", f(0xc5, 0xfc, 0xc2, 0xc1, 0x1d));        // 32 AVX predicates
        assertEquals("vextracti128 xmm1,ymm0,0x1", f(0xc4, 0xe3, 0x7d, 0x39, 0xc1, 0x01));  // c4 e3 7d 39 c1 01
        assertEquals("vcvtsi2ss xmm1,xmm0,r8d", f(0xc4, 0xc1, 0x7a, 0x2a, 0xc8));           // VEX.B reaches r8d
        assertEquals("vpgatherdd ymm0,DWORD PTR [rdx+ymm9*1],ymm2", f(0xc4, 0xa2, 0x6d, 0x90, 0x04, 0x0a));
        assertEquals("vpgatherqd xmm0,DWORD PTR [rdx+ymm1*1],xmm2", f(0xc4, 0xe2, 0x6d, 0x91, 0x04, 0x0a));
        assertEquals("vmovupd ymm0,YMMWORD PTR fs:[eax]", f(0x67, 0x64, 0xc4, 0xe1, 0x7d, 0x10, 0x00));
        assertEquals("shlx   eax,edx,ecx", f(0xc4, 0xe2, 0x71, 0xf7, 0xc2));                // BMI2
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
