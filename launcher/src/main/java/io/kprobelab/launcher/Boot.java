package io.kprobelab.launcher;

import io.kprobelab.launcher.FeatureSet.BundleSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.wiring.BundleWiring;

/**
 * Boots Felix with the bundles the features name: installs the nested jars (by reference, see
 * {@link BundleStore}), starts them in start order, and holds the application bundles back until
 * FileInstall has handed {@code config/} to Configuration Admin and installed {@code deploy/} (so
 * components start once, with their configuration).
 */
final class Boot {

    /** Framework property with the ELF to boot in bare mode (read by the machine bundle). */
    static final String ELF = "kprobelab.elf";

    /** Framework properties naming the Linux guest (read by the linux bundle's LinuxGuestEnabler). */
    static final String KERNEL = "kprobelab.kernel", INITRD = "kprobelab.initrd", APPEND = "kprobelab.append",
            SYSTEM_MAP = "kprobelab.systemmap";

    /** Framework property with the kprobes generation (read by the kprobes bundles). */
    static final String GENERATION = "kprobes.generation";

    /** Start orders from here on are application bundles: they wait for config/ and deploy/. */
    static final int APPLICATION_ORDER = 10;

    private static final String FILEINSTALL = "org.apache.felix.fileinstall";

    private final Framework framework;
    private final Path home;
    private final Path cache;
    private final PrintStream err;
    private final List<Bundle> console = new ArrayList<>();

    private Boot(Framework framework, Path home, Path cache, PrintStream err) {
        this.framework = framework;
        this.home = home;
        this.cache = cache;
        this.err = err;
    }

    /** Checks a start-order group once it is started; throwing stops the boot. */
    @FunctionalInterface
    interface GroupCheck {
        void started(BundleContext ctx, List<Bundle> group) throws Exception;
    }

    /** The boot cannot go on; the message says why. */
    static final class BootFailure extends Exception {
        private static final long serialVersionUID = 1L;

        BootFailure(String message) {
            super(message);
        }
    }

    Framework framework() {
        return framework;
    }

    BundleContext context() {
        return framework.getBundleContext();
    }

