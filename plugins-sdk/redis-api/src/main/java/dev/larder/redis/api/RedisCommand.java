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

    /**
     * Whether the command may run for long (a script): the engine then runs it off the network thread,
     * so a client whose connection shares that thread can still be served (SCRIPT KILL), and the client
     * waits for the reply as for a blocked command.
     */
    default boolean mayRunLong() {
        return false;
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

    /** A command whose keys the arguments decide (a numkeys argument, say). */
    static RedisCommand of(CommandSpec spec, java.util.function.Function<byte[][], int[]> keys, Body body) {
        return new RedisCommand() {
            @Override
            public CommandSpec spec() {
                return spec;
            }

            @Override
            public int[] keyPositions(byte[][] argv) {
                return keys.apply(argv);
            }

            @Override
            public void execute(CommandContext context, byte[][] argv, Reply reply) throws RedisException {
                body.execute(context, argv, reply);
            }
        };
    }

    /**
     * Keys counted by the argument at {@code numkeysAt} and following it, plus the fixed positions
     * {@code more} (a destination key): what SINTERCARD, LMPOP or ZUNIONSTORE lock. A numkeys that is
     * not a count of the arguments gives no keys; the command then refuses it.
     */
    static int[] numkeys(byte[][] argv, int numkeysAt, int... more) {
        long count;
        try {
            count = Long.parseLong(new String(argv[numkeysAt], java.nio.charset.StandardCharsets.US_ASCII));
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            return new int[0];
        }
        if (count <= 0 || count > argv.length - numkeysAt - 1) {
            return new int[0];
        }
        int[] positions = new int[(int) count + more.length];
        for (int i = 0; i < count; i++) {
            positions[i] = numkeysAt + 1 + i;
        }
        System.arraycopy(more, 0, positions, (int) count, more.length);
        return positions;
    }

    /** What a command does, as a lambda. */
    @FunctionalInterface
    interface Body {
        void execute(CommandContext context, byte[][] argv, Reply reply) throws RedisException;
    }
}
