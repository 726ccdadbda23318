package dev.larder.redis.api;

/** A command error, replied as -MESSAGE. The message starts with the error code, as Redis words it. */
public class RedisException extends Exception {
    private static final long serialVersionUID = 1L;

    public RedisException(String message) {
        super(message, null, false, false);
    }

    public static RedisException syntax() {
        return new RedisException("ERR syntax error");
    }

    public static RedisException wrongType() {
        return new RedisException("WRONGTYPE Operation against a key holding the wrong kind of value");
    }

    public static RedisException notInteger() {
        return new RedisException("ERR value is not an integer or out of range");
    }

    public static RedisException notFloat() {
        return new RedisException("ERR value is not a valid float");
    }

    public static RedisException wrongArity(String command) {
        return new RedisException("ERR wrong number of arguments for '" + command + "' command");
    }

    /** Redis's answer to a subcommand a container command does not have, naming it as the client wrote it. */
    public static RedisException unknownSubcommand(String command, byte[] subcommand) {
        return new RedisException("ERR unknown subcommand '" + Arguments.text(subcommand) + "'. Try " + command + " HELP.");
    }

    public static RedisException noSuchKey() {
        return new RedisException("ERR no such key");
    }
}
