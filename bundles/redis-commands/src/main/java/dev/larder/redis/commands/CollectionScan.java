package dev.larder.redis.commands;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.GlobPattern;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.Reply;
import java.util.ArrayList;
import java.util.List;

/** HSCAN, SSCAN and ZSCAN: their arguments and their loop, as Redis's scanGenericCommand. */
public final class CollectionScan {

    /** One step over a collection: adds what one bucket holds (a member, or a member and its value) and returns the next cursor. */
    @FunctionalInterface
    public interface Step {
        long next(long cursor, List<byte[]> found);
    }

    private final long cursor;
    private final byte[] pattern;
    private final long count;
    private final boolean noValues;

    private CollectionScan(long cursor, byte[] pattern, long count, boolean noValues) {
        this.cursor = cursor;
        this.pattern = pattern == null || GlobPattern.selectsEverything(pattern) ? null : pattern;
        this.count = count;
        this.noValues = noValues;
    }

    /** The cursor at {@code argv[2]} and the options after it; NOVALUES only where {@code noValuesAllowed}. */
    public static CollectionScan parse(byte[][] argv, boolean noValuesAllowed) throws RedisException {
        long cursor;
        try {
            cursor = Long.parseUnsignedLong(Arguments.text(argv[2]));
        } catch (NumberFormatException e) {
            throw new RedisException("ERR invalid cursor");
        }
        byte[] pattern = null;
        long count = 10;
        boolean noValues = false;
        for (int i = 3; i < argv.length; i++) {
            if (Arguments.is(argv[i], "COUNT") && i + 1 < argv.length) {
                count = Arguments.toLong(argv[++i]);
                if (count < 1) {
                    throw RedisException.syntax();
                }
            } else if (Arguments.is(argv[i], "MATCH") && i + 1 < argv.length) {
                pattern = argv[++i];
            } else if (noValuesAllowed && Arguments.is(argv[i], "NOVALUES")) {
                noValues = true;
            } else {
                throw RedisException.syntax();
            }
        }
        return new CollectionScan(cursor, pattern, count, noValues);
    }

    /** Runs the steps until COUNT members are found (or ten times as many buckets seen) and replies. */
    public void reply(Reply r, boolean pairs, Step step) {
        int width = pairs ? 2 : 1;
        List<byte[]> found = new ArrayList<>();
        long next = cursor;
        long iterations = count * 10;
        do {
            next = step.next(next, found);
        } while (next != 0 && iterations-- > 0 && found.size() / width < count);
        List<byte[]> shown = new ArrayList<>(found.size());
        for (int i = 0; i < found.size(); i += width) {
            if (pattern == null || GlobPattern.matches(pattern, found.get(i))) {
                shown.add(found.get(i));
                if (pairs && !noValues) {
                    shown.add(found.get(i + 1));
                }
            }
        }
        r.array(2);
        r.bulk(Long.toUnsignedString(next));
        r.array(shown.size());
        shown.forEach(r::bulk);
    }
}
