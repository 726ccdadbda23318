package dev.larder.console;

import dev.larder.storage.StorageNode;
import dev.larder.storage.StorageUsage;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/** {@code larder:info}: what runs here and how it is doing. */
@Component(service = InfoCommand.class, property = {
        "osgi.command.scope=larder",
        "osgi.command.function=info"})
public class InfoCommand {

    private final BundleContext context;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile StorageNode storage;

    @Activate
    public InfoCommand(BundleContext context) {
        this.context = context;
    }

    public String info() {
        StringBuilder out = new StringBuilder();
        line(out, "Larder", context.getBundle().getVersion().toString());
        line(out, "Uptime", Sizes.duration(Duration.ofMillis(ManagementFactory.getRuntimeMXBean().getUptime())));
        StorageNode node = storage;
        if (node == null) {
            line(out, "Node", "storage node not running (see the log)");
        } else {
            StorageUsage usage = node.usage();
            line(out, "Node", node.nodeId());
            line(out, "Cluster", node.clusterSize() + " server node(s)");
            line(out, "Storage", node.dataDirectory() == null
                    ? "memory only, " + Sizes.bytes(usage.memoryBytes()) + " of at most " + Sizes.bytes(usage.memoryLimitBytes()) + " in memory"
                    : Sizes.bytes(usage.diskBytes()) + " on disk in " + node.dataDirectory()
                            + ", page cache " + Sizes.bytes(usage.memoryBytes()) + " of " + Sizes.bytes(usage.memoryLimitBytes()));
            line(out, "Tables", String.join(", ", node.tables()));
        }
        out.append("Bundles\n");
        for (Map.Entry<String, List<Bundle>> product : LarderBundles.byProduct(context).entrySet()) {
            out.append(String.format("  %-10s %s%n", product.getKey(), describe(product.getKey(), product.getValue())));
        }
        return out.toString();
    }

    private static String describe(String product, List<Bundle> bundles) {
        if (LarderBundles.RUNTIME.equals(product)) {
            // The OSGi runtime and libraries: a count per state is enough.
            return bundles.size() + " bundles: " + bundles.stream()
                    .collect(Collectors.groupingBy(b -> LarderBundles.stateName(b.getState()), java.util.TreeMap::new, Collectors.counting()))
                    .entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
        }
        return bundles.stream()
                .map(b -> b.getSymbolicName() + " " + b.getVersion() + " " + LarderBundles.stateName(b.getState()))
                .collect(Collectors.joining(", "));
    }

    private static void line(StringBuilder out, String label, String value) {
        out.append(String.format("%-9s %s%n", label, value));
    }
}