    /**
     * Creates, installs and starts the runtime; the console feature is installed but started
     * only by {@link #startConsole()}.
     */
    static Boot start(CommandLine cl, Path home, boolean interactive, PrintStream err, GroupCheck check)
            throws Exception {
        // Reading the features (JSON) and initialising Felix both mostly load classes: do them
        // on two threads.
        CompletableFuture<List<BundleSpec>> specsLater = CompletableFuture.supplyAsync(() -> {
            try {
                List<BundleSpec> specs = FeatureSet.load().bundles(interactive);
                Main.timing(err, "features read");
                return specs;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        CompletableFuture<Path> bundlesLater = CompletableFuture.supplyAsync(() -> {
            try {
                return BundleStore.bundles();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });

        Path cache = Files.createTempDirectory("kprobelab-felix-");
        Map<String, String> props = new HashMap<>();
        // felix/ is wiped by the framework at init (onFirstInit); gosh/ beside it survives.
        props.put(Constants.FRAMEWORK_STORAGE, cache.resolve("felix").toString());
        // The runtime is rebuilt from features, config/ and deploy/ at each start.
        props.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        props.put("kprobelab.home", home.toString());
        List<String> watched = new ArrayList<>();
        for (String dir : List.of("deploy", "config")) {
            // config/org.apache.felix.fileinstall-NAME.cfg: FileInstall's own factory
            // configurations say which folders to watch and how often (deploy/ among them)
            if (dir.equals("deploy") && !watcherConfigurations(home).isEmpty()) {
                continue;
            }
            if (Files.isDirectory(home.resolve(dir))) {
                watched.add(home.resolve(dir).toString());
            }
        }
        if (!watched.isEmpty()) {
            props.put("felix.fileinstall.dir", String.join(",", watched));
        }
        props.put("felix.fileinstall.poll", "500");
        props.put("felix.fileinstall.noInitialDelay", "true");
        // config/ is the user's: never write configuration changes back into those files.
        props.put("felix.fileinstall.enableConfigSave", "false");
        props.put("felix.fileinstall.log.level", "2");
        props.put("gosh.home", goshHome(home, cache).toString());
        // SCR prints every activation failure with its stack trace; the launcher reports them in
        // one line each instead (-Dds.loglevel=error brings SCR's own log back).
        props.put("ds.loglevel", "0");
        if (cl.elf() != null) {
            props.put(ELF, cl.elf().toString());
        }
        if (cl.linux() != null) {
            props.put(KERNEL, cl.linux().kernel().toString());
            if (cl.linux().initrd() != null) {
                props.put(INITRD, cl.linux().initrd().toString());
            }
            if (cl.linux().append() != null) {
                props.put(APPEND, cl.linux().append());
            }
            if (cl.linux().systemMap() != null) {
                props.put(SYSTEM_MAP, cl.linux().systemMap().toString());
            }
        }
        if (cl.generation() != null) {
            props.put(GENERATION, cl.generation());
        }
        // -Dfelix.*, -Dgosh.*, -Dorg.osgi.*, -Dds.*, -Dkprobelab.*, -Dkprobes.* reach the framework.
        for (String k : System.getProperties().stringPropertyNames()) {
            if (Stream.of("felix.", "gosh.", "org.osgi.", "ds.", "kprobelab.", "kprobes.").anyMatch(k::startsWith)) {
                props.put(k, System.getProperty(k));
            }
        }

        Framework fw = ServiceLoader.load(FrameworkFactory.class).iterator().next().newFramework(props);
        fw.init();
        Main.timing(err, "framework initialised");
        Boot boot = new Boot(fw, home, cache, err);
        BundleContext ctx = fw.getBundleContext();
        ctx.addFrameworkListener(boot::frameworkEvent);

        List<BundleSpec> specs;
        Path bundles; // Felix installs reference: URLs in place, without copying each jar
        try {
            specs = specsLater.join();
            bundles = bundlesLater.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        }

        List<List<Bundle>> groups = new ArrayList<>();
        List<Integer> groupOrders = new ArrayList<>();
        int lastOrder = Integer.MIN_VALUE;
        for (BundleSpec spec : specs) {
            boolean fileInstall = spec.id().getArtifactId().equals(FILEINSTALL);
            if (fileInstall && watched.isEmpty()) {
                continue; // neither config/ nor deploy/ here: FileInstall would create them
            }
            Bundle b = ctx.installBundle("reference:" + bundles.resolve(spec.resource()).toUri());
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) != null || spec.library()) {
                continue; // resolved when a bundle wires to it, never started
            }
            if (spec.console()) {
                boot.console.add(b);
                continue;
            }
            if (spec.startOrder() != lastOrder) {
                groups.add(new ArrayList<>());
                groupOrders.add(spec.startOrder());
                lastOrder = spec.startOrder();
            }
            groups.get(groups.size() - 1).add(b);
        }
        Main.timing(err, "bundles installed");
        fw.start();
        Main.timing(err, "framework started");
        boolean awaited = false;
        for (int g = 0; g < groups.size(); g++) {
            List<Bundle> group = groups.get(g);
            if (!awaited && groupOrders.get(g) >= APPLICATION_ORDER) {
                Main.timing(err, "runtime bundles started");
                boot.awaitFileInstall();
                Main.timing(err, "config/ and deploy/ applied");
                awaited = true;
            }
            for (Bundle b : group) {
                boot.startBundle(b);
            }
            try {
                check.started(ctx, group);
            } catch (Exception e) {
                boot.stop();
                throw e;
            }
        }
        return boot;
    }

    /** The FileInstall watcher configurations in {@code config/} ({@code org.apache.felix.fileinstall-NAME.cfg}). */
    static List<Path> watcherConfigurations(Path home) {
        Path config = home.resolve("config");
        if (!Files.isDirectory(config)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(config)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(FILEINSTALL + "-") && (n.endsWith(".cfg") || n.endsWith(".config"));
            }).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Starts the interactive console (Gogo JLine): it opens the terminal and prints the prompt. */
    void startConsole() {
        // JLine finds its terminal providers through the context class loader; the shell thread
        // gogo.jline starts inherits ours, so make it JLine's (else: a dumb terminal).
        Thread self = Thread.currentThread();
        ClassLoader saved = self.getContextClassLoader();
        try {
            for (Bundle b : console) {
                if ("org.jline".equals(b.getSymbolicName()) && b.getState() != Bundle.UNINSTALLED) {
                    startBundle(b);
                    BundleWiring wiring = b.adapt(BundleWiring.class);
                    if (wiring != null) {
                        self.setContextClassLoader(wiring.getClassLoader());
                    }
                }
            }
            for (Bundle b : console) {
                startBundle(b);
            }
        } finally {
            self.setContextClassLoader(saved);
        }
    }

    private void startBundle(Bundle b) {
        try {
            b.start();
            Main.timing(err, "started " + b.getSymbolicName());
        } catch (BundleException e) {
            err.println("kprobelab: cannot start " + b.getSymbolicName() + ": " + e.getMessage());
        }
    }

    /** Stops the framework and removes its cache. */
    void stop() {
        try {
            framework.stop();
            framework.waitForStop(10_000);
        } catch (Exception e) {
            err.println("kprobelab: stopping the framework: " + e);
        }
        deleteCache();
    }

    void deleteCache() {
        try (Stream<Path> s = Files.walk(cache)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // a temp directory: best effort
        }
    }

    private void frameworkEvent(FrameworkEvent e) {
        if (e.getType() != FrameworkEvent.ERROR && e.getType() != FrameworkEvent.WARNING) {
            return;
        }
        String kind = e.getType() == FrameworkEvent.ERROR ? "ERROR" : "WARNING";
        Bundle b = e.getBundle();
        Throwable t = e.getThrowable();
        err.println("kprobelab: framework " + kind + " from " + (b == null ? "?" : b.getSymbolicName())
                + (t == null ? "" : ": " + t));
        if (t != null && Boolean.getBoolean("kprobelab.debug")) {
            t.printStackTrace(err);
        }
    }

    // Our own gosh_profile, unless the home has etc/gosh_profile: the stock one calls setopt,
    // which fails without a LineReader.
    private static Path goshHome(Path home, Path cache) throws IOException {
        if (Files.isRegularFile(home.resolve("etc/gosh_profile"))) {
            return home;
        }
        Path gosh = cache.resolve("gosh");
        Files.createDirectories(gosh.resolve("etc"));
        try (InputStream in = Boot.class.getResourceAsStream("/gosh_profile")) {
            Files.copy(in, gosh.resolve("etc/gosh_profile"));
        }
        return gosh;
    }

    /**
     * Waits until every {@code config/*.cfg} is a configuration and every {@code deploy/*.jar}
     * a started bundle, so application components see them at their first activation (and the
     * guest's init meets deployed probes).
     */
    private void awaitFileInstall() {
        Bundle fileinstall = Stream.of(context().getBundles())
                .filter(b -> FILEINSTALL.equals(b.getSymbolicName()) && b.getState() == Bundle.ACTIVE)
                .findFirst().orElse(null);
        if (fileinstall == null) {
            return;
        }
        Set<String> configs = files("config", ".cfg", ".config");
        Set<String> jars = files("deploy", ".jar");
        // one bundle in two files: FileInstall installs one of them; say so, and wait for either
        List<List<String>> same = new ArrayList<>(DeployFolder.duplicates(home.resolve("deploy")).values());
        for (List<String> files : same) {
            err.println("kprobelab: WARNING: deploy/ holds one bundle in " + files.size() + " files, "
                    + String.join(", ", files) + ": FileInstall installs one and deleting any of them uninstalls it; keep one");
            jars.removeAll(files);
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        Set<String> missing;
        do {
            missing = new LinkedHashSet<>(configs);
            missing.removeAll(configuredFiles());
            for (String jar : jars) {
                // started, not only installed: their services (probe handlers) are then registered
                if (!deployed(List.of(jar))) {
                    missing.add(jar);
                }
            }
            for (List<String> files : same) {
                if (!deployed(files)) {
                    missing.add(files.get(0));
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        } while (System.nanoTime() < deadline);
        err.println("kprobelab: WARNING: FileInstall has not applied " + missing + " after 5 s; starting anyway");
    }

    // One of these deploy/ files is a started bundle.
    private boolean deployed(List<String> files) {
        return Stream.of(context().getBundles()).anyMatch(b -> started(b)
                && files.stream().anyMatch(f -> b.getLocation().endsWith("/" + f)));
    }

    private static boolean started(Bundle b) {
        return b.getState() == Bundle.ACTIVE || b.getHeaders().get(Constants.FRAGMENT_HOST) != null;
    }

    private Set<String> files(String dir, String... suffixes) {
        Set<String> names = new LinkedHashSet<>();
        Path d = home.resolve(dir);
        if (!Files.isDirectory(d)) {
            return names;
        }
        try (Stream<Path> s = Files.list(d)) {
            s.map(p -> p.getFileName().toString())
                    .filter(n -> Stream.of(suffixes).anyMatch(n::endsWith))
                    .sorted().forEach(names::add);
        } catch (IOException e) {
            err.println("kprobelab: cannot list " + d + ": " + e.getMessage());
        }
        return names;
    }

    // The file names FileInstall recorded on configurations (felix.fileinstall.filename);
    // Configuration Admin's API lives in its bundle, hence reflection.
    private Set<String> configuredFiles() {
        Set<String> names = new LinkedHashSet<>();
        ServiceReference<?> ref = context().getServiceReference("org.osgi.service.cm.ConfigurationAdmin");
        if (ref == null) {
            return names;
        }
        Object ca = context().getService(ref);
        try {
            ClassLoader cl = ca.getClass().getClassLoader();
            Class<?> caType = cl.loadClass("org.osgi.service.cm.ConfigurationAdmin");
            Class<?> cfgType = cl.loadClass("org.osgi.service.cm.Configuration");
            Method list = caType.getMethod("listConfigurations", String.class);
            Method props = cfgType.getMethod("getProperties");
            Object[] cfgs = (Object[]) list.invoke(ca, "(felix.fileinstall.filename=*)");
            if (cfgs != null) {
                for (Object c : cfgs) {
                    Dictionary<?, ?> d = (Dictionary<?, ?>) props.invoke(c);
                    Object f = d == null ? null : d.get("felix.fileinstall.filename");
                    if (f != null) {
                        String s = f.toString();
                        names.add(s.substring(s.lastIndexOf('/') + 1));
                    }
                }
            }
        } catch (ReflectiveOperationException e) {
            err.println("kprobelab: cannot read configurations: " + e);
        } finally {
            context().ungetService(ref);
        }
        return names;
    }
}
