package dev.larder.redis.commands.streams;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.Reply;
import dev.larder.redis.api.types.StreamId;
import dev.larder.redis.api.types.StreamValue;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Stream IDs as Redis parses them (streamGenericParseIDOrReply) and stream entries as it replies them. */
final class StreamIds {

    static final String INVALID = "ERR Invalid stream ID specified as stream command argument";

    private StreamIds() {
    }

    /** A parsed ID, and whether its sequence was given (false for "ms" alone or "ms-*"). */
    record Parsed(StreamId id, boolean sequenceGiven) {
    }

    /**
     * "ms-seq", "ms" (the sequence is {@code missingSequence}), "-" and "+" unless {@code strict}, and
     * "ms-*" where {@code starAllowed} (XADD).
     */
    static Parsed parse(byte[] argument, long missingSequence, boolean strict, boolean starAllowed) throws RedisException {
        String text = new String(argument, StandardCharsets.US_ASCII);
        if (argument.length > 127) {
            throw new RedisException(INVALID);
        }
        if (text.equals("-") || text.equals("+")) {
            if (strict) {
                throw new RedisException(INVALID);
            }
            return new Parsed(text.equals("-") ? StreamId.MIN : StreamId.MAX, true);
        }
        int dash = text.indexOf('-');
        long ms = unsigned(dash < 0 ? text : text.substring(0, dash));
        if (dash < 0) {
            return new Parsed(new StreamId(ms, missingSequence), true);
        }
        String sequence = text.substring(dash + 1);
        if (starAllowed && sequence.equals("*")) {
            return new Parsed(new StreamId(ms, 0), false);
        }
        return new Parsed(new StreamId(ms, unsigned(sequence)), true);
    }

    static StreamId strict(byte[] argument) throws RedisException {
        return parse(argument, 0, true, false).id();
    }

    /** Redis's string2ull: a decimal without sign, up to 2^64 - 1. */
    private static long unsigned(String text) throws RedisException {
        if (text.isEmpty() || text.length() > 20) {
            throw new RedisException(INVALID);
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                throw new RedisException(INVALID);
            }
        }
        try {
            return Long.parseUnsignedLong(text);
        } catch (NumberFormatException e) {
            throw new RedisException(INVALID);
        }
    }

    /** An interval end: "(" makes it exclusive, then the ID moves one step inwards. */
    static StreamId intervalStart(byte[] argument) throws RedisException {
        if (argument.length > 1 && argument[0] == '(') {
            StreamId id = strict(java.util.Arrays.copyOfRange(argument, 1, argument.length)).next();
            if (id == null) {
                throw new RedisException("ERR invalid start ID for the interval");
            }
            return id;
        }
        return parse(argument, 0, false, false).id();
    }

    static StreamId intervalEnd(byte[] argument) throws RedisException {
        if (argument.length > 1 && argument[0] == '(') {
            StreamId id = parse(java.util.Arrays.copyOfRange(argument, 1, argument.length), -1L, true, false).id().previous();
            if (id == null) {
                throw new RedisException("ERR invalid end ID for the interval");
            }
            return id;
        }
        return parse(argument, -1L, false, false).id();
    }

    static void id(Reply r, StreamId id) {
        r.bulk(id.toString());
    }

    /** [id, [field, value, ...]] */
    static void entry(Reply r, StreamId id, byte[][] fields) {
        r.array(2);
        id(r, id);
        if (fields == null) {
            r.nilArray();
            return;
        }
        r.array(fields.length);
        for (byte[] field : fields) {
            r.bulk(field);
        }
    }

    /** Entries from {@code start} to {@code end}, at most {@code count} (0: all), oldest first or, reversed, newest first. */
    static void range(Reply r, StreamValue stream, StreamId start, StreamId end, long count, boolean reverse) {
        if (start.compareTo(end) > 0) {
            r.array(0);
            return;
        }
        var range = stream.entries().subMap(start, true, end, true);
        var entries = reverse ? range.descendingMap() : range;
        int size = (int) (count > 0 ? Math.min(count, entries.size()) : entries.size());
        r.array(size);
        int written = 0;
        for (Map.Entry<StreamId, byte[][]> entry : entries.entrySet()) {
            if (written++ == size) {
                break;
            }
            entry(r, entry.getKey(), entry.getValue());
        }
    }

    static long count(byte[] argument) throws RedisException {
        return Math.max(0, Arguments.toLong(argument));
    }
}
