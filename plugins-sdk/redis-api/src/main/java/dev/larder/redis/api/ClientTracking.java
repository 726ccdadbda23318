package dev.larder.redis.api;

import java.util.List;

/**
 * CLIENT TRACKING's options (client-side caching): invalidations go to the client itself (RESP3 push
 * messages) or to the client {@code redirect} names; {@code broadcast} tracks every key that starts with
 * one of {@code prefixes} (all keys when none) instead of the keys the client read; {@code optIn} tracks
 * only the keys of commands after CLIENT CACHING YES, {@code optOut} all but those after CLIENT CACHING
 * NO; {@code noLoop} sends no invalidation for the client's own writes.
 */
public record ClientTracking(long redirect, List<byte[]> prefixes, boolean broadcast, boolean optIn, boolean optOut,
        boolean noLoop) {

    public ClientTracking {
        prefixes = List.copyOf(prefixes);
    }
}
