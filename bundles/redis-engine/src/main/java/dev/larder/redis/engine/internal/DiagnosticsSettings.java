package dev.larder.redis.engine.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Larder Redis diagnostics",
        description = "Slow log and latency monitor. Changes apply at once (CONFIG SET); CONFIG REWRITE saves them to config/.")
public @interface DiagnosticsSettings {

    String PID = "dev.larder.redis.diagnostics";

    @AttributeDefinition(description = "Commands slower than this many microseconds enter the slow log (slowlog-log-slower-than); "
            + "-1 turns the slow log off, 0 logs every command.")
    long slowlogLogSlowerThan() default 10_000;

    @AttributeDefinition(description = "Entries the slow log keeps (slowlog-max-len).")
    int slowlogMaxLen() default 128;

    @AttributeDefinition(description = "Commands taking at least this many milliseconds are latency events "
            + "(latency-monitor-threshold); 0 turns the latency monitor off.")
    long latencyMonitorThreshold() default 0;
}
