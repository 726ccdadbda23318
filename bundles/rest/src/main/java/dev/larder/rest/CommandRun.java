package dev.larder.rest;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.larder.redis.api.Reply;
import dev.larder.redis.engine.ClientConnection;
import dev.larder.redis.engine.EngineSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Runs one request's commands on its own engine session, in order, and builds the answer. A command the
 * engine runs elsewhere (a script) answers through {@link #resume}; the rest continue from there. The
 * answer is complete once the writes are as durable as the database promises.
 */
final class CommandRun implements ClientConnection {

    enum Shape { SINGLE, PIPELINE, TRANSACTION }

    /** What goes back: the HTTP status, the body and its type, and the database's write position. */
    record Answer(int status, String contentType, byte[] body, long writePosition) {
    }

    private static final byte[][] MULTI = {"MULTI".getBytes(StandardCharsets.US_ASCII)};
    private static final byte[][] EXEC = {"EXEC".getBytes(StandardCharsets.US_ASCII)};
    private static final byte[][] DISCARD = {"DISCARD".getBytes(StandardCharsets.US_ASCII)};

    private final Shape shape;
    private final List<byte[][]> commands;
    /** Per command, why REST does not run it (null: it runs). */
    private final String[] refusals;
    private final Executor executor;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream(256);
    private final JsonGenerator json;
    private final JsonReplyWriter jsonWriter;
    private final Resp2ReplyWriter respWriter;
    private final CompletableFuture<Answer> answer = new CompletableFuture<>();
    private EngineSession session;
    /** The step to run next: in a transaction MULTI is step 0, the commands 1..n and EXEC n+1. */
    private int step;
    /** Where the reply of the step running now goes. */
    private Reply target;
    /** A transaction's first queuing error: the whole transaction is refused with it. */
    private String refusedBecause;

    CommandRun(Shape shape, List<byte[][]> commands, String[] refusals, boolean base64, boolean resp2, Executor executor) {
        this.shape = shape;
        this.commands = commands;
        this.refusals = refusals;
        this.executor = executor;
        if (resp2 && shape != Shape.TRANSACTION) {
            json = null;
            jsonWriter = null;
            respWriter = new Resp2ReplyWriter(body);
        } else {
            try {
                json = CommandParser.JSON.createGenerator(body, JsonEncoding.UTF8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            jsonWriter = new JsonReplyWriter(json, base64, shape == Shape.TRANSACTION ? 1 : 0);
            respWriter = null;
        }
    }

    CompletableFuture<Answer> answer() {
        return answer;
    }

    /** Runs the commands once the session has seen the writes up to {@code position} (the client's sync token; 0: none). */
    void start(EngineSession engineSession, long position) {
        session = engineSession;
        if (json != null && shape == Shape.PIPELINE) {
            JsonReplyWriter.write(json::writeStartArray);
        }
        if (position > 0) {
            session.writesApplied(position).whenComplete((done, failure) -> executor.execute(this::run));
        } else {
            run();
        }
    }

    private synchronized void run() {
        try {
            while (step < steps()) {
                byte[][] argv = argv(step);
                target = target(step);
                String refusal = refusal(step);
                if (refusal != null) {
                    target.error(refusal);
                } else if (argv == EXEC && refusedBecause != null) {
                    session.execute(DISCARD, queueCheck);
                } else {
                    session.execute(argv, target);
                    if (session.blocked()) {
                        return; // resume() goes on
                    }
                }
                step++;
            }
            finish();
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    private int steps() {
        return shape == Shape.TRANSACTION ? commands.size() + 2 : commands.size();
    }

    private int lastStep() {
        return steps() - 1;
    }

    private byte[][] argv(int index) {
        if (shape != Shape.TRANSACTION) {
            return commands.get(index);
        }
        return index == 0 ? MULTI : index == lastStep() ? EXEC : commands.get(index - 1);
    }

    private Reply target(int index) {
        if (shape == Shape.TRANSACTION && index < lastStep()) {
            return queueCheck;
        }
        return respWriter != null ? respWriter : jsonWriter;
    }

    /** Why REST does not run the step's command; the transaction's own MULTI and EXEC run. */
    private String refusal(int index) {
        if (shape != Shape.TRANSACTION) {
            return refusals[index];
        }
        return index == 0 || index == lastStep() ? null : refusals[index - 1];
    }

    /** MULTI's and the queued commands' replies: only a refusal matters, and it refuses the transaction. */
    private final Reply queueCheck = new Reply() {
        @Override
        public void error(String message) {
            if (refusedBecause == null) {
                refusedBecause = message;
            }
        }

        @Override
        public void simple(String status) {
        }

        @Override
        public void integer(long value) {
        }

        @Override
        public void bulk(byte[] value) {
        }

        @Override
        public void nil() {
        }

        @Override
        public void array(int length) {
        }

        @Override
        public void nilArray() {
        }

        @Override
        public void map(int entries) {
        }

        @Override
        public void set(int length) {
        }

        @Override
        public void doubleValue(double value) {
        }

        @Override
        public void doubleText(String text) {
        }

        @Override
        public void bool(boolean value) {
        }
    };

    @Override
    public void resume(Consumer<Reply> reply) {
        executor.execute(() -> {
            synchronized (this) {
                try {
                    reply.accept(target);
                    step++;
                } catch (RuntimeException e) {
                    fail(e);
                    return;
                }
            }
            run();
        });
    }

    private void finish() {
        if (json != null) {
            if (shape == Shape.PIPELINE) {
                JsonReplyWriter.write(json::writeEndArray);
            }
            JsonReplyWriter.write(json::flush);
        }
        byte[] bytes = body.toByteArray();
        boolean failed = json != null ? jsonWriter.lastItemFailed() : bytes.length > 0 && bytes[0] == '-';
        int status = shape == Shape.SINGLE && failed ? 400 : 200;
        String type = json != null ? "application/json" : "application/octet-stream";
        if (refusedBecause != null) {
            status = 400;
            type = "application/json";
            bytes = RestHandler.errorBody(refusedBecause);
        }
        byte[] answered = bytes;
        int answeredStatus = status;
        String answeredType = type;
        session.durable().whenComplete((done, failure) -> {
            if (failure != null) {
                answer.complete(new Answer(500, "application/json",
                        RestHandler.errorBody("ERR the writes could not be made durable: " + failure.getMessage()), session.writePosition()));
            } else {
                answer.complete(new Answer(answeredStatus, answeredType, answered, session.writePosition()));
            }
        });
    }

    private void fail(RuntimeException e) {
        answer.completeExceptionally(e);
    }

    /** A request's session has no subscriptions: nothing is pushed to it. */
    @Override
    public void push(Consumer<Reply> message) {
    }

    /** CLIENT KILL or a deleted database: the request finishes with what it has; its session closes with it. */
    @Override
    public void close() {
    }
}
