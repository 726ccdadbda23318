package dev.larder.http;

import java.security.KeyStore;
import java.util.concurrent.Executor;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientConnectionFactory;
import org.eclipse.jetty.client.transport.HttpClientTransportDynamic;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.ClientConnectionFactoryOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Jetty's HTTP client for the calls Larder makes out (QStash's deliveries): HTTP/1.1, and HTTP/2 with a server
 * that offers it over TLS (ALPN, by the JDK's own implementation); plain {@code http://} stays HTTP/1.1, as
 * servers that speak HTTP/2 without TLS are rare and one that does not would refuse a connection preface.
 */
public final class OutboundHttp {

    private OutboundHttp() {
    }

    /**
     * A client, not started (start it with this bundle's class loader as the thread's context loader: Jetty finds
     * the JDK's ALPN through ServiceLoader).
     *
     * @param trusted the certificates https servers are checked against instead of the JDK's (null: the JDK's)
     */
    public static HttpClient client(Executor executor, Scheduler scheduler, KeyStore trusted) {
        SslContextFactory.Client tls = new SslContextFactory.Client();
        if (trusted != null) {
            tls.setTrustStore(trusted);
        }
        ClientConnector connector = new ClientConnector();
        connector.setExecutor(executor);
        connector.setScheduler(scheduler);
        connector.setSslContextFactory(tls);
        HTTP2Client http2 = new HTTP2Client(connector);
        HttpClient client = new HttpClient(new HttpClientTransportDynamic(connector, HttpClientConnectionFactory.HTTP11,
                new ClientConnectionFactoryOverHTTP2.HTTP2(http2)));
        client.setExecutor(executor);
        client.setScheduler(scheduler);
        return client;
    }

    /** Starts a client with the context class loader its ALPN needs. */
    public static void start(HttpClient client) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(OutboundHttp.class.getClassLoader());
        try {
            client.start();
        } finally {
            thread.setContextClassLoader(before);
        }
    }
}
