package io.kprobelab.kprobes.internal.whiteboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kprobelab.kprobes.Generation;
import io.kprobelab.kprobes.Kprobe;
import io.kprobelab.kprobes.KprobeException;
import io.kprobelab.kprobes.KprobePostHandler;
import io.kprobelab.kprobes.KprobePreHandler;
import io.kprobelab.kprobes.KretprobeHandler;
import io.kprobelab.kprobes.internal.KprobesService;
import io.kprobelab.kprobes.internal.events.TestArch;
import io.kprobelab.kprobes.internal.events.TestMachine;
import io.kprobelab.kprobes.whiteboard.KprobeProperties;
import io.kprobelab.machine.PtRegs;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

/** The DS component's bind and unbind methods, with service references made up for the test. */
class KprobeWhiteboardTest {

    /** The cores the tests make: closed after each, as a stopped bundle closes its own. */
    final List<KprobesService> cores = new ArrayList<>();

    KprobesService core(TestMachine machine) throws KprobeException {
        KprobesService core = new KprobesService(machine, new TestArch(), Generation.G2005, true);
        cores.add(core);
        return core;
    }

    @AfterEach
    void closeCores() {
        cores.forEach(KprobesService::close);
    }

    static final long STEXT = 0xffffffff81000000L;

    @SuppressWarnings("unchecked")
    static <S> ServiceReference<S> ref(long id, String bsn, Map<String, Object> props, Class<?>... classes) {
        Bundle bundle = (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (p, m, a) -> m.getName().equals("getSymbolicName") ? bsn : null);
        Map<String, Object> all = new java.util.HashMap<>(props);
        all.put(Constants.SERVICE_ID, id);
        all.put(Constants.OBJECTCLASS, java.util.Arrays.stream(classes).map(Class::getName).toArray(String[]::new));
        return (ServiceReference<S>) Proxy.newProxyInstance(ServiceReference.class.getClassLoader(),
                new Class<?>[] {ServiceReference.class}, (p, m, a) -> switch (m.getName()) {
                    case "getProperty" -> all.get((String) a[0]);
                    case "getPropertyKeys" -> all.keySet().toArray(new String[0]);
                    case "getBundle" -> bundle;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    /** Advertised as both handler interfaces: one service, one probe. */
    static final class Both implements KprobePreHandler, KprobePostHandler {
        final List<String> seen = new ArrayList<>();

        @Override
        public int handle(Kprobe p, PtRegs regs) {
            seen.add("pre " + p.spec().owner());
            return 0;
        }

        @Override
        public void handle(Kprobe p, PtRegs regs, long flags) {
            seen.add("post");
        }
    }

    @Test
    void aServiceUnderBothInterfaces_isOneProbe_goneAtTheFirstUnbind() throws Exception {
        TestMachine machine = new TestMachine(1).sym("_stext", STEXT, 0, 'T').sym("sys_mkdir", STEXT + 0x100, 0x40, 'T')
                .sym("_etext", STEXT + 0x1000, 0, 'T');
        KprobesService core = core(machine);
        KprobeWhiteboard wb = new KprobeWhiteboard(core);

        Both both = new Both();
        ServiceReference<KprobePreHandler> pre = ref(11, "org.example.both", Map.of(KprobeProperties.SYMBOL, "sys_mkdir"),
                KprobePreHandler.class, KprobePostHandler.class);
        @SuppressWarnings("unchecked")
        ServiceReference<KprobePostHandler> post = (ServiceReference<KprobePostHandler>) (ServiceReference<?>) pre;
        wb.bindPreHandler(pre, both);
        wb.bindPostHandler(post, both);
        assertEquals(1, core.list().size());
        core.getKprobe(STEXT + 0x100).runPreHandlers(machine.regs(0));
        core.getKprobe(STEXT + 0x100).runPostHandlers(machine.regs(0));
        assertEquals(List.of("pre org.example.both", "post"), both.seen);

        ServiceReference<KretprobeHandler> ret = ref(12, "org.example.ret", Map.of(KprobeProperties.SYMBOL, "sys_mkdir",
                KprobeProperties.MAXACTIVE, "2"), KretprobeHandler.class);
        wb.bindKretprobeHandler(ret, (ri, r) -> 0);
        assertEquals(2, core.list().size());

        wb.unbindPreHandler(pre);
        wb.unbindPostHandler(post);
        assertEquals(1, core.list().size());
        wb.deactivate();
        assertEquals(List.of(), core.list());
    }

    @Test
    void aPostOnlyService_getsNoPreHandler_evenIfTheObjectHasOne() throws Exception {
        TestMachine machine = new TestMachine(1).sym("_stext", STEXT, 0, 'T').sym("sys_mkdir", STEXT + 0x100, 0x40, 'T')
                .sym("_etext", STEXT + 0x1000, 0, 'T');
        KprobesService core = core(machine);
        KprobeWhiteboard wb = new KprobeWhiteboard(core);
        Both both = new Both();
        ServiceReference<KprobePostHandler> post = ref(13, "org.example.post", Map.of(KprobeProperties.SYMBOL, "sys_mkdir"),
                KprobePostHandler.class);
        wb.bindPostHandler(post, both);
        core.getKprobe(STEXT + 0x100).runPreHandlers(machine.regs(0));
        core.getKprobe(STEXT + 0x100).runPostHandlers(machine.regs(0));
        assertEquals(List.of("post"), both.seen);
    }
}
