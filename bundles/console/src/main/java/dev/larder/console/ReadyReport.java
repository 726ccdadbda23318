package dev.larder.console;

import dev.larder.storage.StorageNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.servlet.runtime.HttpServiceRuntime;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs one "Larder ready" line, with where each endpoint listens, once storage, the admin HTTP server
 * and every endpoint that an active bundle announces in its {@value #ENDPOINT_HEADER} header are up
 * (an endpoint is a service with the {@value #ENDPOINT_PROPERTY} and {@value #ENDPOINT_URL_PROPERTY}
 * properties). If one of them is still missing 45 s after start, it logs
 * one "Larder started without ..." line saying which and why (the wait is the
 * framework property {@value #PATIENCE_PROPERTY}), so a start never just goes quiet.
 * {@code bin/larder --daemon} waits for either line.
 */
@Component(immediate = true)
public class ReadyReport {

    static final String WEB_CONSOLE_PATH = "system/console";
    static final String ENDPOINT_HEADER = "Larder-Endpoint";
    static final String ENDPOINT_PROPERTY = "larder.endpoint";
    static final String ENDPOINT_URL_PROPERTY = "larder.endpoint.url";
    static final String HTTP_PID = "org.apache.felix.http";
    static final String HTTP_PORT = "org.osgi.service.http.port";
    static final String HTTP_HOST = "org.apache.felix.http.host";
    /** Framework property: seconds to wait for storage and HTTP before reporting what is missing. */
    static final String PATIENCE_PROPERTY = "larder.ready.patience.seconds";
    private static final long PATIENCE_SECONDS = 45;
    private static final Logger LOG = LoggerFactory.getLogger("dev.larder");

    private final BundleContext context;
    private final ConfigurationAdmin configurationAdmin;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "larder-ready-report"));

    private volatile StorageNode storage;

    private volatile Map<String, Object> http;
    private final Map<String, String> endpoints = new ConcurrentSkipListMap<>();
    private ServiceTracker<Object, Object> endpointTracker;
    private boolean readyReported;
    private boolean problemsReported;

    private final ServiceComponentRuntime components;

    @Activate
    public ReadyReport(BundleContext context, @Reference ConfigurationAdmin configurationAdmin, @Reference ServiceComponentRuntime components) {
        this.context = context;
        this.configurationAdmin = configurationAdmin;
        this.components = components;
    }

    @Activate
    void activate() throws InvalidSyntaxException {
        endpointTracker = new ServiceTracker<>(context,
                context.createFilter("(" + ENDPOINT_PROPERTY + "=*)"), null) {
            @Override
            public Object addingService(ServiceReference<Object> reference) {
                endpoints.put(String.valueOf(reference.getProperty(ENDPOINT_PROPERTY)),
                        String.valueOf(reference.getProperty(ENDPOINT_URL_PROPERTY)));
                timer.execute(ReadyReport.this::reportIfReady);
                return reference;
            }

            @Override
            public void removedService(ServiceReference<Object> reference, Object service) {
                endpoints.remove(String.valueOf(reference.getProperty(ENDPOINT_PROPERTY)));
            }
        };
        endpointTracker.open();
        String patience = context.getProperty(PATIENCE_PROPERTY);
        timer.schedule(this::reportProblems, patience == null ? PATIENCE_SECONDS : Long.parseLong(patience.trim()), TimeUnit.SECONDS);
        // components come up one by one after their services; a last one (a command family) announces nothing
        timer.scheduleWithFixedDelay(this::reportIfReady, 100, 100, TimeUnit.MILLISECONDS);
        reportIfReady();
    }

    @Deactivate
    void deactivate() {
        endpointTracker.close();
        timer.shutdownNow();
    }

    /**
     * Components of Larder's bundles (those with a Larder-Product header) that are enabled but not yet
     * satisfied or active: until they are, some command or page of the server is not there yet.
     */
    private List<String> pendingComponents() {
        List<String> pending = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getState() != Bundle.ACTIVE || bundle.getHeaders("").get("Larder-Product") == null) {
                continue;
            }
            for (ComponentDescriptionDTO description : components.getComponentDescriptionDTOs(bundle)) {
                if (!components.isComponentEnabled(description)) {
                    continue;
                }
                var configurations = components.getComponentConfigurationDTOs(description);
                boolean up = !configurations.isEmpty() && configurations.stream().allMatch(c -> c.state == ComponentConfigurationDTO.ACTIVE
                        || c.state == ComponentConfigurationDTO.SATISFIED);
                if (!up) {
                    pending.add(description.name);
                }
            }
        }
        return pending;
    }

    /** Endpoints that active bundles announce and that are not listening yet. */
    private List<String> missingEndpoints() {
        List<String> missing = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            String announced = bundle.getHeaders("").get(ENDPOINT_HEADER);
            if (announced != null && bundle.getState() == Bundle.ACTIVE && !endpoints.containsKey(announced)) {
                missing.add(announced);
            }
        }
        return missing;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindStorage(StorageNode node) {
        storage = node;
        timer.execute(this::reportIfReady);
    }

    void unbindStorage(StorageNode node) {
        if (storage == node) {
            storage = null;
        }
    }

    @Reference(service = HttpServiceRuntime.class, cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindHttp(Map<String, Object> properties) {
        http = properties;
        timer.execute(this::reportIfReady);
    }

    void unbindHttp(Map<String, Object> properties) {
        http = null;
    }

    private synchronized void reportIfReady() {
        StorageNode node = storage;
        Map<String, Object> httpRuntime = http;
        if (readyReported || node == null || httpRuntime == null || !missingEndpoints().isEmpty() || !pendingComponents().isEmpty()) {
            return;
        }
        readyReported = true;
        long startedMillis = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        StringBuilder listening = new StringBuilder();
        endpoints.forEach((name, url) -> listening.append(name).append(": ").append(url).append(". "));
        LOG.info("Larder ready in {} ms. {}Web console: {}. Storage node {}: {} server node(s), {}",
                startedMillis, listening, webConsoleUrls(httpRuntime.get("osgi.http.endpoint")), node.nodeId(), node.clusterSize(),
                node.dataDirectory() == null ? "memory only" : "data in " + node.dataDirectory());
    }

    private synchronized void reportProblems() {
        if (readyReported || problemsReported) {
            return;
        }
        problemsReported = true;
        List<String> missing = new ArrayList<>();
        if (storage == null) {
            missing.add("the storage node (see the log line above)");
        }
        if (http == null) {
            missing.add("the web console (" + whyHttpIsDown() + ")");
        }
        missingEndpoints().forEach(endpoint -> missing.add("the " + endpoint + " endpoint (see the log line above)"));
        if (missing.isEmpty()) {
            missing.add("the components " + String.join(", ", pendingComponents()) + " (see the log lines above)");
        }
        LOG.error("Larder started without {}; it keeps running and picks the fix up from config/",
                String.join(" and ", missing));
    }

    private String whyHttpIsDown() {
        String port = httpSetting(HTTP_PORT, "8080");
        String host = httpSetting(HTTP_HOST, "0.0.0.0");
        try (ServerSocket probe = new ServerSocket(Integer.parseInt(port.trim()), 1, InetAddress.getByName(host))) {
            return "the admin HTTP server did not start; see the log lines of org.apache.felix.http";
        } catch (NumberFormatException e) {
            return "invalid setting '" + HTTP_PORT + "' in " + HTTP_PID + ": not a port number: '" + port + "'";
        } catch (IOException e) {
            return "invalid setting '" + HTTP_PORT + "' in " + HTTP_PID + ": port " + port + " on " + host + " is in use";
        }
    }

    /** The admin HTTP server's setting: Config Admin first, then the framework property it started with. */
    private String httpSetting(String key, String fallback) {
        try {
            Configuration[] found = configurationAdmin.listConfigurations("(service.pid=" + HTTP_PID + ")");
            Dictionary<String, Object> properties = found == null ? null : found[0].getProperties();
            if (properties != null && properties.get(key) != null) {
                return String.valueOf(properties.get(key));
            }
        } catch (Exception e) {
            // fall back to the framework property
        }
        String framework = context.getProperty(key);
        return framework == null ? fallback : framework;
    }

    private static String webConsoleUrls(Object endpoints) {
        String[] urls = endpoints instanceof String[] array ? array : new String[] {String.valueOf(endpoints)};
        StringBuilder out = new StringBuilder();
        for (String url : urls) {
            if (out.length() > 0) {
                out.append(", ");
            }
            out.append(url.endsWith("/") ? url : url + "/").append(WEB_CONSOLE_PATH);
        }
        return out.toString();
    }
}
