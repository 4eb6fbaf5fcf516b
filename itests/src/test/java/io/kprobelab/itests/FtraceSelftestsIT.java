package io.kprobelab.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.options;

import io.kprobelab.guest.Guest;
import io.kprobelab.guest.ProgramResult;
import io.kprobelab.kprobes.events.ProbeEvents;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The kernel's ftrace kprobe selftests ({@code tools/testing/selftests/ftrace/test.d/kprobe/*.tc},
 * commits in ../shared/reference/linux-kprobes.md section 5), each step ported to the shell on
 * the booted guest kernel: {@code echo DEF >> kprobe_events} is {@code kprobe:add 'DEF'},
 * {@code echo > kprobe_events} is {@code kprobe:remove -a}, {@code events/.../enable} is
 * {@code kprobe:enable}, and the scripts' triggers (a fork, making a directory) are guest
 * programs. The guest's functions stand in for Linux's: {@code kernel_spawn} for the fork
 * function, {@code vfs_mkdir(dir, name, len)} for the directory-creating function whose second
 * argument is the new name in kernel memory, {@code do_mkdirat(dfd, upath, mode)} for a function
 * with a user pointer, {@code tick_ns} and {@code __log_buf} for {@code linux_proc_banner}.
 *
 * <p>Not ported, because the guest has no counterpart: kprobe_ftrace.tc (no function tracer),
 * kprobe_opt_types.tc (no optprobes yet), kprobe_module.tc (modules are bundles here: see
 * ProbeBundlesIT), and kprobe_non_uniq_symbol.tc and the {@code .isra.} case of
 * kprobe_eventname.tc (the guest has no duplicate or suffixed function names).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FtraceSelftestsIT {

    @Inject
    private CommandProcessor processor;

    @Inject
    private Guest guest;

    @Inject
    private ProbeEvents events;

    private static int dirs;

    @Configuration
    public Option[] config() {
        return options(RuntimeSupport.guestRuntime());
    }

    private String shell(String command) throws Exception {
        return RuntimeSupport.run(processor, command, true);
    }

    /** Runs {@code command}, which must fail; returns its message. */
    private String refused(String command) throws Exception {
        String before = shell("kprobe:events");
        try {
            String out = shell(command);
            fail(command + " was accepted: " + out);
            return null;
        } catch (IllegalArgumentException | IllegalStateException e) {
            assertEquals("a refused command changed kprobe_events", before, shell("kprobe:events"));
            return e.getMessage();
        }
    }

    /** Makes a directory in the guest (a new one each time unless {@code name} is given): the trigger. */
    private String mkdir(String name) {
        String path = "/" + (name != null ? name : "d" + (++dirs));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProgramResult r = guest.run("mkdir", List.of(path), out::write);
        assertEquals(out.toString(StandardCharsets.UTF_8), 0, r.status());
        return path;
    }

    /** The trace lines (header left out). */
    private List<String> traceLines() throws Exception {
        return Arrays.stream(shell("kprobe:trace").split("\n")).filter(l -> !l.startsWith("#") && !l.isEmpty()).toList();
    }

    /** What the one trace line of {@code event} shows after its {@code (site)}. */
    private String args(String event) throws Exception {
        List<String> mine = traceLines().stream().filter(l -> l.contains(" " + event + ": (")).toList();
        assertEquals(mine.toString(), 1, mine.size());
        String l = mine.get(0);
        return l.substring(l.indexOf(") ", l.indexOf(" " + event + ": (")) + 2);
    }

    @After
    public void cleanUp() throws Exception {
        for (String e : events.names()) {
            events.disable(e);
            events.remove(e);
        }
        shell("kprobe:clear");
    }

    /** add_and_remove.tc: a probe on the fork function appears in kprobe_events; clearing removes it. */
    @Test
    public void addAndRemove() throws Exception {
        shell("kprobe:add 'p:myevent kernel_spawn'");
        assertEquals("p:kprobes/myevent kernel_spawn", shell("kprobe:events"));
        shell("kprobe:remove -a");
        assertEquals("", shell("kprobe:events"));
    }

    /** busy_check.tc: with the event enabled, clearing kprobe_events fails; after disabling it succeeds. */
    @Test
    public void busyCheck() throws Exception {
        shell("kprobe:add 'p:myevent kernel_spawn'");
        shell("kprobe:enable myevent");
        assertTrue(refused("kprobe:remove -a").startsWith("EBUSY"));
        shell("kprobe:disable myevent");
        shell("kprobe:remove -a");
        assertEquals("", shell("kprobe:events"));
    }

    /** kprobe_args.tc: $stack $stack0 +0($stack) get arg1..arg3; a fork shows three hex values; -: removes. */
    @Test
    public void kprobeArgs() throws Exception {
        shell("kprobe:add 'p:testprobe kernel_spawn $stack $stack0 +0($stack)'");
        assertEquals("p:kprobes/testprobe kernel_spawn arg1=$stack arg2=$stack0 arg3=+0($stack)", shell("kprobe:events"));
        shell("kprobe:enable testprobe");
        mkdir(null); // spawning the mkdir program is the fork
        String args = args("testprobe");
        Matcher m = Pattern.compile("arg1=0x([0-9a-f]+) arg2=0x([0-9a-f]+) arg3=0x([0-9a-f]+)").matcher(args);
        assertTrue(args, m.matches());
        assertEquals("$stack0 and +0($stack) read the same slot", m.group(2), m.group(3));
        shell("kprobe:disable testprobe");
        shell("kprobe:add '-:testprobe'");
        assertEquals("", shell("kprobe:events"));
    }

    /** kprobe_args_char.tc: char and char[4] on the new directory's name. */
    @Test
    public void kprobeArgsChar() throws Exception {
        shell("kprobe:add 'p:testprobe vfs_mkdir arg1=+0(%si):char'");
        shell("kprobe:add 'p:testprobe2 vfs_mkdir arg1=+0(%si):char[4]'");
        shell("kprobe:enable testprobe");
        shell("kprobe:enable testprobe2");
        mkdir("test");
        assertEquals("arg1='t'", args("testprobe"));
        assertEquals("arg1={'t','e','s','t'}", args("testprobe2"));
    }

    /** kprobe_args_comm.tc: $comm is the current task's name. */
    @Test
    public void kprobeArgsComm() throws Exception {
        shell("kprobe:add 'p:testprobe vfs_mkdir comm=$comm'");
        shell("kprobe:enable testprobe");
        mkdir(null);
        assertEquals("comm=\"mkdir\"", args("testprobe"));
    }

    /** kprobe_args_string.tc: +0(%si):string, once and twice. */
    @Test
    public void kprobeArgsString() throws Exception {
        shell("kprobe:add 'p:testprobe vfs_mkdir arg1=+0(%si):string'");
        shell("kprobe:add 'p:testprobe2 vfs_mkdir arg1=+0(%si):string arg2=+0(%si):string'");
        shell("kprobe:enable testprobe");
        shell("kprobe:enable testprobe2");
        String dir = mkdir(null).substring(1);
        assertEquals("arg1=\"" + dir + "\"", args("testprobe"));
        assertEquals("arg1=\"" + dir + "\" arg2=\"" + dir + "\"", args("testprobe2"));
    }

    /**
     * kprobe_args_symbol.tc: @SYM in every integer type and a bitfield, read from a u64 the kernel
     * holds (tick_ns, 1000000 = 0xf4240), and @SYM:string on the kernel's text buffer.
     */
    @Test
    public void kprobeArgsSymbol() throws Exception {
        shell("kprobe:add 'p:testprobe vfs_mkdir a=@tick_ns:u64 b=@tick_ns:u32 c=@tick_ns:u16 d=@tick_ns:u8 "
                + "e=@tick_ns:s64 f=@tick_ns:s32 g=@tick_ns:s16 h=@tick_ns:s8 "
                + "i=@tick_ns:x64 j=@tick_ns:x32 k=@tick_ns:x16 l=@tick_ns:x8 m=@tick_ns:b8@4/32'");
        shell("kprobe:add 'p:testprobe2 vfs_mkdir banner=@__log_buf:string'");
        shell("kprobe:enable testprobe");
        shell("kprobe:enable testprobe2");
        mkdir(null);
        assertEquals("a=1000000 b=1000000 c=16960 d=64 e=1000000 f=1000000 g=16960 h=64 "
                + "i=0xf4240 j=0xf4240 k=0x4240 l=0x40 m=36", args("testprobe"));
        // the string holds the log's first line with its newline: read it from the whole trace
        Matcher banner = Pattern.compile(" testprobe2: \\(vfs_mkdir\\+0x0/0x[0-9a-f]+\\) banner=\"([^\"]*)\"\n")
                .matcher(shell("kprobe:trace"));
        assertTrue(shell("kprobe:trace"), banner.find());
        assertTrue(banner.group(1), banner.group(1).length() > 20 && guest.dmesg().startsWith(banner.group(1)));
    }

    /** kprobe_args_type.tc: $stack0 as sN, uN, xN and b4@4/N agree, truncated to each width. */
    @Test
    public void kprobeArgsType() throws Exception {
        for (int width : new int[] {64, 32, 16, 8}) {
            shell("kprobe:add 'p:testprobe" + width + " vfs_mkdir s=$stack0:s" + width + " u=$stack0:u" + width
                    + " x=$stack0:x" + width + " b=$stack0:b4@4/" + width + "'");
            shell("kprobe:enable testprobe" + width);
        }
        mkdir(null);
        for (int width : new int[] {64, 32, 16, 8}) {
            Matcher m = Pattern.compile("s=(-?\\d+) u=(\\d+) x=0x([0-9a-f]+) b=(\\d+)").matcher(args("testprobe" + width));
            assertTrue(m.matches());
            java.math.BigInteger x = new java.math.BigInteger(m.group(3), 16);
            java.math.BigInteger u = new java.math.BigInteger(m.group(2));
            java.math.BigInteger s = new java.math.BigInteger(m.group(1));
            java.math.BigInteger mod = java.math.BigInteger.ONE.shiftLeft(width);
            assertEquals(x, u);
            assertEquals(x, s.mod(mod));
            assertTrue(x.bitLength() <= width);
            assertEquals(x.shiftRight(4).and(java.math.BigInteger.valueOf(15)), new java.math.BigInteger(m.group(4)));
        }
    }

    /** kprobe_args_user.tc: ustring and +u on a user pointer show the path; ustring on a kernel pointer faults. */
    @Test
    public void kprobeArgsUser() throws Exception {
        shell("kprobe:add 'p:testprobe do_mkdirat arg1=+0($arg2):ustring arg2=+u0($arg2):string'");
        shell("kprobe:add 'p:testprobe2 vfs_mkdir arg1=+0(%si):ustring'");
        shell("kprobe:enable testprobe");
        shell("kprobe:enable testprobe2");
        String path = mkdir(null);
        assertEquals("arg1=\"" + path + "\" arg2=\"" + path + "\"", args("testprobe"));
        assertEquals("arg1=(fault)", args("testprobe2"));
    }

    /** kprobe_eventname.tc: the automatic name, an explicit event, an explicit group and event. */
    @Test
    public void kprobeEventname() throws Exception {
        shell("kprobe:add 'p kernel_spawn'");
        shell("kprobe:add 'p:event1 kernel_spawn'");
        shell("kprobe:add 'p:kprobes2/event2 kernel_spawn'");
        shell("kprobe:add 'r do_mkdirat'");
        assertEquals("p:kprobes/p_kernel_spawn_0 kernel_spawn\n"
                + "p:kprobes/event1 kernel_spawn\n"
                + "p:kprobes2/event2 kernel_spawn\n"
                + "r1:kprobes/r_do_mkdirat_0 do_mkdirat", shell("kprobe:events"));
        shell("kprobe:enable p_kernel_spawn_0");
        shell("kprobe:enable kprobes2/event2");
        mkdir(null);
        assertEquals(2, traceLines().size());
    }

    /**
     * kprobe_insn_boundary.tc: a probe at every offset 0..255 of the fork function (refusals
     * ignored), all enabled, a fork, all disabled and cleared: nothing breaks, the guest's
     * output is what it is unprobed.
     */
    @Test
    public void kprobeInsnBoundary() throws Exception {
        List<String> accepted = new ArrayList<>();
        int refusedCount = 0;
        for (int i = 0; i < 256; i++) {
            try {
                shell("kprobe:add 'p:p" + i + " kernel_spawn+" + i + "'");
                accepted.add("p" + i);
            } catch (IllegalArgumentException e) {
                refusedCount++;
            }
        }
        // kernel_spawn is longer than 256 bytes: every refusal is an offset inside an instruction
        assertTrue(accepted.size() + " accepted", accepted.size() > 20 && refusedCount > 0);
        for (String e : accepted) {
            shell("kprobe:enable " + e);
        }
        mkdir(null);
        assertEquals("every accepted probe fired once", accepted.size(), traceLines().size());
        for (String e : accepted) {
            shell("kprobe:disable " + e);
        }
        shell("kprobe:remove -a");
        assertEquals("", shell("kprobe:list"));
        mkdir(null); // and the guest goes on
    }

    /** kprobe_multiprobe.tc: two probes under one event; -:EVENT removes both, -:EVENT SYM one; other arguments refused. */
    @Test
    public void kprobeMultiprobe() throws Exception {
        shell("kprobe:add 'p:testevent kernel_spawn'");
        shell("kprobe:add 'p:testevent do_mkdirat'");
        assertEquals("p:kprobes/testevent kernel_spawn\np:kprobes/testevent do_mkdirat", shell("kprobe:events"));
        shell("kprobe:enable testevent");
        mkdir(null);
        assertEquals(2, traceLines().size());
        shell("kprobe:disable testevent");
        shell("kprobe:add '-:testevent'");
        assertEquals("", shell("kprobe:events"));

        shell("kprobe:add 'p:testevent kernel_spawn'");
        shell("kprobe:add 'p:testevent do_mkdirat'");
        shell("kprobe:add '-:testevent do_mkdirat'");
        assertEquals("p:kprobes/testevent kernel_spawn", shell("kprobe:events"));
        refused("kprobe:add 'p:testevent do_mkdirat %ax'");
    }

    /** kretprobe_args.tc: a return probe with $retval is defined, enabled, fires, disabled, removed. */
    @Test
    public void kretprobeArgs() throws Exception {
        shell("kprobe:add 'r:testprobe2 kernel_spawn $retval'");
        assertEquals("r1:kprobes/testprobe2 kernel_spawn arg1=$retval", shell("kprobe:events"));
        shell("kprobe:enable testprobe2");
        mkdir(null);
        String args = args("testprobe2");
        assertTrue("the new task's pid: " + args, args.matches("arg1=0x[1-9a-f][0-9a-f]*"));
        shell("kprobe:disable testprobe2");
        shell("kprobe:add '-:testprobe2'");
        assertEquals("", shell("kprobe:events"));
    }

    /**
     * kretprobe_entry_arg.tc: an entry argument fetched by a return probe is the value the
     * function was called with, the one a probe at its entry sees.
     */
    @Test
    public void kretprobeEntryArg() throws Exception {
        shell("kprobe:add 'p:kprobes/testevent do_mkdirat arg=$arg2'");
        shell("kprobe:add 'r:kprobes/testevent2 do_mkdirat arg=$arg2 path=+0($arg2):ustring'");
        shell("kprobe:enable testevent");
        shell("kprobe:enable testevent2");
        String path = mkdir(null);
        String entry = args("testevent");
        assertTrue(entry, entry.matches("arg=0x[0-9a-f]+"));
        assertEquals(entry + " path=\"" + path + "\"", args("testevent2"));
    }

    /** kretprobe_maxactive.tc: bad maxactive forms are refused; r:, r10:, r SYM, r10 SYM are accepted. */
    @Test
    public void kretprobeMaxactive() throws Exception {
        refused("kprobe:add 'a:myprobeaccept do_mkdirat'");
        refused("kprobe:add 'r1000000:myprobeaccept do_mkdirat'");
        refused("kprobe:add 'r10fuzz:myprobeaccept do_mkdirat'");
        shell("kprobe:add 'r:myprobeaccept do_mkdirat'");
        shell("kprobe:add 'r10:myprobeaccept2 do_mkdirat'");
        shell("kprobe:add 'r do_mkdirat'");
        shell("kprobe:add 'r10 vfs_mkdir'");
        assertEquals("r1:kprobes/myprobeaccept do_mkdirat\nr10:kprobes/myprobeaccept2 do_mkdirat\n"
                + "r1:kprobes/r_do_mkdirat_0 do_mkdirat\nr10:kprobes/r_vfs_mkdir_0 vfs_mkdir", shell("kprobe:events"));
    }

    /** kretprobe_return_suffix.tc: SYM%return reads back as the r: definition does. */
    @Test
    public void kretprobeReturnSuffix() throws Exception {
        shell("kprobe:add 'p:myevent vfs_mkdir%return'");
        String suffix = shell("kprobe:events");
        shell("kprobe:remove -a");
        shell("kprobe:add 'r:myevent vfs_mkdir'");
        assertEquals(shell("kprobe:events"), suffix);
    }

    /**
     * multiple_kprobes.tc: a probe on each of the first 256 probeable text symbols (the guest has
     * fewer), as many lines in kprobe_events, all enabled across a workload, then disabled and
     * cleared; the workload's output is unchanged.
     */
    @Test
    public void multipleKprobes() throws Exception {
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        assertEquals(0, guest.run("syscalltest", List.of(), plain::write).status());
        List<String> names = new ArrayList<>();
        for (String line : shell("machine:syms").split("\n")) {
            String[] f = line.split(" ");
            if (f.length == 3 && (f[1].equals("T") || f[1].equals("t")) && names.size() < 256) {
                try {
                    shell("kprobe:add 'p:kprobes/testevent" + names.size() + " " + f[2] + "'");
                    names.add("testevent" + names.size());
                } catch (IllegalArgumentException e) {
                    // blacklisted or the machinery's own: skipped, as the script's 2>/dev/null does
                }
            }
        }
        assertTrue(names.size() + " probes", names.size() > 50);
        assertEquals(names.size(), shell("kprobe:events").split("\n").length);
        for (String e : names) {
            shell("kprobe:enable " + e);
        }
        ByteArrayOutputStream probed = new ByteArrayOutputStream();
        assertEquals(0, guest.run("syscalltest", List.of(), probed::write).status());
        assertTrue(traceLines().size() > names.size());
        for (String e : names) {
            shell("kprobe:disable " + e);
        }
        shell("kprobe:remove -a");
        assertEquals("", shell("kprobe:list"));
        assertEquals(normalized(plain), normalized(probed));
    }

    /** Console output without what differs between two runs on one guest: pids and printk's clock. */
    private static String normalized(ByteArrayOutputStream console) {
        return console.toString(StandardCharsets.UTF_8).replaceAll("\\[ *\\d+\\.\\d+\\]", "[T]")
                .replaceAll("\\[\\d+\\]", "[N]");
    }

    /**
     * probepoint.tc: by name, by address, and at the distance to the next symbol succeed; a
     * negative offset (into the previous symbol) fails.
     */
    @Test
    public void probepoint() throws Exception {
        String[] syms = shell("machine:syms").split("\n");
        int i = 0;
        while (!syms[i].endsWith(" vfs_mkdir")) {
            i++;
        }
        long addr = Long.parseUnsignedLong(syms[i].split(" ")[0], 16);
        long next = Long.parseUnsignedLong(syms[i + 1].split(" ")[0], 16);
        shell("kprobe:add 'p:testprobe vfs_mkdir'");
        shell("kprobe:add 'p:testprobe2 0x" + Long.toHexString(addr) + "'");
        shell("kprobe:add 'p:testprobe3 vfs_mkdir+" + (next - addr) + "'");
        assertEquals("p:kprobes/testprobe vfs_mkdir\np:kprobes/testprobe2 0x" + Long.toHexString(addr)
                + "\np:kprobes/testprobe3 vfs_mkdir+" + (next - addr), shell("kprobe:events"));
        refused("kprobe:add 'p:testprobe4 vfs_mkdir-4'");
    }

    /** profile.tc: a new event shows 0 0; after a fork it has hits and no misses; a removed event is gone. */
    @Test
    public void profile() throws Exception {
        shell("kprobe:add 'p:testprobe kernel_spawn'");
        assertEquals(String.format("  %-44s %15d %15d", "testprobe", 0, 0), shell("kprobe:profile"));
        shell("kprobe:enable testprobe");
        mkdir(null);
        mkdir(null);
        assertEquals(String.format("  %-44s %15d %15d", "testprobe", 2, 0), shell("kprobe:profile"));
        shell("kprobe:disable testprobe");
        shell("kprobe:add '-:testprobe'");
        assertEquals("", shell("kprobe:profile"));
    }
}
