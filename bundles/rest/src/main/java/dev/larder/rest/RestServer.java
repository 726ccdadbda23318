package dev.larder.rest;

import dev.larder.databases.Databases;
import dev.larder.http.HttpProduct;
import dev.larder.http.HttpServer;
import dev.larder.redis.engine.CommandEngine;
import dev.larder.settings.InvalidSettingException;
import dev.larder.settings.SettingsCheck;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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

/** Serves Upstash's Redis REST API on the shared HTTP server, under its path prefix. */
@Component(configurationPid = RestSettings.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true, service = {})
@Designate(ocd = RestSettings.class)
public class RestServer {

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.rest");
    /** Settings of the listener, which the shared HTTP server has had since the Vector API joined it. */
    private static final List<String> MOVED_TO_HTTP = List.of("port", "bindAddress", "idleTimeoutSeconds", "maxThreads");

    private final CommandEngine engine;
    private final Databases databases;
    private final HttpServer http;
    private RestHandler handler;
    private ScheduledExecutorService heartbeats;
    private ServiceRegistration<HttpProduct> product;
    private ServiceRegistration<RestServer> endpoint;

    @Activate
    public RestServer(@Reference CommandEngine engine, @Reference Databases databases, @Reference HttpServer http) {
        this.engine = engine;
        this.databases = databases;
        this.http = http;
    }

    @Activate
    void activate(BundleContext context, RestSettings settings, Map<String, Object> properties) {
        try {
            for (String moved : MOVED_TO_HTTP) {
                if (properties.containsKey(moved)) {
                    throw new InvalidSettingException(RestSettings.PID, moved,
                            "is a setting of the shared HTTP server now: set it in config/dev.larder.http.cfg");
                }
            }
            SettingsCheck.check(RestSettings.PID, RestSettings.class, properties);
            check(settings);
            handler = new RestHandler(engine, databases, settings);
            product = context.registerService(HttpProduct.class, handler, null);
            heartbeats = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread heartbeat = new Thread(task, "larder-rest-heartbeat");
                heartbeat.setDaemon(true);
                return heartbeat;
            });
            heartbeats.scheduleAtFixedRate(handler::heartbeat, settings.heartbeatSeconds(), settings.heartbeatSeconds(), TimeUnit.SECONDS);
            String url = http.baseUrl() + handler.path();
            Hashtable<String, Object> announcement = new Hashtable<>();
            announcement.put("larder.endpoint", "rest");
            announcement.put("larder.endpoint.url", url);
            endpoint = context.registerService(RestServer.class, this, announcement);
            LOG.info("REST API served at {}", url);
        } catch (InvalidSettingException e) {
            LOG.error("REST API not started: {}", e.getMessage());
        }
    }

    private static void check(RestSettings settings) throws InvalidSettingException {
        positive("maxRequestBytes", settings.maxRequestBytes());
        positive("maxKeyBytes", settings.maxKeyBytes());
        positive("maxValueBytes", settings.maxValueBytes());
        positive("maxPipelineCommands", settings.maxPipelineCommands());
        positive("heartbeatSeconds", settings.heartbeatSeconds());
        if (settings.pathPrefix().contains("?") || settings.pathPrefix().contains("#")) {
            throw new InvalidSettingException(RestSettings.PID, "pathPrefix", "must be a path such as /redis, got '" + settings.pathPrefix() + "'");
        }
    }

    private static void positive(String name, int value) throws InvalidSettingException {
        if (value < 1) {
            throw new InvalidSettingException(RestSettings.PID, name, "must be at least 1, got " + value);
        }
    }

    @Deactivate
    void deactivate() {
        if (endpoint != null) {
            endpoint.unregister();
        }
        if (product != null) {
            product.unregister();
        }
        if (heartbeats != null) {
            heartbeats.shutdownNow();
        }
        if (handler != null) {
            handler.endStreams();
        }
    }
}
