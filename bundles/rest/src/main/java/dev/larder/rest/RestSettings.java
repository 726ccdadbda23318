package dev.larder.rest;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Larder REST API", description = "Upstash's Redis REST API, served by the shared HTTP server (dev.larder.http: port, address, threads).")
public @interface RestSettings {

    String PID = "dev.larder.rest";



    @AttributeDefinition(description = "Path the API is served under, e.g. /redis; empty: the root. A database can also be "
            + "addressed by URL as <pathPrefix>/db/<name>.")
    String pathPrefix() default "";

    @AttributeDefinition(description = "Largest request body, in bytes.")
    int maxRequestBytes() default 10 * 1024 * 1024;

    @AttributeDefinition(description = "Largest key a command may name, in bytes.")
    int maxKeyBytes() default 32 * 1024;

    @AttributeDefinition(description = "Largest argument (value) a command may carry, in bytes.")
    int maxValueBytes() default 100 * 1024 * 1024;

    @AttributeDefinition(description = "Most commands in one /pipeline or /multi-exec request.")
    int maxPipelineCommands() default 100_000;

    @AttributeDefinition(description = "Seconds between heartbeat comments on an idle Server-Sent Events stream (subscribe, monitor).")
    int heartbeatSeconds() default 5;


}
