package dev.larder.resp;

import dev.larder.redis.engine.CommandEngine;
import dev.larder.settings.InvalidSettingException;
import dev.larder.settings.SettingsCheck;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Listens for Redis clients and hands their commands to the {@link CommandEngine}. */
@Component(configurationPid = RespSettings.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = RespSettings.class)
public class RespServer {

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.resp");

    private final CommandEngine engine;
    private EventLoopGroup group;
    private Channel listener;
    private Channel tlsListener;
    private ServiceRegistration<RespServer> endpoint;

    @Activate
    public RespServer(@Reference CommandEngine engine) {
        this.engine = engine;
    }

    @Activate
    void activate(BundleContext context, RespSettings settings, Map<String, Object> properties) {
        try {
            SettingsCheck.check(RespSettings.PID, RespSettings.class, properties);
            if (settings.port() < 1 || settings.port() > 65535) {
                throw new InvalidSettingException(RespSettings.PID, "port", "must be between 1 and 65535, got " + settings.port());
            }
            if (settings.tlsPort() < 0 || settings.tlsPort() > 65535 || settings.tlsPort() == settings.port()) {
                throw new InvalidSettingException(RespSettings.PID, "tlsPort",
                        "must be 0 (off) or a port between 1 and 65535 other than port, got " + settings.tlsPort());
            }
            SslContext tls = TlsContexts.fromSettings(settings, context.getProperty("larder.home"));
            start(settings, tls);
            // announced as Larder-Endpoint in bnd.bnd: the start report waits for it
            Hashtable<String, Object> announcement = new Hashtable<>();
            announcement.put("larder.endpoint", "redis");
            String url = "redis://" + settings.bindAddress() + ":" + settings.port();
            if (tls != null) {
                url += ", rediss://" + settings.bindAddress() + ":" + settings.tlsPort();
            }
            announcement.put("larder.endpoint.url", url);
            endpoint = context.registerService(RespServer.class, this, announcement);
        } catch (InvalidSettingException e) {
            LOG.error("RESP server not started: {}", e.getMessage());
        }
    }

    private void start(RespSettings settings, SslContext tls) throws InvalidSettingException {
        boolean epoll = settings.epoll() && Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        int threads = settings.ioThreads() > 0 ? settings.ioThreads() : Runtime.getRuntime().availableProcessors();
        group = new MultiThreadIoEventLoopGroup(threads, io);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(channel)
                .option(ChannelOption.SO_BACKLOG, 511)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(pipeline(settings, null));
        listener = bind(bootstrap, settings, settings.port(), "port");
        if (tls != null) {
            tlsListener = bind(bootstrap.clone().childHandler(pipeline(settings, tls)), settings, settings.tlsPort(), "tlsPort");
        }
        LOG.info("RESP server listening on {}:{}{} ({}, {} threads)", settings.bindAddress(), settings.port(),
                tls == null ? "" : ", TLS on port " + settings.tlsPort(), epoll ? "epoll" : "nio", threads);
    }

    private ChannelInitializer<SocketChannel> pipeline(RespSettings settings, SslContext tls) {
        TrafficCounter traffic = new TrafficCounter(engine);
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                keepAlive(ch, engine.clientLimits().tcpKeepAliveSeconds());
                ch.pipeline().addLast(traffic);
                if (tls != null) {
                    ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                }
                ch.pipeline().addLast(new RespDecoder(() -> engine.clientLimits().maxBulkBytes(),
                        () -> engine.clientLimits().maxQueryBufferBytes()), new RespConnection(engine));
            }
        };
    }

    /** Redis's tcp-keepalive: probes after that many idle seconds, then every third of it, three times. */
    private static void keepAlive(SocketChannel channel, long seconds) {
        channel.config().setKeepAlive(seconds > 0);
        if (seconds > 0 && channel instanceof EpollSocketChannel epoll) {
            int idle = (int) Math.min(seconds, Integer.MAX_VALUE);
            epoll.config().setTcpKeepIdle(idle);
            epoll.config().setTcpKeepIntvl(Math.max(1, idle / 3));
            epoll.config().setTcpKeepCnt(3);
        }
    }

    private Channel bind(ServerBootstrap bootstrap, RespSettings settings, int port, String setting) throws InvalidSettingException {
        try {
            return bootstrap.bind(new InetSocketAddress(settings.bindAddress(), port)).sync().channel();
        } catch (Exception e) {
            if (listener != null) {
                listener.close().syncUninterruptibly();
                listener = null;
            }
            stopGroup();
            throw new InvalidSettingException(RespSettings.PID, e instanceof BindException ? setting : "bindAddress",
                    "cannot listen on " + settings.bindAddress() + ":" + port + " (" + e.getMessage() + ")");
        }
    }

    @Deactivate
    void deactivate() {
        if (endpoint != null) {
            endpoint.unregister();
        }
        for (Channel channel : new Channel[] {listener, tlsListener}) {
            if (channel != null) {
                channel.close().syncUninterruptibly();
            }
        }
        stopGroup();
    }

    private void stopGroup() {
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            group = null;
        }
    }
}
