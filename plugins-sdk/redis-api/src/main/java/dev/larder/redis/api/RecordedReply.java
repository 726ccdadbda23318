package dev.larder.redis.api;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A reply written now and replayed later into another: a served blocked command's, or the part of a
 * reply that is written before its length is known (XCLAIM).
 */
public final class RecordedReply implements Reply {

    private final List<Consumer<Reply>> parts = new ArrayList<>();

    public void replay(Reply target) {
        parts.forEach(part -> part.accept(target));
    }

    @Override
    public void simple(String status) {
        parts.add(r -> r.simple(status));
    }

    @Override
    public void error(String message) {
        parts.add(r -> r.error(message));
    }

    @Override
    public void integer(long value) {
        parts.add(r -> r.integer(value));
    }

    @Override
    public void bulk(byte[] value) {
        parts.add(r -> r.bulk(value));
    }

    @Override
    public void nil() {
        parts.add(Reply::nil);
    }

    @Override
    public void array(int length) {
        parts.add(r -> r.array(length));
    }

    @Override
    public void nilArray() {
        parts.add(Reply::nilArray);
    }

    @Override
    public void map(int entries) {
        parts.add(r -> r.map(entries));
    }

    @Override
    public void set(int length) {
        parts.add(r -> r.set(length));
    }

    @Override
    public void doubleValue(double value) {
        parts.add(r -> r.doubleValue(value));
    }

    @Override
    public void doubleText(String text) {
        parts.add(r -> r.doubleText(text));
    }

    @Override
    public void push(int length) {
        parts.add(r -> r.push(length));
    }

    @Override
    public void bool(boolean value) {
        parts.add(r -> r.bool(value));
    }
}
