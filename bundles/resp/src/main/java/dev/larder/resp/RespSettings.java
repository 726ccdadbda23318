package dev.larder.resp;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Larder RESP server", description = "The Redis protocol endpoint. A change restarts the listener.")
public @interface RespSettings {

    String PID = "dev.larder.resp";

    @AttributeDefinition(description = "TCP port.")
    int port() default 6379;

    @AttributeDefinition(description = "Address to listen on. 0.0.0.0 for every interface.")
    String bindAddress() default "127.0.0.1";

    @AttributeDefinition(description = "Largest bulk string a client may send, in bytes (Redis's proto-max-bulk-len).")
    long protoMaxBulkLen() default 536870912L;

    @AttributeDefinition(description = "Network threads; 0: one per processor.")
    int ioThreads() default 0;

    @AttributeDefinition(description = "Use Linux epoll when available, else Java NIO.")
    boolean epoll() default true;
}
