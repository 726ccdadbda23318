package dev.larder.storage.ignite;

import dev.larder.settings.InvalidSettingException;
import dev.larder.settings.SettingsCheck;
import dev.larder.storage.StorageNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.ignite.Ignite;
import org.apache.ignite.Ignition;
import org.apache.ignite.cluster.ClusterState;
import org.apache.ignite.configuration.DataRegionConfiguration;
import org.apache.ignite.configuration.PageReplacementMode;
import org.apache.ignite.configuration.DataStorageConfiguration;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.configuration.WALMode;
import org.apache.ignite.failure.StopNodeFailureHandler;
import org.apache.ignite.logger.slf4j.Slf4jLogger;
import org.apache.ignite.spi.communication.tcp.TcpCommunicationSpi;
import org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi;
import org.apache.ignite.spi.discovery.tcp.ipfinder.vm.TcpDiscoveryVmIpFinder;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the embedded Ignite server node from the {@value StorageSettings#PID} settings and registers
 * {@link StorageNode} once the cluster is active. Start runs off the SCR thread (it takes seconds), so
 * the rest of the server comes up meanwhile. A setting the node cannot run with is reported in one log
 * line naming it, and the node stays down until the configuration changes.
 */
@Component(configurationPid = StorageSettings.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = StorageSettings.class)
public class StorageNodeComponent {

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.storage");
    private static final long MIB = 1024L * 1024L;

    private final ExecutorService lifecycle = Executors.newSingleThreadExecutor(r -> new Thread(r, "larder-storage-lifecycle"));
    private volatile boolean stopping;
    private Ignite ignite;
    private ServiceRegistration<StorageNode> registration;

    @Activate
    void activate(BundleContext context, StorageSettings settings, Map<String, Object> properties) {
        lifecycle.execute(() -> start(context, settings, properties));
    }

    @Deactivate
    void deactivate() throws Exception {
        stopping = true;
        lifecycle.submit(this::stop).get(2, TimeUnit.MINUTES);
        lifecycle.shutdown();
    }

    private void start(BundleContext context, StorageSettings settings, Map<String, Object> properties) {
        long began = System.nanoTime();
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(getClass().getClassLoader());
        try {
            SettingsCheck.check(StorageSettings.PID, StorageSettings.class, properties);
            checkRanges(settings);
            // Ignite keeps marshaller and binary metadata in its work directory even without persistence.
            Path workDirectory = writableDataDirectory(context, settings);
            Path dataDirectory = settings.persistence() ? workDirectory : null;
            checkPortFree(settings.localAddress(), settings.discoveryPort(), settings.discoveryPortRange(), "discoveryPort");
            checkPortFree(settings.localAddress(), settings.communicationPort(), settings.communicationPortRange(), "communicationPort");

            ignite = Ignition.start(configuration(settings, workDirectory));
            awaitActive(settings);
            IgniteStorageNode node = new IgniteStorageNode(ignite, dataDirectory, settings.backups(), settings.partitions());
            LOG.info("Storage node {} started in {} ms: {} server node(s), {}", node.nodeId(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began), node.clusterSize(),
                    dataDirectory == null ? "memory only" : "data in " + dataDirectory);
            Hashtable<String, Object> serviceProperties = new Hashtable<>();
            serviceProperties.put("larder.node.id", node.nodeId());
            registration = context.registerService(StorageNode.class, node, serviceProperties);
        } catch (InvalidSettingException e) {
            LOG.error("Storage node not started: {}", e.getMessage());
        } catch (Exception e) {
            LOG.error("Storage node not started: {}", rootMessage(e));
            LOG.debug("Storage node start failure", e);
            closeIgnite();
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    private void stop() {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
        closeIgnite();
    }

    private void closeIgnite() {
        if (ignite != null) {
            String name = ignite.name();
            ignite.close();
            ignite = null;
            LOG.info("Storage node {} stopped", name);
        }
    }

    private IgniteConfiguration configuration(StorageSettings settings, Path workDirectory) {
        TcpDiscoveryVmIpFinder ipFinder = new TcpDiscoveryVmIpFinder();
        ipFinder.setAddresses(Arrays.asList(settings.discoveryAddresses()));
        TcpDiscoverySpi discovery = new TcpDiscoverySpi()
                .setIpFinder(ipFinder)
                .setLocalAddress(settings.localAddress())
                .setLocalPort(settings.discoveryPort())
                .setLocalPortRange(settings.discoveryPortRange())
                .setJoinTimeout(TimeUnit.SECONDS.toMillis(settings.joinTimeoutSeconds()));
        TcpCommunicationSpi communication = new TcpCommunicationSpi()
                .setLocalAddress(settings.localAddress())
                .setLocalPort(settings.communicationPort())
                .setLocalPortRange(settings.communicationPortRange())
                // bounded queues: a slow peer must not exhaust this node's heap
                .setMessageQueueLimit(1024);

        long regionBytes = regionMb(settings) * MIB;
        DataRegionConfiguration region = new DataRegionConfiguration()
                .setName(IgniteStorageNode.DATA_REGION)
                .setPersistenceEnabled(settings.persistence())
                .setInitialSize(Math.min(64 * MIB, regionBytes))
                .setMaxSize(regionBytes)
                // with persistence the region is a cache of pages: SEGMENTED_LRU keeps hot pages through a scan
                .setPageReplacementMode(PageReplacementMode.SEGMENTED_LRU)
                .setMetricsEnabled(true);
        DataStorageConfiguration storage = new DataStorageConfiguration()
                .setDefaultDataRegionConfiguration(region)
                .setWalMode(WALMode.valueOf(settings.walMode().name()))
                .setWalSegments(settings.walSegments())
                .setWalSegmentSize((int) (settings.walSegmentSizeMb() * MIB));

        return new IgniteConfiguration()
                .setIgniteInstanceName(settings.nodeName())
                .setConsistentId(settings.nodeName())
                .setClassLoader(getClass().getClassLoader())
                .setGridLogger(new Slf4jLogger(LoggerFactory.getLogger("org.apache.ignite")))
                .setMetricsLogFrequency(0)
                .setFailureHandler(new StopNodeFailureHandler())
                .setDiscoverySpi(discovery)
                .setCommunicationSpi(communication)
                .setDataStorageConfiguration(storage)
                .setPeerClassLoadingEnabled(false)
                // Larder's own protocols are the only way in: no Ignite thin-client or REST ports.
                .setClientConnectorConfiguration(null)
                .setConnectorConfiguration(null)
                .setWorkDirectory(workDirectory.toString());
    }

    /** The data region's size: the page cache with persistence, all the data without. */
    static long regionMb(StorageSettings settings) {
        return settings.persistence() ? settings.pageCacheMb() : settings.memoryMaxMb();
    }

    /** A new persistent cluster starts inactive; activate it when no baseline exists yet, else wait for the baseline. */
    private void awaitActive(StorageSettings settings) throws InterruptedException {
        if (!ignite.cluster().state().active() && ignite.cluster().currentBaselineTopology() == null) {
            ignite.cluster().state(ClusterState.ACTIVE);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.joinTimeoutSeconds());
        while (!ignite.cluster().state().active()) {
            if (stopping || System.nanoTime() > deadline) {
                throw new IllegalStateException("cluster did not become active within " + settings.joinTimeoutSeconds()
                        + " s; baseline nodes missing (setting discoveryAddresses)");
            }
            Thread.sleep(200);
        }
    }

    private static void checkRanges(StorageSettings settings) throws InvalidSettingException {
        requireRange("discoveryPort", settings.discoveryPort(), 1, 65535);
        requireRange("discoveryPortRange", settings.discoveryPortRange(), 0, 1000);
        requireRange("communicationPort", settings.communicationPort(), 1, 65535);
        requireRange("communicationPortRange", settings.communicationPortRange(), 0, 1000);
        requireRange("backups", settings.backups(), 0, 16);
        requireRange("partitions", settings.partitions(), 1, 65000);
        requireRange("walSegments", settings.walSegments(), 2, 1000);
        requireRange("walSegmentSizeMb", settings.walSegmentSizeMb(), 1, 2047);
        requireRange("memoryMaxMb", settings.memoryMaxMb(), 32, 1L << 30);
        requireRange("pageCacheMb", settings.pageCacheMb(), 32, 1L << 30);
        requireRange("joinTimeoutSeconds", settings.joinTimeoutSeconds(), 1, 3600);
        if (settings.nodeName().isBlank()) {
            throw new InvalidSettingException(StorageSettings.PID, "nodeName", "must not be empty");
        }
        if (settings.discoveryAddresses().length == 0) {
            throw new InvalidSettingException(StorageSettings.PID, "discoveryAddresses", "needs at least one address");
        }
    }

    private static void requireRange(String setting, long value, long min, long max) throws InvalidSettingException {
        if (value < min || value > max) {
            throw new InvalidSettingException(StorageSettings.PID, setting, "must be between " + min + " and " + max + ", got " + value);
        }
    }

    private static Path writableDataDirectory(BundleContext context, StorageSettings settings) throws InvalidSettingException {
        Path directory;
        if (!settings.dataDir().isBlank()) {
            directory = Paths.get(settings.dataDir());
        } else {
            String serverData = context.getProperty("larder.data");
            directory = serverData == null ? Paths.get("data", "ignite") : Paths.get(serverData, "ignite");
        }
        directory = directory.toAbsolutePath().normalize();
        try {
            Files.createDirectories(directory);
            Files.deleteIfExists(Files.createTempFile(directory, ".write-check", ""));
        } catch (IOException | SecurityException e) {
            throw new InvalidSettingException(StorageSettings.PID, "dataDir",
                    "directory " + directory + " is not writable (" + rootMessage(e) + ")");
        }
        return directory;
    }

    private static void checkPortFree(String address, int firstPort, int range, String setting) throws InvalidSettingException {
        InetAddress bindAddress;
        try {
            bindAddress = InetAddress.getByName(address);
        } catch (IOException e) {
            throw new InvalidSettingException(StorageSettings.PID, "localAddress", "cannot resolve '" + address + "'");
        }
        for (int port = firstPort; port <= firstPort + range; port++) {
            try (ServerSocket probe = new ServerSocket(port, 1, bindAddress)) {
                return;
            } catch (IOException inUse) {
                // try the next port of the range
            }
        }
        throw new InvalidSettingException(StorageSettings.PID, setting,
                "every port of " + firstPort + ".." + (firstPort + range) + " on " + address + " is in use");
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message;
    }
}
