package io.kprobelab.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.apache.felix.feature.impl.FeatureServiceImpl;
import org.osgi.service.feature.Feature;
import org.osgi.service.feature.FeatureBundle;
import org.osgi.service.feature.FeatureService;
import org.osgi.service.feature.ID;

/**
 * The OSGi Feature descriptors carried in the launcher jar under {@code features/}, and the
 * bundles they name, each mapped to its nested jar under {@code bundles/} (Maven repository
 * layout, so one feature bundle ID names exactly one path).
 */
final class FeatureSet {

    /** Feature category of the interactive console (provisioned only for a shell session). */
    static final String CONSOLE = "console";

    /** Bundle metadata key ordering the start: lower first (as Sling's launcher reads it). */
    static final String START_ORDER = "start-order";

    /** Bundle metadata key: {@code true} installs the bundle for its packages only, never starting it. */
    static final String LIBRARY = "library";

    /**
     * One bundle to install: where it comes from and when it starts ({@code library}: it is not
     * started, other bundles only wire to its packages).
     */
    record BundleSpec(ID id, String resource, int startOrder, String feature, boolean console, boolean library) {

        String location() {
            return "feature:" + id;
        }
    }

    private final List<Feature> features;

    private FeatureSet(List<Feature> features) {
        this.features = features;
    }

    List<Feature> features() {
        return features;
    }

    /** Reads every {@code features/*.json} of the launcher jar, in name order. */
    static FeatureSet load() throws IOException {
        FeatureService service = new FeatureServiceImpl();
        List<Feature> list = new ArrayList<>();
        for (String name : featureResources()) {
            try (InputStream in = FeatureSet.class.getResourceAsStream("/" + name)) {
                if (in == null) {
                    throw new IOException("missing " + name);
                }
                try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                    list.add(service.readFeature(r));
                } catch (RuntimeException e) {
                    throw new IOException(name + ": not a valid feature: " + e.getMessage(), e);
                }
            }
        }
        return new FeatureSet(list);
    }

    /**
     * The bundles to install, in start order (stable: features in name order, bundles in the
     * order each feature lists them). Console features only when {@code console} is true.
     */
    List<BundleSpec> bundles(boolean console) throws IOException {
        List<BundleSpec> out = new ArrayList<>();
        for (Feature f : features) {
            boolean isConsole = f.getCategories().contains(CONSOLE);
            if (!console && isConsole) {
                continue;
            }
            for (FeatureBundle b : f.getBundles()) {
                String resource = "bundles/" + repositoryPath(b.getID());
                if (FeatureSet.class.getResource("/" + resource) == null) {
                    throw new IOException("feature " + f.getID() + " names bundle " + b.getID()
                            + ", which is not in the launcher jar (" + resource + "): add it to launcher/pom.xml");
                }
                out.add(new BundleSpec(b.getID(), resource, startOrder(b), f.getID().toString(), isConsole,
                        Boolean.parseBoolean(String.valueOf(b.getMetadata().get(LIBRARY)))));
            }
        }
        out.sort(Comparator.comparingInt(BundleSpec::startOrder));
        return out;
    }

    /** {@code org/apache/felix/org.apache.felix.scr/2.2.12/org.apache.felix.scr-2.2.12.jar}. */
    static String repositoryPath(ID id) {
        String file = id.getArtifactId() + "-" + id.getVersion()
                + id.getClassifier().map(c -> "-" + c).orElse("") + "." + id.getType().orElse("jar");
        return id.getGroupId().replace('.', '/') + "/" + id.getArtifactId() + "/" + id.getVersion() + "/" + file;
    }

    private static int startOrder(FeatureBundle b) {
        Object o = b.getMetadata().get(START_ORDER);
        if (o instanceof Number n) {
            return n.intValue();
        }
        if (o != null) {
            try {
                return Integer.parseInt(o.toString().trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(b.getID() + ": bad start-order " + o);
            }
        }
        return Integer.MAX_VALUE / 2;
    }

    // The names of features/*.json inside the running jar (or classes directory, in a build).
    private static List<String> featureResources() throws IOException {
        URL where = FeatureSet.class.getProtectionDomain().getCodeSource().getLocation();
        Path p;
        try {
            p = Path.of(where.toURI());
        } catch (URISyntaxException e) {
            throw new IOException("cannot locate the launcher jar: " + where, e);
        }
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(p)) {
            Path dir = p.resolve("features");
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    s.map(f -> "features/" + f.getFileName()).filter(n -> n.endsWith(".json")).forEach(names::add);
                }
            }
        } else {
            try (JarFile jar = new JarFile(p.toFile())) {
                jar.stream().map(JarEntry::getName)
                        .filter(n -> n.startsWith("features/") && n.endsWith(".json") && n.indexOf('/', 9) < 0)
                        .forEach(names::add);
            }
        }
        String[] sorted = names.toArray(String[]::new);
        Arrays.sort(sorted);
        if (sorted.length == 0) {
            throw new IOException("no features/*.json in " + p);
        }
        return List.of(sorted);
    }
}
