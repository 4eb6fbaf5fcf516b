package io.kprobelab.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ComponentsTest {

    @Test
    void testCause_skipsDsWrappers_keepsTheComponentsMessage() {
        String trace = String.join("\n",
                "java.lang.reflect.InvocationTargetException",
                "\tat java.base/jdk.internal.reflect.NativeConstructorAccessorImpl.newInstance0(Native Method)",
                "Caused by: java.lang.IllegalStateException: /tmp/x.elf: not an ELF file (bad magic 68 65 6c 6c)",
                "\tat io.kprobelab.machine.internal.osgi.MachineService.<init>(MachineService.java:82)",
                "\t... 36 more",
                "Caused by: io.kprobelab.machine.ElfException: /tmp/x.elf: not an ELF file (bad magic 68 65 6c 6c)");
        assertEquals("/tmp/x.elf: not an ELF file (bad magic 68 65 6c 6c)", Components.cause(trace));
    }

    @Test
    void testCause_plainMessagesAndBareExceptions() {
        assertEquals("boom", Components.cause("java.lang.IllegalStateException: boom\n\tat x.y(Z.java:1)"));
        assertEquals("java.lang.NullPointerException", Components.cause("java.lang.NullPointerException\n\tat a.b(C.java:2)"));
        assertEquals("activation failed: why", Components.cause("activation failed: why"));
    }
}
