package io.kprobelab.x86;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Structural decoding of hand-picked encodings (assembly in the comments). */
class DecoderTest {

    static byte[] b(int... v) {
        byte[] r = new byte[v.length];
        for (int i = 0; i < v.length; i++) r[i] = (byte) v[i];
        return r;
    }

    static Insn d(int... v) {
        return Decoder.decode(b(v), 0, v.length, 0x1000);
    }

    static Insn ok(int len, int... v) {
        Insn i = d(v);
        assertEquals(Insn.Status.OK, i.status(), i.toString());
        assertEquals(len, i.length(), i.toString());
        return i;
    }

    @Test
    void group5_nearCallJmpAre64Bit_pushDefaults64() {
        assertEquals(64, ok(2, 0xff, 0xd0).operandSize());        // call rax
        assertEquals(64, ok(2, 0xff, 0x13).operandSize());        // call QWORD PTR [rbx]
        assertEquals(64, ok(2, 0xff, 0xe0).operandSize());        // jmp rax
        assertEquals(64, ok(2, 0xff, 0x33).operandSize());        // push QWORD PTR [rbx]
        assertEquals(16, ok(3, 0x66, 0xff, 0x33).operandSize());  // push WORD PTR [rbx]
        assertEquals(32, ok(2, 0xff, 0xc0).operandSize());        // inc eax
    }

    @Test
    void simple() {
        // push rbp
        Insn i = ok(1, 0x55);
        assertEquals(64, i.operandSize());
        assertEquals(0x55, i.opcode());
        // mov rbp,rsp
        i = ok(3, 0x48, 0x89, 0xe5);
        assertEquals(0x48, i.rex());
        assertTrue(i.rexW());
        assertEquals(64, i.operandSize());
        assertEquals(4, i.reg());
        assertEquals(5, i.rm());
        assertEquals(3, i.mod());
        // ret
        ok(1, 0xc3);
        // nop
        ok(1, 0x90);
        // push r12  (41 54)
        i = ok(2, 0x41, 0x54);
        assertEquals(64, i.operandSize());
        // push r12w (66 41 54)
        i = ok(3, 0x66, 0x41, 0x54);
        assertEquals(16, i.operandSize());
    }

    @Test
    void modrmSibDisp() {
        // mov eax,DWORD PTR [rbx+rcx*4+0x10]   8b 44 8b 10
        Insn i = ok(4, 0x8b, 0x44, 0x8b, 0x10);
        assertTrue(i.hasSib());
        assertEquals(3, i.base());
        assertEquals(1, i.index());
        assertEquals(2, i.scale());
        assertEquals(0x10, i.disp());
        assertEquals(3, i.dispOffset());
        assertEquals(1, i.dispSize());
        // mov rax,QWORD PTR [r13+r12*8-0x8]   4b 8b 44 e5 f8
        i = ok(5, 0x4b, 0x8b, 0x44, 0xe5, 0xf8);
        assertEquals(13, i.base());
        assertEquals(12, i.index());
        assertEquals(-8, i.disp());
        // mov eax,DWORD PTR [rsp]   8b 04 24
        i = ok(3, 0x8b, 0x04, 0x24);
        assertEquals(4, i.base());
        assertEquals(-1, i.index());
        // mov eax,DWORD PTR ds:0x1234 (no base, no index)   8b 04 25 34 12 00 00
        i = ok(7, 0x8b, 0x04, 0x25, 0x34, 0x12, 0, 0);
        assertEquals(-1, i.base());
        assertEquals(-1, i.index());
        assertEquals(0x1234, i.disp());
        // mov eax,DWORD PTR [rbp+0x0]   8b 45 00
        i = ok(3, 0x8b, 0x45, 0x00);
        assertEquals(5, i.base());
        // mov eax,DWORD PTR [r12+r12*1]? index 4 with REX.X = r12: 42 8b 04 24 -> [rsp+r12*1]
        i = ok(4, 0x42, 0x8b, 0x04, 0x24);
        assertEquals(4, i.base());
        assertEquals(12, i.index());
        // mov eax,DWORD PTR [r13*2+0x0]: 42 8b 04 6d 00 00 00 00 -> base none
        i = ok(8, 0x42, 0x8b, 0x04, 0x6d, 0, 0, 0, 0);
        assertEquals(-1, i.base());
        assertEquals(13, i.index());
        assertEquals(1, i.scale());
        // lea rax,[rbp-0x100]   48 8d 85 00 ff ff ff
        i = ok(7, 0x48, 0x8d, 0x85, 0x00, 0xff, 0xff, 0xff);
        assertEquals(-0x100, i.disp());
        assertEquals(3, i.dispOffset());
        assertEquals(4, i.dispSize());
    }

