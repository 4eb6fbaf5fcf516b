package io.kprobelab.kprobes.internal.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.kprobes.events.ProbeEventException;
import io.kprobelab.machine.Reg;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Fetch arguments evaluated against registers and memory and printed as the kernel's trace
 * output prints them (the kprobe_args_* selftests' expectations: char, string, comm, symbol,
 * type widths, bitfields, user strings and faults).
 */
class FetchEngineTest {

    static final long SP = 0xffffc90000007f00L;
    static final long KSTR = 0xffff888000001000L;
    static final long PTRS = 0xffff888000002000L;
    static final long U16S = 0xffff888000003000L;
    static final long USTR = 0x00007ffff000L;
    static final long UNMAPPED = 0xffff888000100000L;
    static final long STACK0 = 0x89abcdeff7e5c3a1L;

    private final FakeKernel kernel = new FakeKernel();
    private FakeGuest guest;

    @BeforeEach
    void setUp() {
        guest = new FakeGuest(kernel.kallsyms, new long[0]);
        guest.map(SP, 0x100).pokeU64(SP, STACK0).pokeU64(SP + 8, 0x1111).pokeU64(SP + 16, 0x2222);
        guest.pokeString(KSTR, "test").pokeString(KSTR + 0x100, "a").pokeString(KSTR + 0x200, "bc");
        guest.pokeU64(PTRS, KSTR + 0x100).pokeU64(PTRS + 8, KSTR + 0x200);
        guest.poke(U16S, new byte[] {1, 0, 2, 0, 3, 0});
        guest.pokeString(USTR, "/dev/null");
        guest.pokeString(FakeKernel.BANNER, "Linux version 6.8.0 (kprobelab@example) #1 SMP");
        guest.pokeU64(FakeKernel.BANNER + 0x100, 4294967296L + 300);
        guest.set(Reg.RSP, SP).set(Reg.RAX, 5).set(Reg.RDI, KSTR).set(Reg.RSI, PTRS).set(Reg.RDX, USTR)
                .set(Reg.RCX, UNMAPPED).set(Reg.R8, U16S).set(Reg.RIP, FakeKernel.VFS_READ + 4);
    }

    private ProbeEvent probe(String definition) throws ProbeEventException {
        return assertInstanceOf(ProbeEvent.class, kernel.parser.parse(definition).orElseThrow());
    }

