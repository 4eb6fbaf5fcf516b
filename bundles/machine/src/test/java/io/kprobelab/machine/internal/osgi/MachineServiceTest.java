package io.kprobelab.machine.internal.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;

/** The machine component outside a framework: configuration in, Machine service out. */
class MachineServiceTest {

    @TempDir
    Path dir;

    private static BundleContext context(Map<String, String> frameworkProperties) {
        return (BundleContext) Proxy.newProxyInstance(MachineServiceTest.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getProperty")) {
                        return frameworkProperties.get((String) args[0]);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static MachineService.Config config(int cpus, int mib) {
        return new MachineService.Config() {
            @Override public Class<? extends Annotation> annotationType() { return MachineService.Config.class; }
            @Override public int cpus() { return cpus; }
            @Override public int memory_mib() { return mib; }
        };
    }

    @Test
    void testConfiguration_decidesTheVcpus_noElfMeansNoImage() {
        MachineService m = new MachineService(context(Map.of()), config(2, 64));
        try {
            assertEquals(2, m.vcpus().size());
            assertFalse(m.image().isPresent());
            assertTrue(m.symbols().all().isEmpty());
        } finally {
            m.deactivate();
        }
    }

    @Test
    void testEveryMachineMethod_isDelegated_notLeftToItsDefault() throws Exception {
        for (java.lang.reflect.Method m : io.kprobelab.machine.Machine.class.getMethods()) {
            assertEquals(MachineService.class,
                    MachineService.class.getMethod(m.getName(), m.getParameterTypes()).getDeclaringClass(),
                    "MachineService must delegate " + m);
        }
    }

    @Test
    void testMalformedElf_failsActivation_namingTheFileAndTheProblem() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "not an elf at all\n");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new MachineService(context(Map.of(MachineService.ELF_PROPERTY, text.toString())), config(1, 16)));
        assertTrue(e.getMessage().startsWith(text + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("not an ELF"), e.getMessage());
    }

    @Test
    void testMissingElf_failsActivation_namingTheFile() {
        String missing = dir.resolve("gone.elf").toString();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new MachineService(context(Map.of(MachineService.ELF_PROPERTY, missing)), config(1, 16)));
        assertTrue(e.getMessage().contains(missing), e.getMessage());
    }
}
