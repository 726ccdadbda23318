package dev.larder.redis.engine.internal;

import dev.larder.redis.api.Reply;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BooleanSupplier;

/**
 * Drops replies while a client asked for none (CLIENT REPLY OFF or SKIP); asks at every write, so a
 * command can reopen it. Pushes (subscribe confirmations, messages, invalidations) go through whole,
 * whatever the reply mode, as in Redis 7.
 */
final class GatedReply implements Reply {

    private final BooleanSupplier open;
    private Reply target;
    /** Elements still to come of each aggregate opened inside a push that goes through. */
    private final Deque<int[]> pushing = new ArrayDeque<>();

    GatedReply(BooleanSupplier open) {
        this.open = open;
    }

    GatedReply around(Reply reply) {
        target = reply;
        pushing.clear();
        return this;
    }

    /** Whether the next element is written; counts it against the push it belongs to. */
    private boolean passes() {
        if (pushing.isEmpty()) {
            return open.getAsBoolean();
        }
        int[] left = pushing.peek();
        if (--left[0] == 0) {
            pushing.pop();
            while (!pushing.isEmpty() && pushing.peek()[0] == 0) {
                pushing.pop();
            }
        }
        return true;
    }

    /** An aggregate of {@code elements}: inside a push its elements go through too. */
    private boolean opens(int elements) {
        boolean inPush = !pushing.isEmpty();
        boolean passes = passes();
        if (inPush && passes && elements > 0) {
            pushing.push(new int[] {elements});
        }
        return passes;
    }

    @Override
    public void simple(String status) {
        if (passes()) {
            target.simple(status);
        }
    }

    @Override
    public void error(String message) {
        if (passes()) {
            target.error(message);
        }
    }

    @Override
    public void integer(long value) {
        if (passes()) {
            target.integer(value);
        }
    }

    @Override
    public void bulk(byte[] value) {
        if (passes()) {
            target.bulk(value);
        }
    }

    @Override
    public void nil() {
        if (passes()) {
            target.nil();
        }
    }

    @Override
    public void array(int length) {
        if (opens(length)) {
            target.array(length);
        }
    }

    @Override
    public void nilArray() {
        if (passes()) {
            target.nilArray();
        }
    }

    @Override
    public void map(int entries) {
        if (opens(entries * 2)) {
            target.map(entries);
        }
    }

    @Override
    public void push(int length) {
        if (!pushing.isEmpty()) {
            opens(length);
        } else if (length > 0) {
            pushing.push(new int[] {length});
        }
        target.push(length);
    }

    @Override
    public void set(int length) {
        if (opens(length)) {
            target.set(length);
        }
    }

    @Override
    public void doubleValue(double value) {
        if (passes()) {
            target.doubleValue(value);
        }
    }

    @Override
    public void doubleText(String text) {
        if (passes()) {
            target.doubleText(text);
        }
    }

    @Override
    public void bool(boolean value) {
        if (passes()) {
            target.bool(value);
        }
    }
}