    private String fetch(String definition) throws ProbeEventException {
        return probe(definition).formatArgs(guest);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        // registers, stack, defaults
        "p:t vfs_read dfd=%ax filename=%dx        | ` dfd=0x5 filename=0x7ffff000`",
        "p kernel_clone $stack $stack0 +0($stack)  | ` arg1=0xffffc90000007f00 arg2=0x89abcdeff7e5c3a1 arg3=0x89abcdeff7e5c3a1`",
        "p vfs_read +8($stack) $stack2 %orig_ax     | ` arg1=0x1111 arg2=0x2222 arg3=0xffffffffffffffff`",
        "p vfs_read $stack40 $stack2047             | ` arg1=0x0 arg2=0x0`",
        // widths and signs (kprobe_args_type.tc)
        "p vfs_read $stack0:u8 $stack0:s8 $stack0:x8 | ` arg1=161 arg2=-95 arg3=0xa1`",
        "p vfs_read $stack0:u16 $stack0:s16 $stack0:x16 | ` arg1=50081 arg2=-15455 arg3=0xc3a1`",
        "p vfs_read $stack0:u32 $stack0:s32 $stack0:x32 | ` arg1=4159030177 arg2=-135937119 arg3=0xf7e5c3a1`",
        "p vfs_read $stack0:u64 $stack0:s64 $stack0:x64 | ` arg1=9920249034753557409 arg2=-8526495038955994207 arg3=0x89abcdeff7e5c3a1`",
        "p vfs_read $stack0:b4@4/8 $stack0:b4@4/16 $stack0:b4@4/32 $stack0:b4@4/64 | ` arg1=10 arg2=10 arg3=10 arg4=10`",
        "p vfs_read +0($stack):b10@4/32 +0($stack):b3@61/64 | ` arg1=58 arg2=4`",
        "p vfs_read \\5:x8 \\-1:s32 \\0x10:u8 \\123 | ` arg1=0x5 arg2=-1 arg3=16 arg4=0x7b`",
        // char and strings (kprobe_args_char.tc, kprobe_args_string.tc)
        "p vfs_read +0(%di):char +0(%di):char[4]   | ` arg1='t' arg2={'t','e','s','t'}`",
        "p vfs_read +0(%di):string s=+1(%di):string | ` arg1=\"test\" s=\"est\"`",
        "p vfs_read +0(%si):string[2] +0(%r8):u16[3] +0(%r8):x16[2] | ` arg1={\"a\",\"bc\"} arg2={1,2,3} arg3={0x1,0x2}`",
        "p vfs_read +0(%cx):string[2] +0(%cx):u8[2] +8(%si):string[2] | ` arg1={(fault),(fault)} arg2={0,0} arg3={\"bc\",(fault)}`",
        "p vfs_read +0(%cx):string +0(%cx):u32 +0(+0(%cx)):x8 | ` arg1=(fault) arg2=0 arg3=0x0`",
        // comm and immediates (kprobe_args_comm.tc)
        "p vfs_read comm=$comm s=\\\"hello\" | ` comm=\"bash\" s=\"hello\"`",
        // user memory (kprobe_args_user.tc)
        "p vfs_read +u0(%dx):string +0(%dx):ustring +0(%dx):string +0(%di):ustring | ` arg1=\"/dev/null\" arg2=\"/dev/null\" arg3=(fault) arg4=(fault)`",
        // symbols (kprobe_args_symbol.tc)
        "p vfs_read %ip:symbol %ip:symstr \\0x1234:symbol | ` arg1=vfs_read+0x4/0xa0 arg2=\"vfs_read+0x4/0xa0\" arg3=0x1234`",
        "p vfs_read @linux_proc_banner:string @jiffies:u64 @jiffies:u32 @jiffies:b8@4/32 | ` arg1=\"Linux version 6.8.0 (kprobelab@example) #1 SMP\" arg2=4294967596 arg3=300 arg4=18`",
        // function arguments at entry: rdi..r9 then the stack above the return address
        "p vfs_read a=$arg1 b=$arg4 g=$arg7 h=$arg8 | ` a=0xffff888000001000 b=0xffff888000100000 g=0x1111 h=0x2222`"})
    void traceOutput(String definition, String expected) throws ProbeEventException {
        assertEquals(expected, fetch(definition));
    }

    @Test
    void returnProbeReadsArgumentsCapturedAtEntry() throws ProbeEventException {
        ProbeEvent p = probe("r:rt vfs_read r=$retval a=$arg1 s=+0($arg1):string c=$arg3");
        long[] slots = new long[p.entryDataSlots()];
        p.captureEntryData(guest, slots);
        // at the return, the argument registers hold something else
        FakeGuest atReturn = new FakeGuest(kernel.kallsyms, slots);
        atReturn.pokeString(KSTR, "test").set(Reg.RAX, -17L).set(Reg.RDI, 0).set(Reg.RDX, 0);
        assertEquals(" r=0xffffffffffffffef a=0xffff888000001000 s=\"test\" c=0x7ffff000", p.formatArgs(atReturn));
        assertEquals(" r=-17", probe("r vfs_read r=$retval:s64").formatArgs(atReturn));
    }

    @Test
    void longStringsStopAt4095Characters() throws ProbeEventException {
        guest.pokeString(KSTR, "x".repeat(5000));
        String out = fetch("p vfs_read +0(%di):string");
        assertEquals(" arg1=\"" + "x".repeat(4095) + "\"", out);
        // a string running into unmapped memory faults as a whole
        long edge = 0xffff888000010000L - 3;
        guest.poke(edge, new byte[] {'a', 'b', 'c'});
        guest.set(Reg.RDI, edge);
        assertEquals(" arg1=(fault)", fetch("p vfs_read +0(%di):string"));
    }

    @Test
    void evaluationDoesNotAllocate() throws ProbeEventException {
        ProbeEvent p = probe("p vfs_read a=%ax b=$stack0:s32 c=+0(%r8):u16[3] d=+0($stack):b10@4/32 "
                + "e=$arg7:u64 f=+0(%di):char g=$stack0:x16");
        StringBuilder out = new StringBuilder(512);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        for (int i = 0; i < 20_000; i++) {
            out.setLength(0);
            p.appendArgs(out, guest);
        }
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 20_000; i++) {
            out.setLength(0);
            p.appendArgs(out, guest);
        }
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertEquals(" a=0x5 b=-135937119 c={1,2,3} d=58 e=4369 f='t' g=0xc3a1", out.toString());
        assertTrue(allocated < 20_000, "allocated " + allocated + " bytes in 20000 evaluations");
    }
}
