package io.kprobelab.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kprobelab.launcher.FeatureSet.BundleSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The feature files at the repository root, as the launcher reads them (from target/classes). */
class FeatureSetTest {

    private static List<String> artifacts(List<BundleSpec> specs) {
        return specs.stream().map(s -> s.id().getArtifactId()).toList();
    }

    @Test
    void testEveryFeatureBundleIsNestedInTheLauncher() throws Exception {
        // bundles() throws, naming the feature and the bundle, when one is missing.
        List<BundleSpec> all = FeatureSet.load().bundles(true);
        for (BundleSpec s : all) {
            assertTrue(FeatureSetTest.class.getResource("/" + s.resource()) != null, s.resource());
        }
        assertTrue(all.size() >= 14, artifacts(all).toString());
    }

    @Test
    void testScrComesWithItsThreeApiBundles_andStartsAfterThem() throws Exception {
        List<String> order = artifacts(FeatureSet.load().bundles(false));
        int scr = order.indexOf("org.apache.felix.scr");
        for (String api : List.of("org.osgi.service.component", "org.osgi.util.promise", "org.osgi.util.function")) {
            assertTrue(order.indexOf(api) >= 0 && order.indexOf(api) < scr, api + " in " + order);
        }
    }

    @Test
    void testConsoleOnlyWhenInteractive_andLast() throws Exception {
        List<String> exec = artifacts(FeatureSet.load().bundles(false));
        List<String> shell = artifacts(FeatureSet.load().bundles(true));
        assertTrue(!exec.contains("org.apache.felix.gogo.jline") && !exec.contains("jline")
                && !exec.contains("console"), exec.toString());
        assertEquals("console", shell.get(shell.size() - 1));
    }

    /** gogo.jline serves the console as a library: its own shell loop must never start. */
    @Test
    void testGogoJline_isALibrary_theConsoleIsNot() throws Exception {
        for (BundleSpec s : FeatureSet.load().bundles(true)) {
            String a = s.id().getArtifactId();
            assertEquals(a.equals("org.apache.felix.gogo.jline"), s.library(), a);
        }
    }

    @Test
    void testStartOrder_runtimeBeforeProjectBundles_shellCommandsLast() throws Exception {
        List<BundleSpec> specs = FeatureSet.load().bundles(false);
        for (int i = 1; i < specs.size(); i++) {
            assertTrue(specs.get(i - 1).startOrder() <= specs.get(i).startOrder(), specs.toString());
        }
        List<String> order = artifacts(specs);
        assertTrue(order.indexOf("org.apache.felix.fileinstall") < order.indexOf("machine"), order.toString());
        assertTrue(order.indexOf("machine") < order.indexOf("traps"), order.toString());
        // the kprobes core and its arch hook into the die chain the traps bundle runs
        assertTrue(order.indexOf("traps") < order.indexOf("kprobes"), order.toString());
        assertTrue(order.indexOf("traps") < order.indexOf("arch-x86_64"), order.toString());
        assertEquals("shell", order.get(order.size() - 1));
    }

    @Test
    void testRepositoryPath() throws Exception {
        var id = new org.apache.felix.feature.impl.FeatureServiceImpl().getIDfromMavenCoordinates(
                "org.apache.felix:org.apache.felix.scr:2.2.12");
        assertEquals("org/apache/felix/org.apache.felix.scr/2.2.12/org.apache.felix.scr-2.2.12.jar",
                FeatureSet.repositoryPath(id));
    }
}
