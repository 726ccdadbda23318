package dev.larder.redis.commands;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.RedisException;

/** The timeout of a blocking command, as Redis's getTimeoutFromObjectOrReply reads it; 0 waits for ever. */
public final class BlockingTimeout {

    private BlockingTimeout() {
    }

    /**
     * Seconds, fractions allowed (BLPOP, BZPOPMIN): milliseconds to wait, the fraction of a millisecond cut
     * off as Redis 7.0 cuts it; a value too large for a 64-bit count of milliseconds turns negative there, and
     * is refused as negative here too.
     */
    public static long seconds(byte[] argument) throws RedisException {
        double seconds;
        try {
            seconds = Arguments.toDouble(argument);
        } catch (RedisException e) {
            throw new RedisException("ERR timeout is not a float or out of range");
        }
        double millis = seconds * 1000;
        if (millis < 0 || millis >= 0x1p63) {
            throw new RedisException("ERR timeout is negative");
        }
        return (long) millis;
    }

    /** Milliseconds, whole (XREAD BLOCK). */
    public static long millis(byte[] argument) throws RedisException {
        long millis;
        try {
            millis = Arguments.toLong(argument);
        } catch (RedisException e) {
            throw new RedisException("ERR timeout is not an integer or out of range");
        }
        if (millis < 0) {
            throw new RedisException("ERR timeout is negative");
        }
        return millis;
    }

    /** A blocked command's retry: a key that holds another type by now is passed over, the client keeps waiting. */
    public static CommandContext.Attempt retry(CommandContext.Attempt attempt) {
        return (context, reply) -> {
            try {
                return attempt.attempt(context, reply);
            } catch (RedisException wrongTypeNow) {
                return false;
            }
        };
    }
}
