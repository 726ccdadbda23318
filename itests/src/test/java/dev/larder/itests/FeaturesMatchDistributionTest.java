package dev.larder.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.Test;

/** The distribution ships exactly the bundles that features/larder.bndrun resolves to. */
public class FeaturesMatchDistributionTest {

    private static final Path DISTRIBUTION = Paths.get(System.getProperty("larder.distribution", "../distribution/target/larder"));
    /** One -runbundles entry: name;version='[low,high)' (the range holds a comma). */
    private static final Pattern RUN_BUNDLE = Pattern.compile("([^\\s,;]+);version='[^']*'");
    private static final Path SERVER_FEATURE = Paths.get("..", "features", "larder.bndrun");

    @Test
    public void bundleFolderHoldsTheResolvedServerFeature() throws IOException {
        Properties bndrun = new Properties();
        try (InputStream in = Files.newInputStream(SERVER_FEATURE)) {
            bndrun.load(in);
        }
        Set<String> resolved = new TreeSet<>();
        Matcher entry = RUN_BUNDLE.matcher(bndrun.getProperty("-runbundles", ""));
        while (entry.find()) {
            resolved.add(entry.group(1));
        }
        assertFalse("larder.bndrun has been resolved", resolved.isEmpty());

        Set<String> shipped = new TreeSet<>();
        try (Stream<Path> jars = Files.list(DISTRIBUTION.resolve("bundle"))) {
            for (Path jar : (Iterable<Path>) jars::iterator) {
                try (JarFile file = new JarFile(jar.toFile())) {
                    shipped.add(file.getManifest().getMainAttributes().getValue("Bundle-SymbolicName").split(";")[0].trim());
                }
            }
        }
        assertEquals(resolved, shipped);
    }
}
