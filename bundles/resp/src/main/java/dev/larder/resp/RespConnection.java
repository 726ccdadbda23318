package dev.larder.resp;

import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.Reply;
import dev.larder.redis.engine.ClientConnection;
import dev.larder.redis.engine.ClientLimits;
import dev.larder.redis.engine.CommandEngine;
import dev.larder.redis.engine.EngineSession;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection. Commands run on the connection's event-loop thread as they are decoded; the
 * replies of everything read in one go are sent with one flush, which is what makes pipelining cheap.
 */
final class RespConnection extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.resp");

    private final CommandEngine engine;
    private final RespReplyWriter writer = new RespReplyWriter();
    private EngineSession session;
    private ByteBuf pending;
    private boolean closing;
    /** Replies waiting for durability, in order; null when nothing waits. Touched on the event loop only. */
    private CompletableFuture<Void> queue;
    private ChannelHandlerContext context;
    /** Whether a blocked command (BLPOP) waits for its reply; commands read meanwhile wait in {@link #deferred}. */
    private boolean waiting;
    private final ArrayDeque<byte[][]> deferred = new ArrayDeque<>();
    private Connection connection;
    /** Since when the replies and messages waiting to go out exceed the soft output limit; 0 while they do not. */
    private long overSoftLimitSince;

    RespConnection(CommandEngine engine) {
        this.engine = engine;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        context = ctx;
        Channel channel = ctx.channel();
        InetAddress peer = ((InetSocketAddress) channel.remoteAddress()).getAddress();
        try {
            connection = new Connection(channel);
            session = engine.open(peer, address(channel.remoteAddress()), address(channel.localAddress()), connection);
        } catch (RedisException refused) {
            // protected mode: Redis says why and hangs up before reading anything
            closing = true;
            ByteBuf error = ctx.alloc().ioBuffer();
            writer.target(error, () -> 2);
            writer.error(refused.getMessage());
            ctx.writeAndFlush(error).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.fireChannelActive();
    }

    /** The engine's handle on this connection: closing it, and messages outside replies (MONITOR). */
    private final class Connection implements ClientConnection {
        private final Channel channel;
        private final RespReplyWriter pushWriter = new RespReplyWriter();

        Connection(Channel channel) {
            this.channel = channel;
        }

        @Override
        public void close() {
            closeNow(channel);
        }

        /** Messages waiting to be written, from any thread; one task at a time writes all of them with one flush. */
        private final java.util.Queue<Consumer<Reply>> pushed = new java.util.concurrent.ConcurrentLinkedQueue<>();
        private final java.util.concurrent.atomic.AtomicBoolean pushScheduled = new java.util.concurrent.atomic.AtomicBoolean();

        @Override
        public void push(Consumer<Reply> message) {
            pushed.add(message);
            if (pushScheduled.compareAndSet(false, true)) {
                channel.eventLoop().execute(this::writePushed);
            }
        }

        /** Writes every waiting message into one buffer, flushed once: a subscriber of a busy channel costs one write per batch. */
        private void writePushed() {
            pushScheduled.set(false);
            if (!channel.isActive()) {
                pushed.clear();
                return;
            }
            ByteBuf buffer = channel.alloc().ioBuffer();
            pushWriter.target(buffer, session::wireProtocol);
            writePushed(pushWriter);
            channel.writeAndFlush(buffer);
            if (overOutputLimit(channel)) {
                pushed.clear();
            }
        }

        /** Writes the waiting messages into a writer; on the connection's thread. */
        void writePushed(Reply target) {
            Consumer<Reply> message;
            while ((message = pushed.poll()) != null) {
                message.accept(target);
            }
        }

        @Override
        public void resume(Consumer<Reply> reply) {
            channel.eventLoop().execute(() -> {
                if (!channel.isActive()) {
                    return;
                }
                if (pending == null) {
                    pending = channel.alloc().ioBuffer();
                }
                writer.target(pending, session::wireProtocol);
                reply.accept(writer);
                waiting = false;
                while (!waiting && !closing && !deferred.isEmpty()) {
                    run(deferred.poll());
                }
                channelReadComplete(context);
                if (!waiting && channel.isWritable()) {
                    channel.config().setAutoRead(true);
                }
            });
        }
    }

    /**
     * CLIENT KILL: as in Redis, the other connection is closed before the killer gets its reply. On
     * another event loop the close is awaited, bounded so two clients killing each other cannot hang.
     */
    private static void closeNow(Channel channel) {
        ChannelFuture closed = channel.close();
        if (!channel.eventLoop().inEventLoop()) {
            closed.awaitUninterruptibly(1000);
        }
    }

    /**
     * Redis's client-output-buffer-limit: a client whose unsent replies and messages pass the hard limit,
     * or stay past the soft limit for its seconds, is closed, so one that does not read cannot make the
     * server's memory grow. Subscribed clients have the pubsub class's limits, others the normal class's.
     */
    private boolean overOutputLimit(Channel channel) {
        io.netty.channel.ChannelOutboundBuffer unsent = channel.unsafe().outboundBuffer();
        if (unsent == null || session == null) {
            return false;
        }
        long bytes = unsent.totalPendingWriteBytes();
        ClientLimits limits = engine.clientLimits();
        ClientLimits.OutputLimit limit = session.subscriptions() > 0 ? limits.pubsub() : limits.normal();
        boolean overSoft = limit.softBytes() > 0 && bytes > limit.softBytes();
        if (!overSoft) {
            overSoftLimitSince = 0;
        } else if (overSoftLimitSince == 0) {
            overSoftLimitSince = System.nanoTime();
        }
        boolean overHard = limit.hardBytes() > 0 && bytes > limit.hardBytes();
        if (overHard || overSoft && System.nanoTime() - overSoftLimitSince >= TimeUnit.SECONDS.toNanos(limit.softSeconds())) {
            LOG.warn("Closing connection from {} for overcoming of output buffer limits: {} bytes it does not read",
                    channel.remoteAddress(), bytes);
            closing = true;
            channel.close();
            return true;
        }
        return false;
    }

    private static String address(java.net.SocketAddress address) {
        return String.valueOf(address).replaceFirst("^[^/]*/", "");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (closing) {
            return;
        }
        if (pending == null) {
            pending = ctx.alloc().ioBuffer();
        }
        writer.target(pending, session::wireProtocol);
        if (message instanceof RespDecoder.ProtocolError error) {
            writer.error("ERR " + error.message());
            closing = true;
            return;
        }
        byte[][] argv = (byte[][]) message;
        if (waiting) {
            deferred.add(argv);
            return;
        }
        run(argv);
    }

    private void run(byte[][] argv) {
        // messages pushed before this command was read (an invalidation, a published message) go out before its reply,
        // as in Redis, where they are in the client's buffer already
        connection.writePushed(writer);
        session.execute(argv, writer);
        if (session.closeRequested()) {
            closing = true;
        }
        if (session.blocked()) {
            // as Redis: nothing more from this client runs until the blocked command is answered
            waiting = true;
            context.channel().config().setAutoRead(false);
        }
    }

    /**
     * Sends the replies of what was just read: at once, or (durability ALWAYS, after writes) once the
     * engine says the writes are durable. Later replies queue behind earlier ones, so order is kept.
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (pending == null) {
            return;
        }
        ByteBuf replies = pending;
        pending = null;
        boolean closeAfter = closing;
        CompletableFuture<Void> durable = session.durable().toCompletableFuture();
        if (queue == null && durable.isDone() && !durable.isCompletedExceptionally()) {
            send(ctx, replies, closeAfter);
            return;
        }
        CompletableFuture<Void> previous = queue == null ? CompletableFuture.completedFuture(null) : queue;
        CompletableFuture<Void> sent = previous.thenCombine(durable, (a, b) -> (Void) null)
                .thenRunAsync(() -> send(ctx, replies, closeAfter), ctx.executor());
        queue = sent;
        sent.whenCompleteAsync((done, failure) -> {
            if (failure != null) {
                LOG.warn("Closing connection from {}: its writes could not be made durable: {}", ctx.channel().remoteAddress(),
                        failure.toString());
                if (replies.refCnt() > 0) {
                    replies.release();
                }
                ctx.close();
            }
            if (queue == sent) {
                queue = null;
            }
        }, ctx.executor());
    }

    private void send(ChannelHandlerContext ctx, ByteBuf replies, boolean closeAfter) {
        if (closeAfter) {
            ctx.writeAndFlush(replies).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.writeAndFlush(replies);
        if (overOutputLimit(ctx.channel())) {
            return;
        }
        if (!ctx.channel().isWritable() || waiting) {
            // the client does not read its replies: stop reading its commands until it does
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && !waiting) {
            ctx.channel().config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (pending != null) {
            pending.release();
            pending = null;
        }
        if (session != null) {
            session.close();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException)) {
            LOG.warn("Closing connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
        }
        ctx.close();
    }
}
