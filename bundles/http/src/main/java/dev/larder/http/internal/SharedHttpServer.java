package dev.larder.http.internal;

import dev.larder.http.HttpProduct;
import dev.larder.http.HttpServer;
import dev.larder.settings.InvalidSettingException;
import dev.larder.settings.OpenFiles;
import dev.larder.settings.SettingsCheck;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Jetty server of every product's HTTP API. It listens, then registers {@link HttpServer}; products
 * come and go as {@link HttpProduct} services while it runs, so one product's bundle stops alone.
 */
@Component(configurationPid = HttpSettings.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true, service = {})
@Designate(ocd = HttpSettings.class)
public class SharedHttpServer {

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.http");

    private final ProductRouter router = new ProductRouter();
    private Server server;
    private ServiceRegistration<HttpServer> registration;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addProduct(HttpProduct product) {
        router.add(product);
    }

    void removeProduct(HttpProduct product) {
        router.remove(product);
    }

    @Activate
    void activate(BundleContext context, HttpSettings settings, Map<String, Object> properties) {
        try {
            SettingsCheck.check(HttpSettings.PID, HttpSettings.class, properties);
            check(settings);
            start(settings);
            String host = settings.bindAddress().equals("0.0.0.0") ? "127.0.0.1" : settings.bindAddress();
            String baseUrl = "http://" + host + ":" + settings.port();
            registration = context.registerService(HttpServer.class, () -> baseUrl, null);
        } catch (InvalidSettingException e) {
            LOG.error("HTTP server not started: {}", e.getMessage());
        }
    }

    private static void check(HttpSettings settings) throws InvalidSettingException {
        if (settings.port() < 1 || settings.port() > 65535) {
            throw new InvalidSettingException(HttpSettings.PID, "port", "must be between 1 and 65535, got " + settings.port());
        }
        if (settings.idleTimeoutSeconds() < 1) {
            throw new InvalidSettingException(HttpSettings.PID, "idleTimeoutSeconds", "must be at least 1, got " + settings.idleTimeoutSeconds());
        }
        if (settings.maxThreads() < 0 || settings.maxThreads() > 0 && settings.maxThreads() < 4) {
            throw new InvalidSettingException(HttpSettings.PID, "maxThreads", "must be 0 (automatic) or at least 4, got " + settings.maxThreads());
        }
        if (settings.maxConnections() < 1) {
            throw new InvalidSettingException(HttpSettings.PID, "maxConnections", "must be at least 1, got " + settings.maxConnections());
        }
    }

    private void start(HttpSettings settings) throws InvalidSettingException {
        int threads = settings.maxThreads() > 0 ? settings.maxThreads() : Math.max(16, 8 * Runtime.getRuntime().availableProcessors());
        QueuedThreadPool pool = new QueuedThreadPool(threads, Math.min(8, threads));
        pool.setName("larder-http");
        server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(false);
        // path segments are percent-decoded by each API itself: %2F is a slash inside a Redis argument or an id
        http.setUriCompliance(UriCompliance.UNSAFE);
        // one selector per processor: requests run on the selector thread that read them (handlers never
        // block), as RESP commands run on their event loop, so each processor serves its share of connections
        int selectors = Runtime.getRuntime().availableProcessors();
        ServerConnector connector = new ServerConnector(server, 1, selectors, new HttpConnectionFactory(http));
        connector.setHost(settings.bindAddress());
        connector.setPort(settings.port());
        connector.setIdleTimeout(TimeUnit.SECONDS.toMillis(settings.idleTimeoutSeconds()));
        connector.setAcceptQueueSize(511);
        server.addConnector(connector);
        int maxConnections = (int) Math.min(settings.maxConnections(), OpenFiles.connectionsPerListener());
        // past the bound Jetty stops accepting until a connection closes; the rest wait in the listen backlog
        server.addBean(new NetworkConnectionLimit(maxConnections, connector));
        server.setHandler(router);
        server.setErrorHandler(new ProductErrorHandler(router));
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // Jetty finds its HTTP field encoders through ServiceLoader, which looks in the context class loader
        thread.setContextClassLoader(SharedHttpServer.class.getClassLoader());
        try {
            server.start();
        } catch (Exception e) {
            stopServer();
            throw new InvalidSettingException(HttpSettings.PID, "port",
                    "cannot listen on " + settings.bindAddress() + ":" + settings.port() + " (" + e.getMessage() + ")");
        } finally {
            thread.setContextClassLoader(previous);
        }
        LOG.info("HTTP listening on http://{}:{} ({} threads, {} connections at most{})", settings.bindAddress(), settings.port(), threads,
                maxConnections, maxConnections < settings.maxConnections() ? ": a quarter of the process's open-files limit" : "");
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            registration.unregister();
        }
        stopServer();
    }

    private void stopServer() {
        if (server != null) {
            try {
                server.stop();
            } catch (Exception e) {
                LOG.warn("Stopping the HTTP server failed", e);
            }
            server = null;
        }
    }
}
