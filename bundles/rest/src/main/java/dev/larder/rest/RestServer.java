package dev.larder.rest;

import dev.larder.databases.Databases;
import dev.larder.redis.engine.CommandEngine;
import dev.larder.settings.InvalidSettingException;
import dev.larder.settings.SettingsCheck;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
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
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Serves Upstash's Redis REST API on its own Jetty server and port. */
@Component(configurationPid = RestSettings.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = RestSettings.class)
public class RestServer {

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.rest");

    private final CommandEngine engine;
    private final Databases databases;
    private Server server;
    private RestHandler handler;
    private ScheduledExecutorService heartbeats;
    private ServiceRegistration<RestServer> endpoint;

    @Activate
    public RestServer(@Reference CommandEngine engine, @Reference Databases databases) {
        this.engine = engine;
        this.databases = databases;
    }

    @Activate
    void activate(BundleContext context, RestSettings settings, Map<String, Object> properties) {
        try {
            SettingsCheck.check(RestSettings.PID, RestSettings.class, properties);
            check(settings);
            start(settings);
            Hashtable<String, Object> announcement = new Hashtable<>();
            announcement.put("larder.endpoint", "rest");
            announcement.put("larder.endpoint.url", "http://" + settings.bindAddress() + ":" + settings.port()
                    + RestHandler.normalizedPrefix(settings.pathPrefix()));
            endpoint = context.registerService(RestServer.class, this, announcement);
        } catch (InvalidSettingException e) {
            LOG.error("REST API not started: {}", e.getMessage());
        }
    }

    private static void check(RestSettings settings) throws InvalidSettingException {
        if (settings.port() < 1 || settings.port() > 65535) {
            throw new InvalidSettingException(RestSettings.PID, "port", "must be between 1 and 65535, got " + settings.port());
        }
        positive("maxRequestBytes", settings.maxRequestBytes());
        positive("maxKeyBytes", settings.maxKeyBytes());
        positive("maxValueBytes", settings.maxValueBytes());
        positive("maxPipelineCommands", settings.maxPipelineCommands());
        positive("heartbeatSeconds", settings.heartbeatSeconds());
        positive("idleTimeoutSeconds", settings.idleTimeoutSeconds());
        if (settings.maxThreads() < 0 || settings.maxThreads() > 0 && settings.maxThreads() < 4) {
            throw new InvalidSettingException(RestSettings.PID, "maxThreads", "must be 0 (automatic) or at least 4, got " + settings.maxThreads());
        }
        if (settings.pathPrefix().contains("?") || settings.pathPrefix().contains("#")) {
            throw new InvalidSettingException(RestSettings.PID, "pathPrefix", "must be a path such as /redis, got '" + settings.pathPrefix() + "'");
        }
    }

    private static void positive(String name, int value) throws InvalidSettingException {
        if (value < 1) {
            throw new InvalidSettingException(RestSettings.PID, name, "must be at least 1, got " + value);
        }
    }

    private void start(RestSettings settings) throws InvalidSettingException {
        int threads = settings.maxThreads() > 0 ? settings.maxThreads() : Math.max(16, 8 * Runtime.getRuntime().availableProcessors());
        QueuedThreadPool pool = new QueuedThreadPool(threads, Math.min(8, threads));
        pool.setName("larder-rest");
        server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(false);
        // arguments are percent-decoded per segment by the API itself: %2F is a slash inside an argument
        http.setUriCompliance(UriCompliance.UNSAFE);
        // one selector per processor: requests run on the selector thread that read them (the handler never
        // blocks), as RESP commands run on their event loop, so each processor serves its share of connections
        int selectors = Runtime.getRuntime().availableProcessors();
        ServerConnector connector = new ServerConnector(server, 1, selectors, new HttpConnectionFactory(http));
        connector.setHost(settings.bindAddress());
        connector.setPort(settings.port());
        connector.setIdleTimeout(TimeUnit.SECONDS.toMillis(settings.idleTimeoutSeconds()));
        connector.setAcceptQueueSize(511);
        server.addConnector(connector);
        handler = new RestHandler(engine, databases, settings, pool);
        server.setHandler(handler);
        server.setErrorHandler(new JsonErrorHandler());
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // Jetty finds its HTTP field encoders through ServiceLoader, which looks in the context class loader
        thread.setContextClassLoader(RestServer.class.getClassLoader());
        try {
            server.start();
        } catch (Exception e) {
            stopServer();
            throw new InvalidSettingException(RestSettings.PID, "port",
                    "cannot listen on " + settings.bindAddress() + ":" + settings.port() + " (" + e.getMessage() + ")");
        } finally {
            thread.setContextClassLoader(previous);
        }
        heartbeats = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread heartbeat = new Thread(task, "larder-rest-heartbeat");
            heartbeat.setDaemon(true);
            return heartbeat;
        });
        heartbeats.scheduleAtFixedRate(handler::heartbeat, settings.heartbeatSeconds(), settings.heartbeatSeconds(), TimeUnit.SECONDS);
        LOG.info("REST API listening on http://{}:{}{} ({} threads at most)", settings.bindAddress(), settings.port(),
                RestHandler.normalizedPrefix(settings.pathPrefix()), threads);
    }

    @Deactivate
    void deactivate() {
        if (endpoint != null) {
            endpoint.unregister();
        }
        if (heartbeats != null) {
            heartbeats.shutdownNow();
        }
        if (handler != null) {
            handler.endStreams();
        }
        stopServer();
    }

    private void stopServer() {
        if (server != null) {
            try {
                server.stop();
            } catch (Exception e) {
                LOG.warn("Stopping the REST API's HTTP server failed", e);
            }
            server = null;
        }
    }
}
