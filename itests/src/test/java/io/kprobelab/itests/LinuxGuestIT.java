package io.kprobelab.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import io.kprobelab.guest.Guest;
import io.kprobelab.guest.ProgramResult;
import io.kprobelab.machine.Machine;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Linux 6.1 booted inside the OSGi runtime by the packaged linux bundle (the framework properties
 * {@code --kernel}/{@code --initrd} set): the Guest service is Linux's, and the guest:* and
 * machine:* commands work on it through a Gogo session as on the bundled guest.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LinuxGuestIT {

    @Inject
    private CommandProcessor processor;

    @Inject
    private Guest guest;

    @Inject
    private Machine machine;

    @Configuration
    public Option[] config() {
        List<Path> linux = LinuxKernels.team();
        // Linux boots inside the Guest component's activation: give service lookups time for it
        return options(RuntimeSupport.linuxRuntime(linux.get(0), linux.get(1)),
                systemProperty("pax.exam.service.timeout").value("600000"));
    }

    private String printed(String command) throws Exception {
        return RuntimeSupport.run(processor, command, true);
    }

    @Test
    public void guestService_runsCommandsInBusyboxsShell() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProgramResult r = guest.run("uname", List.of("-sr"), out::write);
        assertEquals(0, r.status());
        assertTrue(out.toString(StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8).startsWith("Linux 6.1."));
    }

    @Test
    public void guestRun_failsWithTheExitStatus_likeOnTheBundledGuest() throws Exception {
        assertEquals("", printed("guest:run mkdir /tmp/itest"));
        try {
            printed("guest:run mkdir /tmp/itest");
            fail("the second mkdir must fail");
        } catch (Exception e) {
            assertEquals("mkdir exited with status 1", e.getMessage());
        }
        assertEquals("/tmp/itest\n", printed("guest:run ls -d /tmp/itest"));
    }

    @Test
    public void machineAndGuestViews_readLinux() throws Exception {
        String syms = printed("machine:syms do_mkdirat");
        assertTrue(syms, java.util.regex.Pattern.compile("(?m)^ffffffff8[0-9a-f]{7} T do_mkdirat$").matcher(syms).find());
        String ps = printed("guest:ps");
        assertTrue(ps, ps.contains("    0     0 R        0 swapper\n"));
        assertTrue(ps, ps.contains("    1     0 S "));
        String dmesg = printed("guest:dmesg");
        assertTrue(dmesg, dmesg.startsWith("[    0.000000] Linux version 6.1."));
        assertTrue(machine.symbols().lookup("startup_64").isPresent());
    }
}
