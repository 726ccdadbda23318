package dev.larder.rest;

import dev.larder.redis.api.Reply;
import dev.larder.redis.engine.ClientConnection;
import dev.larder.redis.engine.EngineSession;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Server-Sent Events response fed by an engine session (/subscribe, /psubscribe, /monitor). No thread
 * waits on it: messages pushed from any thread are queued, and whatever is queued goes out in one write
 * when the previous write completes. A failed write (the client went away), CLIENT KILL or a stopping
 * server closes the session, which ends its subscriptions.
 */
final class EventStream implements ClientConnection {

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.rest");
    private static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.US_ASCII);
    /** Events waiting for a client that does not read; beyond it the stream is dropped, as Redis drops such a subscriber. */
    private static final int MAX_BACKLOG = 100_000;

    private final Response response;
    private final Callback done;
    private final Executor executor;
    private final Consumer<EventStream> onClose;
    private final Deque<byte[]> pending = new ConcurrentLinkedDeque<>();
    private final AtomicInteger backlog = new AtomicInteger();
    private final AtomicBoolean writing = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean started;
    private volatile EngineSession session;

    EventStream(Response response, Callback done, Executor executor, Consumer<EventStream> onClose) {
        this.response = response;
        this.done = done;
        this.executor = executor;
        this.onClose = onClose;
    }

    /** Starts the stream with the events of the command that opened it (the subscribe confirmations). */
    void start(EngineSession opened, byte[] firstEvents) {
        session = opened;
        pending.offerFirst(firstEvents);
        started = true;
        flush();
    }

    @Override
    public void push(Consumer<Reply> message) {
        if (closed.get()) {
            return;
        }
        EventLines lines = new EventLines();
        message.accept(lines);
        if (backlog.incrementAndGet() > MAX_BACKLOG) {
            LOG.warn("Closing an event stream whose client does not read: {} events waiting", MAX_BACKLOG);
            end(null);
            return;
        }
        pending.add(lines.bytes());
        flush();
    }

    void heartbeat() {
        if (started && !closed.get()) {
            pending.add(HEARTBEAT);
            backlog.incrementAndGet();
            flush();
        }
    }

    private void flush() {
        if (!started || !writing.compareAndSet(false, true)) {
            return;
        }
        if (closed.get()) {
            response.write(true, null, done);
            return;
        }
        ByteArrayOutputStream batch = new ByteArrayOutputStream(256);
        byte[] events;
        while ((events = pending.poll()) != null) {
            batch.writeBytes(events);
            backlog.decrementAndGet();
        }
        if (batch.size() == 0) {
            writing.set(false);
            if (!pending.isEmpty()) {
                flush();
            }
            return;
        }
        response.write(false, ByteBuffer.wrap(batch.toByteArray()), Callback.from(() -> {
            if (closed.get()) {
                response.write(true, null, done); // end() found this write in flight and left the last one to it
                return;
            }
            writing.set(false);
            if (!pending.isEmpty() || closed.get()) {
                executor.execute(this::flush);
            }
        }, this::end));
    }

    /** The engine closes the client (CLIENT KILL, its database deleted): the stream ends. */
    @Override
    public void close() {
        end(null);
    }

    /** Ends the stream once: normally, or because writing to the client failed. */
    void end(Throwable failure) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        EngineSession opened = session;
        if (opened != null) {
            opened.close();
        }
        onClose.accept(this);
        if (failure != null) {
            done.failed(failure);
        } else if (writing.compareAndSet(false, true)) {
            response.write(true, null, done);
        }
    }

    /** A stream runs one command, when it opens: there is nothing to resume. */
    @Override
    public void resume(Consumer<Reply> reply) {
    }
}
