package dev.larder.redis.engine.internal;

import dev.larder.redis.api.Reply;
import java.util.function.BooleanSupplier;

/** Drops replies while a client asked for none (CLIENT REPLY OFF or SKIP); asks at every write, so a command can reopen it. */
final class GatedReply implements Reply {

    private final BooleanSupplier open;
    private Reply target;

    GatedReply(BooleanSupplier open) {
        this.open = open;
    }

    GatedReply around(Reply reply) {
        target = reply;
        return this;
    }

    @Override
    public void simple(String status) {
        if (open.getAsBoolean()) {
            target.simple(status);
        }
    }

    @Override
    public void error(String message) {
        if (open.getAsBoolean()) {
            target.error(message);
        }
    }

    @Override
    public void integer(long value) {
        if (open.getAsBoolean()) {
            target.integer(value);
        }
    }

    @Override
    public void bulk(byte[] value) {
        if (open.getAsBoolean()) {
            target.bulk(value);
        }
    }

    @Override
    public void nil() {
        if (open.getAsBoolean()) {
            target.nil();
        }
    }

    @Override
    public void array(int length) {
        if (open.getAsBoolean()) {
            target.array(length);
        }
    }

    @Override
    public void nilArray() {
        if (open.getAsBoolean()) {
            target.nilArray();
        }
    }

    @Override
    public void map(int entries) {
        if (open.getAsBoolean()) {
            target.map(entries);
        }
    }

    @Override
    public void push(int length) {
        if (open.getAsBoolean()) {
            target.push(length);
        }
    }

    @Override
    public void set(int length) {
        if (open.getAsBoolean()) {
            target.set(length);
        }
    }

    @Override
    public void doubleValue(double value) {
        if (open.getAsBoolean()) {
            target.doubleValue(value);
        }
    }

    @Override
    public void doubleText(String text) {
        if (open.getAsBoolean()) {
            target.doubleText(text);
        }
    }

    @Override
    public void bool(boolean value) {
        if (open.getAsBoolean()) {
            target.bool(value);
        }
    }
}
