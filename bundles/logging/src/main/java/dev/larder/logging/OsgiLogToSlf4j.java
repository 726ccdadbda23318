package dev.larder.logging;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything logged through the OSGi Log Service ends up in the same SLF4J backend (Logback, on the
 * launcher's class path) as Larder's own logs, under the symbolic name of the bundle that logged.
 */
@Component(immediate = true)
public class OsgiLogToSlf4j implements LogListener {

    private final LogReaderService reader;

    @Activate
    public OsgiLogToSlf4j(@Reference LogReaderService reader) {
        this.reader = reader;
    }

    @Activate
    void activate() {
        reader.addLogListener(this);
    }

    @Deactivate
    void deactivate() {
        reader.removeLogListener(this);
    }

    @Override
    public void logged(LogEntry entry) {
        Logger logger = LoggerFactory.getLogger(loggerName(entry));
        String message = entry.getServiceReference() == null
                ? entry.getMessage()
                : entry.getMessage() + " [service " + entry.getServiceReference().getProperty("service.id") + "]";
        Throwable error = entry.getException();
        if (entry.getLoggerName() != null && entry.getLoggerName().startsWith("Events.")) {
            // The log service records every bundle, service and framework event; worth seeing only when debugging.
            logger.debug(message, error);
            return;
        }
        switch (entry.getLogLevel()) {
            case AUDIT, ERROR -> logger.error(message, error);
            case WARN -> logger.warn(message, error);
            case INFO -> logger.info(message, error);
            case DEBUG -> logger.debug(message, error);
            default -> logger.trace(message, error);
        }
    }

    private static String loggerName(LogEntry entry) {
        String symbolicName = entry.getBundle() == null ? null : entry.getBundle().getSymbolicName();
        return symbolicName == null ? "osgi" : symbolicName;
    }
}
