package dev.larder.redis.commands.sortedsets;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.types.Bytes;
import dev.larder.redis.api.types.LexRange;
import java.util.Arrays;

/** Score and lex range arguments as Redis's zslParseRange and zslParseLexRange read them. */
final class Ranges {

    private Ranges() {
    }

    /** "1.5", "(1.5" (exclusive), "-inf", "+inf". */
    static dev.larder.redis.api.types.ScoreRange score(byte[] min, byte[] max) throws RedisException {
        try {
            boolean minExclusive = min.length > 0 && min[0] == '(';
            boolean maxExclusive = max.length > 0 && max[0] == '(';
            double low = bound(minExclusive ? Arrays.copyOfRange(min, 1, min.length) : min);
            double high = bound(maxExclusive ? Arrays.copyOfRange(max, 1, max.length) : max);
            return new dev.larder.redis.api.types.ScoreRange(low, minExclusive, high, maxExclusive);
        } catch (RedisException e) {
            throw new RedisException("ERR min or max is not a float");
        }
    }

    private static double bound(byte[] text) throws RedisException {
        // strtod: leading blanks are skipped, nothing may follow
        return Arguments.toDouble(text);
    }

    /** "[a" (inclusive), "(a" (exclusive), "-", "+". */
    static LexRange lex(byte[] min, byte[] max) throws RedisException {
        LexRange.Bound low = lexBound(min);
        LexRange.Bound high = lexBound(max);
        if (low == null || high == null) {
            throw new RedisException("ERR min or max not valid string range item");
        }
        return new LexRange(low, high);
    }

    private static LexRange.Bound lexBound(byte[] text) {
        if (text.length == 0) {
            return null;
        }
        return switch (text[0]) {
            case '+' -> text.length == 1 ? LexRange.Bound.POSITIVE_INFINITY : null;
            case '-' -> text.length == 1 ? LexRange.Bound.NEGATIVE_INFINITY : null;
            case '(' -> new LexRange.Bound(new Bytes(Arrays.copyOfRange(text, 1, text.length)), false, false);
            case '[' -> new LexRange.Bound(new Bytes(Arrays.copyOfRange(text, 1, text.length)), true, false);
            default -> null;
        };
    }
}
