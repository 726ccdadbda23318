package dev.larder.redis.commands;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.RedisException;

/** Expiry arguments as SET, GETEX and EXPIRE read them. */
public final class Expiry {

    private Expiry() {
    }

    /**
     * An absolute expiry in Unix milliseconds from an EX/PX/EXAT/PXAT-style argument.
     *
     * @param seconds  whether the amount is in seconds
     * @param absolute whether the amount is a Unix time rather than a time from now
     * @param command  the command's name for the error message
     */
    public static long expireAt(byte[] amount, boolean seconds, boolean absolute, long nowMillis, String command)
            throws RedisException {
        long value = Arguments.toLong(amount);
        if (value <= 0 || (seconds && value > Long.MAX_VALUE / 1000)) {
            throw invalid(command);
        }
        long millis = seconds ? value * 1000 : value;
        if (absolute) {
            return millis;
        }
        if (millis > Long.MAX_VALUE - nowMillis) {
            throw invalid(command);
        }
        return nowMillis + millis;
    }

    public static RedisException invalid(String command) {
        return new RedisException("ERR invalid expire time in '" + command + "' command");
    }
}