    @Test
    void ripRelative() {
        // mov rax,QWORD PTR [rip+0x200]   48 8b 05 00 02 00 00
        Insn i = ok(7, 0x48, 0x8b, 0x05, 0x00, 0x02, 0, 0);
        assertTrue(i.ripRelative());
        assertEquals(-1, i.base());
        assertEquals(3, i.dispOffset());
        assertEquals(0x200, i.disp());
        // cmp DWORD PTR [rip+0x10],0x5   83 3d 10 00 00 00 05
        i = ok(7, 0x83, 0x3d, 0x10, 0, 0, 0, 0x05);
        assertTrue(i.ripRelative());
        assertEquals(2, i.dispOffset());
        assertEquals(6, i.immOffset());
        assertEquals(5, i.imm());
        // 67: mov eax,DWORD PTR [eip+0x10]   67 8b 05 10 00 00 00
        i = ok(7, 0x67, 0x8b, 0x05, 0x10, 0, 0, 0);
        assertTrue(i.ripRelative());
        assertEquals(32, i.addressSize());
    }

    @Test
    void immediates() {
        // movabs rax,0x1122334455667788   48 b8 88 77 66 55 44 33 22 11
        Insn i = ok(10, 0x48, 0xb8, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11);
        assertEquals(8, i.immSize());
        assertEquals(0x1122334455667788L, i.imm());
        assertEquals(2, i.immOffset());
        // mov eax,0x1   b8 01 00 00 00
        ok(5, 0xb8, 1, 0, 0, 0);
        // mov ax,0x1   66 b8 01 00
        i = ok(4, 0x66, 0xb8, 1, 0);
        assertEquals(16, i.operandSize());
        // add eax,0x12345678   05 78 56 34 12
        ok(5, 0x05, 0x78, 0x56, 0x34, 0x12);
        // add ax,0x1234   66 05 34 12
        ok(4, 0x66, 0x05, 0x34, 0x12);
        // add rax,-1 (sign extended imm32)  48 05 ff ff ff ff
        i = ok(6, 0x48, 0x05, 0xff, 0xff, 0xff, 0xff);
        assertEquals(-1, i.imm());
        // mov QWORD PTR [rax],0x1   48 c7 00 01 00 00 00
        ok(7, 0x48, 0xc7, 0x00, 1, 0, 0, 0);
        // mov WORD PTR [rax],0x1   66 c7 00 01 00
        ok(5, 0x66, 0xc7, 0x00, 1, 0);
        // test BYTE PTR [rax],0x1   f6 00 01 ; not BYTE PTR [rax]  f6 10
        ok(3, 0xf6, 0x00, 0x01);
        ok(3, 0xf6, 0x08, 0x01); // test /1
        ok(2, 0xf6, 0x10);
        // test DWORD PTR [rax],0x1 f7 00 01 00 00 00 ; neg DWORD PTR [rax] f7 18
        ok(6, 0xf7, 0x00, 1, 0, 0, 0);
        ok(2, 0xf7, 0x18);
        // test WORD PTR [rax],0x1   66 f7 00 01 00
        ok(5, 0x66, 0xf7, 0x00, 1, 0);
        // enter 0x10,0x1   c8 10 00 01
        i = ok(4, 0xc8, 0x10, 0x00, 0x01);
        assertEquals(2, i.immSize());
        assertEquals(0x10, i.imm());
        assertEquals(1, i.imm2Size());
        assertEquals(1, i.imm2());
        // ret 0x8   c2 08 00
        ok(3, 0xc2, 0x08, 0x00);
        // imul eax,ecx,0x10   6b c1 10 ; imul eax,ecx,0x1000  69 c1 00 10 00 00
        ok(3, 0x6b, 0xc1, 0x10);
        ok(6, 0x69, 0xc1, 0, 0x10, 0, 0);
        // push 0x10 6a 10 ; push 0x1000 68 00 10 00 00 ; pushw 0x10 66 68 10 00
        ok(2, 0x6a, 0x10);
        ok(5, 0x68, 0, 0x10, 0, 0);
        ok(4, 0x66, 0x68, 0x10, 0);
        // shl eax,0x3   c1 e0 03
        ok(3, 0xc1, 0xe0, 0x03);
        // bt eax,0x3   0f ba e0 03
        ok(4, 0x0f, 0xba, 0xe0, 0x03);
        // shld eax,ecx,0x4   0f a4 c8 04
        ok(4, 0x0f, 0xa4, 0xc8, 0x04);
        // in al,0x60  e4 60 ; out 0x80,al  e6 80 ; int 0x80  cd 80
        ok(2, 0xe4, 0x60);
        ok(2, 0xe6, 0x80);
        ok(2, 0xcd, 0x80);
    }

