package dev.larder.itests;

import static org.junit.Assert.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;

/** deploy/ and config/ are watched while the server runs. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DeployFolderIT {

    private static final String NAME = "deploy-folder-it";
    private static final String DROP_IN = "dev.larder.itest.dropin";

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Configuration
    public Option[] config() {
        return LarderRuntime.options(NAME, 48300, Map.of("persistence", "false"));
    }

    @Test
    public void bundleDroppedIntoDeployIsStartedAndRemovingItUninstallsIt() throws Exception {
        Path deploy = LarderRuntime.home(NAME).resolve("deploy");
        Path staged = Files.createTempFile(LarderRuntime.home(NAME), "dropin", ".tmp");
        writeBundle(staged);
        Path dropped = deploy.resolve("dropin.jar");
        Files.move(staged, dropped, StandardCopyOption.ATOMIC_MOVE);

        LarderRuntime.await("the dropped bundle to be active", 20_000,
                () -> bundle(DROP_IN).map(b -> b.getState() == Bundle.ACTIVE).orElse(false));
        assertEquals("1.0.0", bundle(DROP_IN).orElseThrow().getVersion().toString());

        Files.delete(dropped);
        LarderRuntime.await("the removed bundle to be uninstalled", 20_000, () -> bundle(DROP_IN).isEmpty());
    }

    @Test
    public void cfgFileDroppedIntoConfigReachesConfigAdmin() throws Exception {
        Properties settings = new Properties();
        settings.setProperty("greeting", "hello");
        LarderRuntime.writeCfg(LarderRuntime.home(NAME).resolve("config").resolve("dev.larder.itest.sample.cfg"), settings);

        LarderRuntime.await("the configuration to appear", 20_000, () -> "hello".equals(property("dev.larder.itest.sample", "greeting")));
    }

    private Object property(String pid, String key) {
        try {
            org.osgi.service.cm.Configuration[] found = configurationAdmin.listConfigurations("(service.pid=" + pid + ")");
            Dictionary<String, Object> properties = found == null ? null : found[0].getProperties();
            return properties == null ? null : properties.get(key);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private Optional<Bundle> bundle(String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst();
    }

    private static void writeBundle(Path jar) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", DROP_IN);
        main.putValue("Bundle-Version", "1.0.0");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(out, manifest)) {
            // a manifest is all an installable bundle needs
        }
    }
}
