package io.kprobelab.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kprobelab.machine.GuestMemory;
import io.kprobelab.machine.Machine;
import io.kprobelab.machine.Machines;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link GuestProgram} lists what the image has: the kernel's program table
 * ({@code __start_programs}..{@code __stop_programs}, entries of name, start and end pointers)
 * names the same programs in the same order. ({@code fault}'s kinds are each run in
 * {@code GuestKernelTest}.)
 */
class GuestProgramTest {

    @Test
    void testTable_namesTheImagesPrograms_inOrder() throws Exception {
        Machine m = Machines.create(1, 64);
        GuestKernel.bootToIdle(m, BootParams.of("sh"), 1_000_000_000L);
        long start = m.symbols().lookup("__start_programs").orElseThrow().address();
        long stop = m.symbols().lookup("__stop_programs").orElseThrow().address();
        GuestMemory mem = m.memory();
        List<String> image = new ArrayList<>();
        for (long e = start; e < stop; e += 24) {
            image.add(cString(mem, mem.readU64(e)));
        }
        assertEquals(image.stream().sorted().toList(),
                Arrays.stream(GuestProgram.values()).map(GuestProgram::command).sorted().toList());
    }

    @Test
    void testUsage_listsTheKinds() {
        assertEquals("fault KIND (hlt|kread|kwrite|null|text|ud)", GuestProgram.FAULT.usage());
        assertEquals("mkdir PATH...", GuestProgram.MKDIR.usage());
        assertEquals("init", GuestProgram.INIT.usage());
        assertEquals(GuestProgram.FAULT, GuestProgram.named("/bin/fault").orElseThrow());
    }

    private static String cString(GuestMemory mem, long address) throws Exception {
        byte[] b = mem.read(address, 32);
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.US_ASCII);
    }
}