    @Test
    void moffs() {
        // movabs eax,ds:0x1122334455667788   a1 88 77 66 55 44 33 22 11
        Insn i = ok(9, 0xa1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11);
        assertEquals(8, i.dispSize());
        assertEquals(1, i.dispOffset());
        assertEquals(0x1122334455667788L, i.disp());
        // addr32 mov eax,ds:0x11223344   67 a1 44 33 22 11
        i = ok(6, 0x67, 0xa1, 0x44, 0x33, 0x22, 0x11);
        assertEquals(4, i.dispSize());
        // movabs ds:0x..,al  a2 + 8
        ok(9, 0xa2, 1, 2, 3, 4, 5, 6, 7, 8);
    }

    @Test
    void branches() {
        // call 0x1005 (rel32 0)   e8 00 00 00 00 at 0x1000
        Insn i = ok(5, 0xe8, 0, 0, 0, 0);
        assertEquals(0x1005, i.branchTarget());
        assertEquals(64, i.operandSize());
        assertEquals(1, i.immOffset());
        // jmp 0x1000 (rel8 -2)   eb fe
        i = ok(2, 0xeb, 0xfe);
        assertEquals(0x1000, i.branchTarget());
        // je rel32   0f 84 10 00 00 00
        i = ok(6, 0x0f, 0x84, 0x10, 0, 0, 0);
        assertEquals(0x1016, i.branchTarget());
        assertEquals(Insn.MAP_0F, i.map());
        assertEquals(0x84, i.opcode());
        assertEquals(1, i.opcodeOffset());
        // callw rel16 (66 e8 01 02)
        i = ok(4, 0x66, 0xe8, 0x01, 0x02);
        assertEquals(16, i.operandSize());
        // jrcxz, loop
        ok(2, 0xe3, 0x00);
        ok(2, 0xe2, 0xfe);
        // call QWORD PTR [rax]  ff 10 ; jmp rax  ff e0
        i = ok(2, 0xff, 0x10);
        ok(2, 0xff, 0xe0);
    }

    @Test
    void prefixes() {
        // lock cmpxchg DWORD PTR [rdi],esi   f0 0f b1 37
        Insn i = ok(4, 0xf0, 0x0f, 0xb1, 0x37);
        assertTrue(i.has(Insn.PFX_LOCK));
        // rep stos QWORD PTR es:[rdi],rax   f3 48 ab
        i = ok(3, 0xf3, 0x48, 0xab);
        assertTrue(i.has(Insn.PFX_REP));
        assertEquals(0xf3, i.lastRepPrefix());
        assertEquals(0x48, i.rex());
        // f3 f2 then opcode: last wins
        i = ok(3, 0xf3, 0xf2, 0x90);
        assertEquals(0xf2, i.lastRepPrefix());
        // mov rax,QWORD PTR fs:0x28   64 48 8b 04 25 28 00 00 00
        i = ok(9, 0x64, 0x48, 0x8b, 0x04, 0x25, 0x28, 0, 0, 0);
        assertEquals(Insn.SEG_FS, i.segment());
        // last segment wins: 64 65 8b 00
        i = ok(4, 0x64, 0x65, 0x8b, 0x00);
        assertEquals(Insn.SEG_GS, i.segment());
        // REX followed by a legacy prefix is ignored: 48 66 90 -> xchg ax,ax
        i = ok(3, 0x48, 0x66, 0x90);
        assertEquals(0, i.rex());
        assertEquals(16, i.operandSize());
        // REX REX: only the last counts: 48 41 90
        i = ok(3, 0x48, 0x41, 0x90);
        assertEquals(0x41, i.rex());
        // cs nop WORD PTR [rax+rax*1+0x0]   66 2e 0f 1f 84 00 00 00 00 00
        i = ok(10, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0);
        assertEquals(2, i.prefixCount());
        // mov rbp,cr2: mod bits ignored   0f 20 55
        i = ok(3, 0x0f, 0x20, 0x55);
        assertEquals(3, i.mod());
        assertEquals(2, i.reg());
        // endbr64   f3 0f 1e fa
        ok(4, 0xf3, 0x0f, 0x1e, 0xfa);
    }

