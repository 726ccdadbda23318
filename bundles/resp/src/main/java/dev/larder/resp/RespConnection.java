package dev.larder.resp;

import dev.larder.redis.engine.CommandEngine;
import dev.larder.redis.engine.EngineSession;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
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

    RespConnection(CommandEngine engine) {
        this.engine = engine;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Channel channel = ctx.channel();
        session = engine.open(address(channel.remoteAddress()), address(channel.localAddress()), () -> channel.close());
        ctx.fireChannelActive();
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
        writer.target(pending, session.protocol());
        if (message instanceof RespDecoder.ProtocolError error) {
            writer.error("ERR " + error.message());
            closing = true;
            return;
        }
        byte[][] argv = (byte[][]) message;
        session.execute(argv, writer);
        if (session.closeRequested()) {
            closing = true;
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (pending != null) {
            ByteBuf replies = pending;
            pending = null;
            if (closing) {
                ctx.writeAndFlush(replies).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.writeAndFlush(replies);
                if (!ctx.channel().isWritable()) {
                    // the client does not read its replies: stop reading its commands until it does
                    ctx.channel().config().setAutoRead(false);
                }
            }
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
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
