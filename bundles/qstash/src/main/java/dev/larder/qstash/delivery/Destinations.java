package dev.larder.qstash.delivery;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;

/**
 * Which URLs the server may call for a publisher: http(s) only, and unless allowed, none on an address of the
 * network the server runs in (loopback, private, link-local, unique-local, wildcard, multicast) — checked
 * when a message is published and again on every connection, as the name may resolve elsewhere by then.
 */
public final class Destinations {

    private final boolean allowPrivate;

    public Destinations(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    /** The URL, or IllegalArgumentException with QStash's wording of what is wrong with it. */
    public URI check(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid destination url: " + e.getMessage());
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw new IllegalArgumentException("invalid destination url: endpoint has invalid scheme, add http:// or https://");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("invalid destination url: no host in " + url);
        }
        if (!allowPrivate) {
            try {
                for (InetAddress address : InetAddress.getAllByName(uri.getHost())) {
                    refusePrivate(address, uri.getHost());
                }
            } catch (UnknownHostException e) {
                // not resolvable now: the delivery tries again, and checks the address it gets then
            }
        }
        return uri;
    }

    private void refusePrivate(InetAddress address, String host) {
        if (isPrivate(address)) {
            throw new IllegalArgumentException("invalid destination url: " + host + " is an address of the server's own network ("
                    + address.getHostAddress() + "); a server set-up allows these with allowPrivateDestinations=true");
        }
    }

    static boolean isPrivate(InetAddress address) {
        return address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress() || address.isAnyLocalAddress()
                || address.isMulticastAddress() || address instanceof Inet6Address && (address.getAddress()[0] & 0xFE) == 0xFC;
    }

    /** A resolver for the HTTP client that drops the addresses {@link #check} would refuse. */
    public SocketAddressResolver resolver(SocketAddressResolver resolver) {
        if (allowPrivate) {
            return resolver;
        }
        return new SocketAddressResolver() {
            @Override
            public void resolve(String host, int port, Map<String, Object> context, Promise<List<InetSocketAddress>> promise) {
                resolver.resolve(host, port, context, new Promise<>() {
                    @Override
                    public void succeeded(List<InetSocketAddress> addresses) {
                        List<InetSocketAddress> allowed = addresses.stream().filter(address -> !isPrivate(address.getAddress())).toList();
                        if (allowed.isEmpty()) {
                            promise.failed(new UnknownHostException(host + " resolves only to addresses of the server's own network"));
                        } else {
                            promise.succeeded(allowed);
                        }
                    }

                    @Override
                    public void failed(Throwable failure) {
                        promise.failed(failure);
                    }
                });
            }
        };
    }
}