    @Test
    void threeByteMapsAnd3dnow() {
        // pshufb xmm0,xmm1  66 0f 38 00 c1
        Insn i = ok(5, 0x66, 0x0f, 0x38, 0x00, 0xc1);
        assertEquals(Insn.MAP_0F38, i.map());
        assertEquals(3, i.opcodeOffset());
        // palignr xmm0,xmm1,0x4  66 0f 3a 0f c1 04
        i = ok(6, 0x66, 0x0f, 0x3a, 0x0f, 0xc1, 0x04);
        assertEquals(Insn.MAP_0F3A, i.map());
        assertEquals(1, i.immSize());
        // pfadd mm0,mm1  0f 0f c1 9e
        ok(4, 0x0f, 0x0f, 0xc1, 0x9e);
        // extrq xmm0,0x1,0x2  66 0f 78 c0 01 02
        i = ok(6, 0x66, 0x0f, 0x78, 0xc0, 0x01, 0x02);
        assertEquals(1, i.imm2Size());
        // vmread rax,rbx  0f 78 d8
        ok(3, 0x0f, 0x78, 0xd8);
    }

    @Test
    void vexEvexXop() {
        // vzeroupper  c5 f8 77
        Insn i = ok(3, 0xc5, 0xf8, 0x77);
        assertEquals(Insn.ENC_VEX, i.encoding());
        // vpaddd ymm0,ymm1,ymm2  c5 f5 fe c2
        i = ok(4, 0xc5, 0xf5, 0xfe, 0xc2);
        assertEquals(1, i.vexL());
        assertEquals(1, i.vexVvvv());
        // vpblendd ymm0,ymm1,ymm2,0x5  c4 e3 75 02 c2 05
        ok(6, 0xc4, 0xe3, 0x75, 0x02, 0xc2, 0x05);
        // vpaddd zmm0,zmm1,zmm2  62 f1 75 48 fe c2
        i = ok(6, 0x62, 0xf1, 0x75, 0x48, 0xfe, 0xc2);
        assertEquals(Insn.ENC_EVEX, i.encoding());
        assertEquals(2, i.vexL());
        // vpaddd zmm0,zmm1,ZMMWORD PTR [rax+0x40] (disp8*N)  62 f1 75 48 fe 40 01
        ok(7, 0x62, 0xf1, 0x75, 0x48, 0xfe, 0x40, 0x01);
        // XOP vprotb xmm0,xmm1,0x3: 8f e8 78 c0 c1 03
        i = ok(6, 0x8f, 0xe8, 0x78, 0xc0, 0xc1, 0x03);
        assertEquals(Insn.ENC_XOP, i.encoding());
        // pop QWORD PTR [rax]: 8f 00
        i = ok(2, 0x8f, 0x00);
        assertEquals(Insn.ENC_LEGACY, i.encoding());
    }

    @Test
    void invalidAndTruncated() {
        for (int op : new int[] {0x06, 0x07, 0x0e, 0x16, 0x17, 0x1e, 0x1f, 0x27, 0x2f, 0x37, 0x3f, 0x60,
                0x61, 0x82, 0x9a, 0xce, 0xd4, 0xd5, 0xd6, 0xea}) {
            Insn i = d(op, 0xc0, 0, 0, 0, 0, 0, 0);
            assertEquals(Insn.Status.INVALID, i.status(), i.toString());
            assertEquals(1, i.length());
            assertFalse(i.isValid());
        }
        assertEquals(Insn.Status.TRUNCATED, d(0xe8, 0, 0).status());
        assertEquals(Insn.Status.TRUNCATED, d(0x48).status());
        assertEquals(Insn.Status.TRUNCATED, d(0x66, 0x0f).status());
        assertEquals(Insn.Status.TRUNCATED, d(0x8b, 0x44).status());
        assertEquals(Insn.Status.TRUNCATED, d().status());
        // 14 prefixes + 2-byte opcode = 16 bytes > 15
        int[] v = new int[20];
        for (int k = 0; k < 14; k++) v[k] = 0x66;
        v[14] = 0x0f;
        v[15] = 0x05;
        assertEquals(Insn.Status.TRUNCATED, d(v).status());
        // never throws
        assertEquals(Insn.Status.TRUNCATED, Decoder.decode(new byte[3], 5, 10, 0).status());
    }

