package io.kprobelab.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * The jars of {@code deploy/} grouped by the bundle they are (symbolic name and version). Two
 * files of one bundle make FileInstall install one and "update" it with the other, and deleting
 * either then uninstalls the bundle although the other file is still there: the launcher says
 * so at start instead of leaving users to find out.
 */
final class DeployFolder {

    private DeployFolder() {
    }

    /** File names by {@code BSN VERSION}, in name order; jars that are not bundles are left out. */
    static Map<String, List<String>> bundles(Path deploy) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (!Files.isDirectory(deploy)) {
            return out;
        }
        try (Stream<Path> s = Files.list(deploy)) {
            for (Path jar : s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                String id = identity(jar);
                if (id != null) {
                    out.computeIfAbsent(id, k -> new ArrayList<>()).add(jar.getFileName().toString());
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /** The groups of more than one file. */
    static Map<String, List<String>> duplicates(Path deploy) {
        Map<String, List<String>> d = new LinkedHashMap<>(bundles(deploy));
        d.values().removeIf(files -> files.size() < 2);
        return d;
    }

    private static String identity(Path jar) {
        try (JarFile f = new JarFile(jar.toFile())) {
            Manifest m = f.getManifest();
            if (m == null) {
                return null;
            }
            Attributes a = m.getMainAttributes();
            String bsn = a.getValue("Bundle-SymbolicName");
            if (bsn == null) {
                return null;
            }
            int semi = bsn.indexOf(';');
            String version = a.getValue("Bundle-Version");
            return (semi < 0 ? bsn : bsn.substring(0, semi)).trim() + " " + (version == null ? "0.0.0" : version.trim());
        } catch (IOException e) {
            return null; // half-copied or not a jar: FileInstall will say
        }
    }
}
