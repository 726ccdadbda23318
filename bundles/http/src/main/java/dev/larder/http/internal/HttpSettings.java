package dev.larder.http.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Larder HTTP", description = "The one HTTP listener of the Redis REST API, Vector and the other products' APIs. "
        + "A change restarts the listener.")
public @interface HttpSettings {

    String PID = "dev.larder.http";

    @AttributeDefinition(description = "HTTP port.")
    int port() default 8080;

    @AttributeDefinition(description = "Address to listen on. 0.0.0.0 for every interface.")
    String bindAddress() default "127.0.0.1";

    @AttributeDefinition(description = "Seconds a keep-alive connection may stay idle before it is closed.")
    int idleTimeoutSeconds() default 30;

    @AttributeDefinition(description = "Most HTTP worker threads; 0: eight per processor, at least 16.")
    int maxThreads() default 0;

    @AttributeDefinition(description = "Most HTTP connections open at once (at most a quarter of the process's open-files limit); "
            + "past it, new connections wait in the listen backlog until one closes.")
    int maxConnections() default 10000;
}
