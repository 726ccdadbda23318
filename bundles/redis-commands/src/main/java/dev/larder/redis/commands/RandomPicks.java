package dev.larder.redis.commands;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.Reply;
import dev.larder.redis.api.types.Bytes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Function;

/** HRANDFIELD, SRANDMEMBER and ZRANDMEMBER with a count: distinct members for a positive count, repeats for a negative one. */
public final class RandomPicks {

    private RandomPicks() {
    }

    public static Random random() {
        return ThreadLocalRandom.current();
    }

    /** The count argument, as Redis range-checks it (half the range when each pick also carries a value). */
    public static long count(byte[] argument, boolean withValues) throws RedisException {
        long count = Arguments.toLong(argument);
        if (count == Long.MIN_VALUE) {
            throw new RedisException("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
        }
        if (withValues && count < -Long.MAX_VALUE / 2) {
            throw new RedisException("ERR value is out of range");
        }
        return count;
    }

    /**
     * @param randomMember a random member of the collection
     * @param everyMember visits every member
     */
    public static List<Bytes> pick(long count, int size, Function<Random, Bytes> randomMember, Consumer<Consumer<Bytes>> everyMember) {
        Random random = random();
        if (size == 0 || count == 0) {
            return List.of();
        }
        if (count < 0) {
            long picks = -count;
            List<Bytes> picked = new ArrayList<>((int) Math.min(picks, 1 << 16));
            for (long i = 0; i < picks; i++) {
                picked.add(randomMember.apply(random));
            }
            return picked;
        }
        if (count >= size || count * 3 > size) {
            List<Bytes> all = new ArrayList<>(size);
            everyMember.accept(all::add);
            if (count >= size) {
                return all;
            }
            Collections.shuffle(all, random);
            return all.subList(0, (int) count);
        }
        Set<Bytes> picked = new LinkedHashSet<>();
        while (picked.size() < count) {
            picked.add(randomMember.apply(random));
        }
        return new ArrayList<>(picked);
    }

    /** The picks, each with its value when asked: RESP3 pairs them in arrays, RESP2 flattens them. */
    public static void reply(CommandContext c, Reply r, List<Bytes> picked, boolean withValues, Consumer<Bytes> value) {
        if (!withValues) {
            r.array(picked.size());
            picked.forEach(member -> r.bulk(member.bytes()));
            return;
        }
        boolean pairs = c.client().protocol() == 3;
        r.array(pairs ? picked.size() : picked.size() * 2);
        for (Bytes member : picked) {
            if (pairs) {
                r.array(2);
            }
            r.bulk(member.bytes());
            value.accept(member);
        }
    }
}
