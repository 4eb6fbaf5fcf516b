package io.kprobelab.kprobes.internal.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.kprobes.Errno;
import io.kprobelab.kprobes.events.ProbeArgument;
import io.kprobelab.kprobes.events.ProbeEventDefinition;
import io.kprobelab.kprobes.events.ProbeEventError;
import io.kprobelab.kprobes.events.ProbeEventException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Accepted definitions and their read-back (the ftrace selftests kretprobe_maxactive,
 * kretprobe_return_suffix, kprobe_eventname, kprobe_args, kprobe_multiprobe, kprobe_module,
 * kprobe_non_uniq_symbol), and the parser checks the syntax-error selftest does not reach.
 */
class ProbeEventParserTest {

    private final FakeKernel kernel = new FakeKernel();

    private ProbeEventDefinition define(String line) throws ProbeEventException {
        return assertInstanceOf(ProbeEvent.class, kernel.write(line)).definition();
    }

    private ProbeEventException refuse(String line) {
        return assertThrows(ProbeEventException.class, () -> kernel.write(line));
    }

    private void refuse(String line, ProbeEventError error, int caret) {
        ProbeEventException e = refuse(line);
        assertEquals(Optional.of(error), e.error(), line);
        assertEquals(caret, e.caret(), line);
    }

    // kretprobe_maxactive.tc

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "r:myprobeaccept inet_csk_accept    | r:kprobes/myprobeaccept inet_csk_accept",
        "r10:myprobeaccept inet_csk_accept  | r10:kprobes/myprobeaccept inet_csk_accept",
        "r inet_csk_accept                  | r:kprobes/r_inet_csk_accept_0 inet_csk_accept",
        "r10 inet_csk_accept                | r10:kprobes/r_inet_csk_accept_0 inet_csk_accept",
        "r0x10 vfs_read                     | r16:kprobes/r_vfs_read_0 vfs_read",
        "r010 vfs_read                      | r8:kprobes/r_vfs_read_0 vfs_read",
        "r4096 vfs_read                     | r4096:kprobes/r_vfs_read_0 vfs_read",
        "r4294967295 vfs_read               | r:kprobes/r_vfs_read_0 vfs_read",
        "rfoo vfs_read                      | r:kprobes/r_vfs_read_0 vfs_read"})
    void maxactiveAccepted(String line, String readBack) throws ProbeEventException {
        assertEquals(readBack, define(line).toString());
    }

    @Test
    void maxactiveRejected() {
        ProbeEventException notKprobe = refuse("a:myprobeaccept inet_csk_accept");
        assertEquals(Optional.empty(), notKprobe.error());
        assertEquals(List.of(), notKprobe.errorLog());
        assertEquals(Errno.EINVAL, notKprobe.errno());
        refuse("r1000000:myprobeaccept inet_csk_accept", ProbeEventError.MAXACT_TOO_BIG, 1);
        refuse("r10fuzz:myprobeaccept inet_csk_accept", ProbeEventError.BAD_MAXACT, 1);
        refuse("r4097 vfs_read", ProbeEventError.MAXACT_TOO_BIG, 1);
        refuse("r0 vfs_read", ProbeEventError.BAD_MAXACT, 1);
        refuse("r08 vfs_read", ProbeEventError.BAD_MAXACT, 1);
        refuse("r4294967296 vfs_read", ProbeEventError.BAD_MAXACT, 1);
        assertTrue(kernel.readBack().isEmpty());
    }

    // kretprobe_return_suffix.tc

    @Test
    void returnSuffixReadsBackAsRetprobe() throws ProbeEventException {
        String r = define("r:myprobeaccept vfs_read").toString();
        kernel.clear();
        String p = define("p:myprobeaccept vfs_read%return").toString();
        assertEquals(r, p);
        assertEquals("r:kprobes/myprobeaccept vfs_read", p);
        kernel.clear();
        assertEquals("r:kprobes/r_vfs_read_0 vfs_read", define("p vfs_read+0%return").toString());
    }

    // kprobe_eventname.tc and naming rules

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "p vfs_read                       | p:kprobes/p_vfs_read_0 vfs_read",
        "p foo.isra.0                     | p:kprobes/p_foo_isra_0_0 foo.isra.0",
        "p:myevent vfs_read               | p:kprobes/myevent vfs_read",
        "p:mygroup/myevent vfs_read       | p:mygroup/myevent vfs_read",
        "p:mygroup.myevent vfs_read       | p:mygroup/myevent vfs_read",
        "p:my-group/myevent vfs_read      | p:my-group/myevent vfs_read",
        "p:mygroup/ vfs_read              | p:mygroup/p_vfs_read_0 vfs_read",
        "p vfs_read+8                     | p:kprobes/p_vfs_read_8 vfs_read+8",
        "p vfs_read+0x10                  | p:kprobes/p_vfs_read_16 vfs_read+16",
        "p vfs_read-0                     | p:kprobes/p_vfs_read_0 vfs_read",
        "p 0xffffffff81200004             | p:kprobes/p_0xffffffff81200004 0xffffffff81200004",
        "r 18446744071580942336           | r:kprobes/r_0xffffffff81200000 0xffffffff81200000",
        "p mymod:myfunc                   | p:kprobes/p_mymod_myfunc_0 mymod:myfunc",
        "p kernel_clone # a comment       | p:kprobes/p_kernel_clone_0 kernel_clone",
        "'  p   vfs_read  \t %ax  '       | p:kprobes/p_vfs_read_0 vfs_read arg1=%ax"})
    void names(String line, String readBack) throws ProbeEventException {
        assertEquals(readBack, define(line).toString());
    }

    @Test
    void generatedNameIsCutTo63Characters() throws ProbeEventException {
        ProbeEventDefinition d = define("p " + FakeKernel.LONG_NAME);
        assertEquals(("p_" + FakeKernel.LONG_NAME).substring(0, 63), d.event());
        // an explicit name may have 63 characters, not 64
        refuse("p:e" + "x".repeat(63) + " vfs_read", ProbeEventError.EVENT_TOO_LONG, 2);
        assertEquals("e" + "x".repeat(62), define("p:e" + "x".repeat(62) + " vfs_read").event());
        // and a group 63
        refuse("p:g" + "x".repeat(63) + "/e vfs_read", ProbeEventError.GROUP_TOO_LONG, 2);
        assertEquals("g" + "x".repeat(62), define("p:g" + "x".repeat(62) + "/e vfs_read").group());
    }

    @Test
    void nonUniqueSymbolIsRefused() {
        // kprobe_non_uniq_symbol.tc
        refuse("p name_show", ProbeEventError.NON_UNIQ_SYMBOL, 2);
        refuse("p:ev name_show+4", ProbeEventError.NON_UNIQ_SYMBOL, 5);
    }

    // kprobe_args.tc and the documented examples

    @Test
    void defaultArgumentNames() throws ProbeEventException {
        ProbeEventDefinition d = define("p:testprobe kernel_clone $stack $stack0 +0($stack)");
        assertEquals("p:kprobes/testprobe kernel_clone arg1=$stack arg2=$stack0 arg3=+0($stack)", d.toString());
        assertEquals(List.of(new ProbeArgument("arg1", "$stack", "x64", 0),
                new ProbeArgument("arg2", "$stack0", "x64", 0),
                new ProbeArgument("arg3", "+0($stack)", "x64", 0)), d.arguments());
    }

    @Test
    void documentedExamplesReadBack() throws ProbeEventException {
        assertEquals("p:kprobes/myprobe vfs_read dfd=%ax filename=%dx flags=%cx mode=+4($stack)",
                define("p:myprobe vfs_read dfd=%ax filename=%dx flags=%cx mode=+4($stack)").toString());
        assertEquals("r20:kprobes/myretprobe vfs_read arg1=$retval",
                define("r20:myretprobe vfs_read $retval").toString());
        String typed = "p:kprobes/t vfs_read a=+0(%di):u8[4] b=%si:b4@4/32 c=$comm d=\\\"xy\" e=@jiffies:u64";
        assertEquals(typed, define("p:t vfs_read a=+0(%di):u8[4] b=%si:b4@4/32 c=$comm d=\\\"xy\" e=@jiffies:u64")
                .toString());
        // an immediate string cannot hold a space: the words are split first
        refuse("p:u vfs_read d=\\\"x y\"", ProbeEventError.IMMSTR_NO_CLOSE, 18);
    }

    @Test
    void argumentTypes() throws ProbeEventException {
        List<ProbeArgument> args = define("p vfs_read a=%si:b4@4/32 b=$comm c=\\\"s\" d=+0(%di):string[2] "
                + "e=%ip:symbol f=%ip:symstr g=+0(%di):char h=+u0(%di):ustring").arguments();
        assertEquals(List.of("u32", "string", "string", "string", "symbol", "symstr", "char", "ustring"),
                args.stream().map(ProbeArgument::type).toList());
        assertEquals(2, args.get(3).arrayLength());
    }

    // kprobe_multiprobe.tc

    @Test
    void multiprobe() throws ProbeEventException {
        String def1 = "p:kprobes/testevent kernel_clone";
        String def2 = "p:kprobes/testevent do_exit";
        kernel.write(def1);
        kernel.write(def2);
        assertEquals(List.of(def1, def2), kernel.readBack());
        kernel.write("-:kprobes/testevent");
        assertEquals(List.of(), kernel.readBack());

        kernel.write(def1);
        kernel.write(def2);
        kernel.write("-:kprobes/testevent kernel_clone");
        assertEquals(List.of(def2), kernel.readBack());

        // appending a different argument list fails, at the first argument that differs
        refuse(def1 + " $stack", ProbeEventError.DIFF_ARG_TYPE, def1.length() + 1);
        assertEquals(List.of(def2), kernel.readBack());
    }

    @Test
    void appendingFewerArgumentsPointsPastTheEnd() throws ProbeEventException {
        kernel.write("p:grp/ev vfs_read a=%ax");
        String line = "p:grp/ev kernel_clone";
        ProbeEventException e = refuse(line);
        assertEquals(Optional.of(ProbeEventError.DIFF_ARG_TYPE), e.error());
        assertEquals(line.length() + 1, e.caret());
        assertEquals(Errno.EEXIST, e.errno());
        // same shape appends; the same probe again is refused
        kernel.write("p:grp/ev kernel_clone a=%bx");
        refuse("p:grp/ev kernel_clone a=%bx", ProbeEventError.SAME_PROBE, 0);
        assertEquals(List.of("p:grp/ev vfs_read a=%ax", "p:grp/ev kernel_clone a=%bx"), kernel.readBack());
    }

    @Test
    void addressProbesCompareAsUnknownSymbols() throws ProbeEventException {
        kernel.write("p:grp/ev 0xffffffff81200004");
        refuse("p:grp/ev 0xffffffff81300004", ProbeEventError.SAME_PROBE, 0);
    }

    @Test
    void removal() throws ProbeEventException {
        kernel.write("p:a/x vfs_read v=%ax");
        kernel.write("p:a/y kernel_clone");
        kernel.write("p:b/x do_exit");
        ProbeEventRemoval r = assertInstanceOf(ProbeEventRemoval.class, kernel.parser.parse("-:x").orElseThrow());
        assertEquals(Optional.empty(), r.group());
        kernel.write("-:a/x vfs_read v=%ax");
        assertEquals(List.of("p:a/y kernel_clone", "p:b/x do_exit"), kernel.readBack());
        kernel.write("-:a/");
        assertEquals(List.of("p:b/x do_exit"), kernel.readBack());
        assertEquals(Errno.ENOENT, refuse("-:b/x kernel_clone").errno());
        kernel.write("-:x");
        assertEquals(List.of(), kernel.readBack());
        for (String bad : List.of("-foo", "-:", "- :x")) {
            ProbeEventException e = refuse(bad);
            assertEquals(Errno.EINVAL, e.errno(), bad);
            assertEquals(List.of(), e.errorLog(), bad);
        }
    }

    // checks beyond the syntax-error selftest

    @Test
    void moreKernelChecks() throws ProbeEventException {
        refuse("p:sched/sched_switch vfs_read", ProbeEventError.EVENT_EXIST, 0);
        refuse("p vfs_read $comm:u8", ProbeEventError.NEED_STRING_TYPE, 17);
        refuse("p vfs_read c=$comm:string[2]", ProbeEventError.NEED_STRING_TYPE, 19);
        refuse("p vfs_read \\1:symstr", ProbeEventError.BAD_SYMSTRING, 14);
        refuse("p vfs_read %di:string", ProbeEventError.BAD_STRING, 15);
        refuse("p vfs_read %di:u8[2]", ProbeEventError.BAD_STRING, 15);
        refuse("p vfs_read+4 a=$arg1", ProbeEventError.NOFENTRY_ARGS, 15);
        refuse("p vfs_read+4 $arg1", ProbeEventError.NOFENTRY_ARGS, 13);
        refuse("p vfs_read __probe_ip=%ax", ProbeEventError.USED_ARG_NAME, 11);
        refuse("p vfs_read arg2=%ax %bx", ProbeEventError.USED_ARG_NAME, 20);
        refuse("p vfs_read $stack2049", ProbeEventError.BAD_STACK_NUM, 11);
        refuse("p vfs_read $stackx", ProbeEventError.BAD_VAR, 11);
        refuse("p vfs_read %eax", ProbeEventError.BAD_REG_NAME, 11);
        refuse("p vfs_read +0(%di):b0@4/32", ProbeEventError.BAD_BITFIELD, 22);
        refuse("p vfs_read %di:b30@4/32", ProbeEventError.BAD_BITFIELD, 15);
        refuse("p vfs_read %di:b4@4/24", ProbeEventError.BAD_TYPE, 15);
        refuse("p vfs_read @nosuchsym", ProbeEventError.BAD_PROBE_ADDR, 2);
        refuse("p vfs_read @jiffies+x", ProbeEventError.FAIL_REG_PROBE, 2);
        refuse("p 0x1234", ProbeEventError.FAIL_REG_PROBE, 2);
        refuse("r 0xffffffff81200000 $retval", ProbeEventError.RETVAL_ON_PROBE, 21);
        refuse("p vfs_read +u0(+0(%bogus))", ProbeEventError.BAD_REG_NAME, 17);
        StringBuilder many = new StringBuilder("p vfs_read");
        for (int i = 0; i < 129; i++) {
            many.append(" %ax");
        }
        refuse(many.toString(), ProbeEventError.TOO_MANY_ARGS, 11);
        assertTrue(kernel.readBack().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"p vfs_read $stack2048", "r vfs_read $retvalue", "r vfs_read $arg1 $arg7 +8($arg2):u8",
        "p vfs_read \\\"\"", "p vfs_read \\\"", "p vfs_read +0(%ax)junk", "p vfs_read -8(%sp):s16", "p vfs_read \\-1:s8",
        "p vfs_read \\+0x10", "p vfs_read %orig_ax %flags %cs %ss %ip %r15", "p vfs_read $COMM", "r kfree $retval",
        "p kfree $arg10", "p vfs_read +0(%di):string[64]", "p vfs_read+4 +0(%di):symstr"})
    void accepted(String line) throws ProbeEventException {
        define(line);
    }

    @Test
    void silentRefusals() {
        for (String line : List.of("p", "p:ev", "x vfs_read", "p /bin/sh:0x10")) {
            ProbeEventException e = refuse(line);
            assertFalse(e.error().isPresent(), line);
            assertEquals(Errno.EINVAL, e.errno(), line);
        }
    }

    @Test
    void blankAndCommentLinesDoNothing() throws ProbeEventException {
        assertEquals(Optional.empty(), kernel.parser.parse("   "));
        assertEquals(Optional.empty(), kernel.parser.parse("# p vfs_read"));
    }

    @Test
    void returnProbesCaptureEntryArguments() throws ProbeEventException {
        ProbeEvent p = assertInstanceOf(ProbeEvent.class, kernel.write("r vfs_read a=$arg2 b=$arg1 c=+0($arg2)"));
        assertEquals(2, p.entryDataSlots());
        ProbeEvent q = assertInstanceOf(ProbeEvent.class, kernel.write("p kernel_clone a=$arg2"));
        assertEquals(0, q.entryDataSlots());
    }
}
