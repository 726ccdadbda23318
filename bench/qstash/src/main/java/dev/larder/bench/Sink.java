package dev.larder.bench;

import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;

/** The benchmarks' destination: Jetty on 127.0.0.1, handing each request's body and a way to answer it 200 to a listener. */
final class Sink implements AutoCloseable {

    interface Arrival {
        /** A body arrived; {@code answer} answers its request with 200 (now or later, on any thread). */
        void arrived(String body, Runnable answer);
    }

    private final Server server = new Server();
    final String url;

    Sink(Arrival arrival) throws Exception {
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                Content.Source.asString(request, StandardCharsets.UTF_8, new Promise<>() {
                    @Override
                    public void succeeded(String body) {
                        arrival.arrived(body, () -> {
                            response.setStatus(200);
                            response.write(true, null, callback);
                        });
                    }

                    @Override
                    public void failed(Throwable failure) {
                        callback.failed(failure);
                    }
                });
                return true;
            }
        });
        server.start();
        url = "http://127.0.0.1:" + connector.getLocalPort() + "/sink";
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