    static void bad(int len, int... v) {
        Insn i = d(v);
        assertEquals(Insn.Status.INVALID, i.status(), i.toString());
        assertEquals(len, i.length(), i.toString());
    }

    /** Verdicts from the measured tables (internal.Validity), as objdump 2.40 gives them. */
    @Test
    void measuredVerdicts() {
        ok(4, 0xf3, 0x0f, 0x58, 0xc1);            // addss xmm0,xmm1
        ok(4, 0x66, 0x0f, 0x58, 0xc1);            // addpd xmm0,xmm1
        ok(4, 0x0f, 0x38, 0x00, 0xc1);            // pshufb mm0,mm1
        bad(4, 0xf2, 0x0f, 0x38, 0x00, 0xc1);     // no F2 form: (bad) after the opcode
        // x87
        bad(2, 0xd9, 0x08);                       // D9 /1 memory: "(bad)  [rax]", whole length
        ok(2, 0xd9, 0xc8);                        // fxch st(0)
        ok(2, 0xdd, 0x08);                        // fisttp QWORD PTR [rax]
        bad(2, 0xde, 0xd8);                       // DE D8 is undefined, DE D9 is fcompp
        ok(2, 0xde, 0xd9);
        // 3DNow!: the suffix decides; an unknown one is a BadOp (prefixes + first byte)
        ok(4, 0x0f, 0x0f, 0xc1, 0x0c);            // pi2fw mm0,mm1
        bad(1, 0x0f, 0x0f, 0xc1, 0x11);
        // VEX: vvvv must be 1111 when unused
        ok(3, 0xc5, 0xf8, 0x77);                  // vzeroupper
        bad(3, 0xc5, 0xf0, 0x77);
        ok(4, 0xc5, 0xf9, 0x6f, 0xc2);            // vmovdqa xmm0,xmm2
        bad(3, 0xc5, 0xf1, 0x6f, 0xc2);
        // EVEX: zeroing needs a mask register
        ok(6, 0x62, 0xf1, 0x7c, 0x48, 0x10, 0xc1);  // vmovups zmm0,zmm1
        ok(6, 0x62, 0xf1, 0x7c, 0xcf, 0x10, 0xc1);  // vmovups zmm0{k7}{z},zmm1
        bad(5, 0x62, 0xf1, 0x7c, 0xc8, 0x10, 0xc1);
        // register equalities: AMX tiles must differ, VEX gathers' index must differ from both
        ok(5, 0xc4, 0xe2, 0x73, 0x5e, 0xc2);        // tdpbssd tmm0,tmm2,tmm1
        bad(5, 0xc4, 0xe2, 0x73, 0x5e, 0xca);       // tdpbssd tmm1,tmm2,tmm1
        ok(6, 0xc4, 0xe2, 0x69, 0x92, 0x0c, 0x18);  // vgatherdps xmm1,[rax+xmm3*1],xmm2
        bad(6, 0xc4, 0xe2, 0x69, 0x92, 0x0c, 0x10); // index xmm2 = mask xmm2
        // bound registers 4..15 do not exist (REX.R)
        ok(4, 0x66, 0x0f, 0x1a, 0x00);              // bndmov bnd0,[rax]
        bad(5, 0x66, 0x44, 0x0f, 0x1a, 0x00);
        assertTrue(io.kprobelab.x86.internal.Validity.loaded(), "validity.bin not found");
    }

    /** objdump's lines for a bare FWAIT followed by prefixes (decodeListing only). */
    @Test
    void fwaitListingLines() {
        int[][] cases = {
            {2, 0x9b, 0x26, 0x4b, 0x2e, 0x5a},   // "es rex.WXB" over 9b 26
            {2, 0x9b, 0xf3, 0x9b, 0x7c, 0x90},   // "repz fwait"
            {1, 0x9b, 0x48, 0x9b, 0x90},         // "rex.W" over 9b
            {3, 0x9b, 0x66, 0xf3, 0x9b, 0x90},   // "data16 repz fwait"
            {1, 0x9b, 0x9b, 0x90},               // fwait
            {5, 0x9b, 0x66, 0x9b, 0xd9, 0x00},   // "data16 fld DWORD PTR [rax]"
        };
        for (int[] c : cases) {
            byte[] code = b(java.util.Arrays.copyOfRange(c, 1, c.length));
            Insn i = Decoder.decodeListing(code, 0, code.length, 0);
            assertEquals(c[0], i.length(), i.toString());
            assertEquals(Insn.Status.OK, i.status(), i.toString());
        }
    }
}
