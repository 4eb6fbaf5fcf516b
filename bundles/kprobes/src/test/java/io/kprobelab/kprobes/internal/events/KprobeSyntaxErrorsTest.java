package io.kprobelab.kprobes.internal.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kprobelab.kprobes.events.ProbeEventError;
import io.kprobelab.kprobes.events.ProbeEventException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code check_error} lines of the kernel's
 * {@code tools/testing/selftests/ftrace/test.d/kprobe/kprobe_syntax_errors.tc} (x86-64): each
 * command carries a '^' where {@code error_log}'s caret must point; the code and the verbatim
 * message are checked too. Lines of the BTF branch are run as a kernel without BTF answers them.
 */
class KprobeSyntaxErrorsTest {

    private static final String G65 = "12345678901234567890123456789012345678901234567890123456789012345";

    static Stream<Arguments> checkError() {
        return Stream.of(
                // maxactive
                Arguments.of("p^100 vfs_read", "BAD_MAXACT_TYPE", null),
                Arguments.of("r^1a111 vfs_read", "BAD_MAXACT", null),
                Arguments.of("r^100000 vfs_read", "MAXACT_TOO_BIG", null),
                // probe point
                Arguments.of("p ^non_exist_func", "BAD_PROBE_ADDR", null),
                Arguments.of("p ^hoge-fuga", "BAD_PROBE_ADDR", null),
                Arguments.of("p ^hoge+1000-1000", "BAD_PROBE_ADDR", null),
                Arguments.of("r ^vfs_read+10", "BAD_RETPROBE", null),
                // group and event
                Arguments.of("p:^/bar vfs_read", "NO_GROUP_NAME", null),
                Arguments.of("p:^" + G65 + "/bar vfs_read", "GROUP_TOO_LONG", null),
                Arguments.of("p:^foo.1/bar vfs_read", "BAD_GROUP_NAME", null),
                Arguments.of("p:^ vfs_read", "NO_EVENT_NAME", null),
                Arguments.of("p:foo/^" + G65 + " vfs_read", "EVENT_TOO_LONG", null),
                Arguments.of("p:foo/^bar.1 vfs_read", "BAD_EVENT_NAME", null),
                // variables
                Arguments.of("p vfs_read ^$retval", "RETVAL_ON_PROBE", null),
                Arguments.of("p vfs_read ^$stack10000", "BAD_STACK_NUM", null),
                Arguments.of("p vfs_read ^$arg10000", "BAD_ARG_NUM", null),
                Arguments.of("p vfs_read ^$none_var", "BAD_VAR", null),
                Arguments.of("p vfs_read ^%none_reg", "BAD_REG_NAME", null),
                Arguments.of("p vfs_read ^@12345678abcde", "BAD_MEM_ADDR", null),
                Arguments.of("p vfs_read ^@+10", "FILE_ON_KPROBE", null),
                // immediates
                Arguments.of("p vfs_read arg1=\\^x", "BAD_IMM", null),
                Arguments.of("p vfs_read arg1=\\\"abcd^", "IMMSTR_NO_CLOSE", null),
                // dereference
                Arguments.of("p vfs_read ^+0@0)", "DEREF_NEED_BRACE", null),
                Arguments.of("p vfs_read ^+0ab1(@0)", "BAD_DEREF_OFFS", null),
                Arguments.of("p vfs_read +0(+0(@0^)", "DEREF_OPEN_BRACE", null),
                Arguments.of("p vfs_read +0(^$comm)", "COMM_CANT_DEREF", null),
                Arguments.of("p vfs_read ^&1", "BAD_FETCH_ARG", null),
                // arrays and the op limit
                Arguments.of("p vfs_read +0(^+0(+0(+0(+0(+0(+0(+0(+0(+0(+0(+0(+0(+0(@0))))))))))))))",
                        "TOO_MANY_OPS", null),
                Arguments.of("p vfs_read +0(@11):u8[10^", "ARRAY_NO_CLOSE", null),
                Arguments.of("p vfs_read +0(@11):u8[10]^a", "BAD_ARRAY_SUFFIX", null),
                Arguments.of("p vfs_read +0(@11):u8[^10a]", "BAD_ARRAY_NUM", null),
                Arguments.of("p vfs_read +0(@11):u8[^256]", "ARRAY_TOO_BIG", null),
                // types
                Arguments.of("p vfs_read @11:^unknown_type", "BAD_TYPE", null),
                Arguments.of("p vfs_read $stack0:^string", "BAD_STRING", null),
                Arguments.of("p vfs_read @11:^b10@a/16", "BAD_BITFIELD", null),
                // names and lengths
                Arguments.of("p vfs_read ^arg123456789012345678901234567890=@11", "ARG_NAME_TOO_LONG", null),
                Arguments.of("p vfs_read ^=@11", "NO_ARG_NAME", null),
                Arguments.of("p vfs_read ^var.1=@11", "BAD_ARG_NAME", null),
                Arguments.of("p vfs_read var1=@11 ^var1=@12", "USED_ARG_NAME", null),
                Arguments.of("p vfs_read ^+1234567(+1234567(+1234567(+1234567(+1234567(+1234567(@1234))))))",
                        "ARG_TOO_LONG", null),
                Arguments.of("p vfs_read arg1=^", "NO_ARG_BODY", null),
                // x86: a probe inside an instruction
                Arguments.of("p ^vfs_read+3", "BAD_INSN_BNDRY", null),
                // multiprobe: the second field is the event defined before
                Arguments.of("^r:kprobes/testevent do_exit", "DIFF_PROBE_TYPE", "p:kprobes/testevent kernel_clone"),
                Arguments.of("p:kprobes/testevent kernel_clone ^bcd=\\1", "DIFF_ARG_TYPE",
                        "p:kprobes/testevent kernel_clone abcd=\\1"),
                Arguments.of("p:kprobes/testevent kernel_clone ^abcd=\\1:u8", "DIFF_ARG_TYPE",
                        "p:kprobes/testevent kernel_clone abcd=\\1"),
                Arguments.of("p:kprobes/testevent kernel_clone ^abcd=\\\"foo\"", "DIFF_ARG_TYPE",
                        "p:kprobes/testevent kernel_clone abcd=\\1"),
                Arguments.of("^p:kprobes/testevent kernel_clone abcd=\\1", "SAME_PROBE",
                        "p:kprobes/testevent kernel_clone abcd=\\1"),
                // %return suffix
                Arguments.of("p vfs_read^%hoge", "BAD_ADDR_SUFFIX", null),
                Arguments.of("p ^vfs_read+10%return", "BAD_RETPROBE", null),
                // the non-BTF branch: NOSUP_BTFARG is logged, then $arg* itself is a bad variable
                Arguments.of("p vfs_read ^$arg*", "NOSUP_BTFARG,BAD_VAR", null),
                // the BTF branch, answered by a kernel without BTF (same carets, other codes)
                Arguments.of("p vfs_read args=^$arg*", "BAD_VAR", null),
                Arguments.of("p vfs_read +0(^$arg*)", "BAD_VAR", null),
                Arguments.of("p vfs_read $arg* ^$arg*", "DOUBLE_ARGS", null),
                Arguments.of("p vfs_read+20 ^$arg*", "NOFENTRY_ARGS", null),
                Arguments.of("r vfs_read ^$arg*", "NOSUP_BTFARG,BAD_VAR", null),
                Arguments.of("p vfs_read ^hoge", "NOSUP_BTFARG", null));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource
    void checkError(String marked, String codes, String before) throws ProbeEventException {
        FakeKernel kernel = new FakeKernel();
        if (before != null) {
            kernel.write(before);
        }
        int caret = marked.lastIndexOf('^');
        String command = marked.replace("^", "");
        ProbeEventException e = assertThrows(ProbeEventException.class, () -> kernel.write(command));

        List<String> expected = new ArrayList<>();
        String[] all = codes.split(",");
        for (String code : all) {
            ProbeEventError err = ProbeEventError.valueOf(code);
            expected.add("error: " + err.message());
            expected.add("  Command: " + command);
            expected.add(" ".repeat(11 + caret) + "^");
        }
        assertEquals(ProbeEventError.valueOf(all[all.length - 1]), e.error().orElseThrow());
        assertEquals(command, e.command());
        assertEquals(caret, e.caret());
        assertEquals(expected, e.errorLog());
        // the selftest's own check: the caret line is 13 + pos bytes with its newline
        String last = e.errorLog().get(e.errorLog().size() - 1);
        assertEquals(13 + caret, last.length() + 1);
        // a refused line changes nothing
        assertEquals(before == null ? List.of() : List.of(before.replace("p:", "p:")), kernel.readBack());
    }
}
