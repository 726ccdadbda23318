package dev.larder.redis.api.types;

/** Receives a collection's stored members: each member's key within the collection and its stored value. */
public interface MemberSink {

    void put(byte[] member, byte[] value);

    void remove(byte[] member);
}
