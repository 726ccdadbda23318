package dev.larder.resp;

import dev.larder.redis.engine.CommandEngine;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/** Counts the bytes every connection reads and writes, for INFO's total_net_input_bytes and total_net_output_bytes. */
@ChannelHandler.Sharable
final class TrafficCounter extends ChannelDuplexHandler {

    private final CommandEngine engine;

    TrafficCounter(CommandEngine engine) {
        this.engine = engine;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (message instanceof ByteBuf bytes) {
            engine.countTraffic(bytes.readableBytes(), 0);
        }
        ctx.fireChannelRead(message);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
        if (message instanceof ByteBuf bytes) {
            engine.countTraffic(0, bytes.readableBytes());
        }
        ctx.write(message, promise);
    }
}
