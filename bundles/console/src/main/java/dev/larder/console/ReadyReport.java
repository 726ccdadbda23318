package dev.larder.console;

import dev.larder.storage.StorageNode;
import java.lang.management.ManagementFactory;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.runtime.HttpServiceRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs one "Larder ready" line, with where each endpoint listens, once storage and the admin HTTP
 * server are up. {@code bin/larder --daemon} waits for this line.
 */
@Component(immediate = true)
public class ReadyReport {

    static final String WEB_CONSOLE_PATH = "system/console";
    private static final Logger LOG = LoggerFactory.getLogger("dev.larder");

    @Activate
    public ReadyReport(@Reference StorageNode storage,
            @Reference(service = HttpServiceRuntime.class) Map<String, Object> http) {
        long startedMillis = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        LOG.info("Larder ready in {} ms. Web console: {}. Storage node {}: {} server node(s), {}",
                startedMillis, webConsoleUrls(http.get("osgi.http.endpoint")), storage.nodeId(), storage.clusterSize(),
                storage.dataDirectory() == null ? "memory only" : "data in " + storage.dataDirectory());
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
