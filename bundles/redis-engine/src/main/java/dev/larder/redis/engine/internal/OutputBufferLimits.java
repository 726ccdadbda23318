package dev.larder.redis.engine.internal;

import dev.larder.redis.api.RedisException;
import dev.larder.redis.engine.ClientLimits.OutputLimit;
import java.util.Locale;

/** client-output-buffer-limit: {@code <class> <hard> <soft> <soft seconds>} for normal, replica (slave) and pubsub clients. */
record OutputBufferLimits(OutputLimit normal, OutputLimit replica, OutputLimit pubsub) {

    static final String REDIS_DEFAULT = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";

    /** The classes {@code value} names changed, the others as in {@code current}; Redis's errors for bad values. */
    static OutputBufferLimits parse(String given, String value, String current) throws RedisException {
        return parse(given, value, parseValid(current == null ? REDIS_DEFAULT : current));
    }

    private static OutputBufferLimits parse(String given, String value, OutputBufferLimits limits) throws RedisException {
        String[] parts = value.trim().split(" +");
        if (value.isBlank() || parts.length % 4 != 0) {
            throw RedisParameters.failed(given, "Wrong number of arguments in buffer limit configuration.");
        }
        for (int i = 0; i < parts.length; i += 4) {
            String kind = parts[i].toLowerCase(Locale.ROOT);
            if (!kind.equals("normal") && !kind.equals("replica") && !kind.equals("slave") && !kind.equals("pubsub")) {
                throw RedisParameters.failed(given, "Invalid client class specified in buffer limit configuration.");
            }
            OutputLimit limit;
            try {
                limit = new OutputLimit(RedisParameters.memory(given, parts[i + 1]), RedisParameters.memory(given, parts[i + 2]),
                        Long.parseLong(parts[i + 3]));
            } catch (RedisException | NumberFormatException e) {
                throw RedisParameters.failed(given, "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
            }
            if (limit.softSeconds() < 0) {
                throw RedisParameters.failed(given, "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
            }
            limits = switch (kind) {
                case "normal" -> new OutputBufferLimits(limit, limits.replica, limits.pubsub);
                case "pubsub" -> new OutputBufferLimits(limits.normal, limits.replica, limit);
                default -> new OutputBufferLimits(limits.normal, limit, limits.pubsub);
            };
        }
        return limits;
    }

    static OutputBufferLimits parseValid(String value) {
        try {
            return parse("client-output-buffer-limit", value, new OutputBufferLimits(OutputLimit.NONE, OutputLimit.NONE, OutputLimit.NONE));
        } catch (RedisException e) {
            throw new IllegalArgumentException(value, e);
        }
    }

    @Override
    public String toString() {
        return "normal " + text(normal) + " slave " + text(replica) + " pubsub " + text(pubsub);
    }

    private static String text(OutputLimit limit) {
        return limit.hardBytes() + " " + limit.softBytes() + " " + limit.softSeconds();
    }
}
