package dev.larder.rest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads commands from the request forms Upstash's REST API takes: JSON bodies, and URL paths with an optional raw body. */
final class CommandParser {

    static final JsonFactory JSON = new JsonFactory();
    private static final int BAD_REQUEST = 400;

    private CommandParser() {
    }

    /** A body {@code ["SET", "k", "v", "EX", 100]}: one command. */
    static byte[][] command(byte[] body) throws RestException {
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw notACommand();
            }
            byte[][] argv = arguments(parser);
            end(parser);
            return argv;
        } catch (IOException e) {
            throw malformed(e);
        }
    }

    /** A body {@code [["SET", "k", "v"], ["INCR", "k"]]}: the commands of /pipeline and /multi-exec. */
    static List<byte[][]> commands(byte[] body, int max) throws RestException {
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new RestException(BAD_REQUEST, "ERR the body must be a JSON array of commands, each an array such as [\"SET\", \"key\", \"value\"]");
            }
            List<byte[][]> commands = new ArrayList<>();
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                if (token != JsonToken.START_ARRAY) {
                    throw new RestException(BAD_REQUEST, "ERR command " + (commands.size() + 1)
                            + " is not an array: each command is an array such as [\"SET\", \"key\", \"value\"]");
                }
                if (commands.size() == max) {
                    throw new RestException(BAD_REQUEST, "ERR max pipeline size exceeded. Limit: " + max + " commands");
                }
                commands.add(arguments(parser));
            }
            end(parser);
            if (commands.isEmpty()) {
                throw new RestException(BAD_REQUEST, "ERR the body holds no commands");
            }
            return commands;
        } catch (IOException e) {
            throw malformed(e);
        }
    }

    /** The elements of an array whose start the parser has read: strings, numbers (as written) and booleans. */
    private static byte[][] arguments(JsonParser parser) throws IOException, RestException {
        List<byte[]> arguments = new ArrayList<>(4);
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            switch (token) {
                case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE ->
                        arguments.add(parser.getText().getBytes(StandardCharsets.UTF_8));
                default -> throw new RestException(BAD_REQUEST, "ERR command arguments must be strings, numbers or booleans, got "
                        + describe(token) + " as argument " + (arguments.size() + 1));
            }
        }
        if (arguments.isEmpty()) {
            throw new RestException(BAD_REQUEST, "ERR empty command: the array must start with the command's name");
        }
        return arguments.toArray(new byte[0][]);
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case VALUE_NULL -> "null";
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            default -> token.asString();
        };
    }

    private static void end(JsonParser parser) throws IOException, RestException {
        if (parser.nextToken() != null) {
            throw new RestException(BAD_REQUEST, "ERR unexpected content after the JSON array");
        }
    }

    private static RestException notACommand() {
        return new RestException(BAD_REQUEST, "ERR the body must be a JSON array: the command's name, then its arguments");
    }

    private static RestException malformed(IOException e) {
        String reason = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
        return new RestException(BAD_REQUEST, "ERR failed to parse the request body as JSON: " + reason);
    }

    /**
     * The path form: {@code /set/foo/bar/EX/100}, one argument per segment (percent-decoded); a raw body is
     * the argument after them, and query parameters ({@code ?EX=100}) come last.
     */
    static byte[][] fromPath(List<byte[]> segments, byte[] body, String rawQuery) {
        List<byte[]> arguments = new ArrayList<>(segments);
        if (body != null && body.length > 0) {
            arguments.add(body);
        }
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String parameter : rawQuery.split("&")) {
                if (parameter.isEmpty() || parameter.startsWith("_token=") || parameter.equals("_token")) {
                    continue;
                }
                int equals = parameter.indexOf('=');
                if (equals < 0) {
                    arguments.add(decode(parameter, true));
                } else {
                    arguments.add(decode(parameter.substring(0, equals), true));
                    if (equals + 1 < parameter.length()) {
                        arguments.add(decode(parameter.substring(equals + 1), true));
                    }
                }
            }
        }
        return arguments.toArray(new byte[0][]);
    }

    /** Splits a raw path into percent-decoded segments; a trailing slash adds none. */
    static List<byte[]> segments(String rawPath) {
        List<byte[]> segments = new ArrayList<>();
        int start = rawPath.startsWith("/") ? 1 : 0;
        while (start < rawPath.length()) {
            int slash = rawPath.indexOf('/', start);
            int end = slash < 0 ? rawPath.length() : slash;
            segments.add(decode(rawPath.substring(start, end), false));
            start = end + 1;
        }
        return segments;
    }

    /** Percent-decoding to bytes, so any binary argument can be sent; in a query '+' is a space. */
    static byte[] decode(String text, boolean query) {
        if (text.indexOf('%') < 0 && (!query || text.indexOf('+') < 0)) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length() && hex(text.charAt(i + 1)) >= 0 && hex(text.charAt(i + 2)) >= 0) {
                out.write(hex(text.charAt(i + 1)) * 16 + hex(text.charAt(i + 2)));
                i += 3;
            } else if (c == '+' && query) {
                out.write(' ');
                i++;
            } else {
                int run = i + 1;
                while (run < text.length() && text.charAt(run) != '%' && !(query && text.charAt(run) == '+')) {
                    run++;
                }
                out.writeBytes(text.substring(i, run).getBytes(StandardCharsets.UTF_8));
                i = run;
            }
        }
        return out.toByteArray();
    }

    /** An ASCII hex digit's value, else -1 (Character.digit alone also takes other scripts' digits, '\u0663' as 3). */
    private static int hex(char c) {
        return c < 0x80 ? Character.digit(c, 16) : -1;
    }
}
