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

    @AttributeDefinition(description = "Network threads; 0: one per processor.")
    int ioThreads() default 0;

    @AttributeDefinition(description = "Use Linux epoll when available, else Java NIO.")
    boolean epoll() default true;

    @AttributeDefinition(description = "Port for TLS connections (Redis's tls-port); 0: no TLS listener. Needs tlsCertFile and tlsKeyFile.")
    int tlsPort() default 0;

    @AttributeDefinition(description = "PEM file with the server certificate (chain). Relative paths start at the Larder home.")
    String tlsCertFile() default "";

    @AttributeDefinition(description = "PEM file with the certificate's private key, PKCS#8 (as openssl genpkey writes it).")
    String tlsKeyFile() default "";

    @AttributeDefinition(type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD,
            description = "Password of an encrypted tlsKeyFile; empty when the key is not encrypted.")
    String tlsKeyPassword() default "";

    @AttributeDefinition(description = "PEM file with the CA certificates that client certificates must chain to.")
    String tlsCaCertFile() default "";

    @AttributeDefinition(description = "Require clients to present a certificate signed by tlsCaCertFile (Redis's tls-auth-clients).")
    boolean tlsAuthClients() default false;
}
