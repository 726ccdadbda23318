package dev.larder.redis.api;

/** One Redis command. */
public interface RedisCommand {

    CommandSpec spec();

    /**
     * Runs the command. {@code argv[0]} is the command name as the client sent it. Errors are thrown as
     * {@link RedisException} (the engine replies with them) or written with {@link Reply#error}.
     */
    void execute(CommandContext context, byte[][] argv, Reply reply) throws RedisException;

    /**
     * Positions in {@code argv} that hold keys. The default follows the spec's first key, last key and
     * step; commands whose keys depend on their arguments (a numkeys argument) override it.
     */
    default int[] keyPositions(byte[][] argv) {
        return spec().keyPositions(argv.length);
    }

    /** A command from its spec and a body, for commands whose keys follow the spec. */
    static RedisCommand of(CommandSpec spec, Body body) {
        return new RedisCommand() {
            @Override
            public CommandSpec spec() {
                return spec;
            }

            @Override
            public void execute(CommandContext context, byte[][] argv, Reply reply) throws RedisException {
                body.execute(context, argv, reply);
            }
        };
    }

    /** What a command does, as a lambda. */
    @FunctionalInterface
    interface Body {
        void execute(CommandContext context, byte[][] argv, Reply reply) throws RedisException;
    }
}
