package dev.larder.rest;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.larder.databases.Access;
import dev.larder.databases.AnonymousAccess;
import dev.larder.databases.Database;
import dev.larder.databases.Databases;
import dev.larder.http.HttpError;
import dev.larder.http.HttpExchanges;
import dev.larder.http.HttpProduct;
import dev.larder.redis.engine.CommandEngine;
import dev.larder.redis.engine.EngineSession;
import dev.larder.redis.engine.UserAccess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upstash's Redis REST API: picks the request form (a JSON command at the root, /pipeline, /multi-exec,
 * the path form, the event streams), authenticates the token, and hands the commands to the engine.
 * Nothing here waits: bodies are read, commands answered and streams fed by callbacks.
 */
final class RestHandler implements HttpProduct {

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.rest");
    static final String SYNC_TOKEN = "upstash-sync-token";
    private static final String ENCODING = "Upstash-Encoding";
    private static final String RESPONSE_FORMAT = "Upstash-Response-Format";
    /** The spelling Upstash's own documentation uses in its examples. */
    private static final String RESPONSE_FORMAT_MISSPELLED = "Upstash-Reponse-Format";
    private static final byte[] DATABASE_SEGMENT = "db".getBytes(StandardCharsets.US_ASCII);

    private final CommandEngine engine;
    private final Databases databases;
    private final CommandRules rules;
    private final RestSettings settings;
    private final String pathPrefix;
    private final Set<EventStream> streams = ConcurrentHashMap.newKeySet();

    RestHandler(CommandEngine engine, Databases databases, RestSettings settings) {
        this.engine = engine;
        this.databases = databases;
        this.rules = new CommandRules(engine, settings);
        this.settings = settings;
        this.pathPrefix = normalizedPrefix(settings.pathPrefix());
    }

    static String normalizedPrefix(String prefix) {
        String trimmed = prefix.trim();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.isEmpty() || trimmed.startsWith("/") ? trimmed : "/" + trimmed;
    }

    /** The request as routed: which form, the path's segments after the form's name, the database and token. */
    private record Route(String form, List<byte[]> segments, String database, String token, boolean base64, boolean resp2) {
    }

    @Override
    public String path() {
        return pathPrefix;
    }

    @Override
    public byte[] errorBody(int status, String message) {
        return errorBody("ERR " + message);
    }

    @Override
    public void handle(Request request, Response response, Callback callback) {
        try {
            String method = request.getMethod();
            if (HttpExchanges.crossOrigin(request, response, callback, "HEAD, GET, POST, PUT", SYNC_TOKEN)) {
                return;
            }
            if (!method.equals("POST") && !method.equals("GET") && !method.equals("PUT") && !method.equals("HEAD")) {
                response.getHeaders().put(HttpHeader.ALLOW, "HEAD, GET, POST, PUT");
                throw new RestException(405, "ERR method " + method + " is not allowed: use HEAD, GET, POST or PUT");
            }
            Route route = route(request);
            UserAccess access = access(request, route);
            boolean hasBody = method.equals("POST") || method.equals("PUT");
            CompletableFuture<byte[]> body = hasBody ? HttpExchanges.body(request, settings.maxRequestBytes(), tooLarge().getMessage())
                    : CompletableFuture.completedFuture(new byte[0]);
            body.whenComplete((bytes, failure) -> {
                if (failure != null) {
                    answerError(request, response, callback, failure instanceof HttpError refused && refused.status() == 413 ? tooLarge()
                            : new RestException(400, "ERR " + failure.getMessage()));
                    return;
                }
                try {
                    serve(request, response, callback, route, access, bytes);
                } catch (RestException refused) {
                    answerError(request, response, callback, refused);
                } catch (RuntimeException e) {
                    LOG.error("REST request {} failed", request.getHttpURI().getPath(), e);
                    answerError(request, response, callback, new RestException(500, "ERR " + e));
                }
            });
        } catch (RestException refused) {
            answerError(request, response, callback, refused);
        }
    }

    private RestException tooLarge() {
        return new RestException(413, "ERR max request size exceeded. Limit: " + settings.maxRequestBytes() + " bytes");
    }

    private Route route(Request request) throws RestException {
        String path = request.getHttpURI().getPath();
        if (path == null) {
            path = "/";
        }
        if (!pathPrefix.isEmpty()) {
            if (!path.equals(pathPrefix) && !path.startsWith(pathPrefix + "/")) {
                throw new RestException(404, "ERR not found: the API is served under " + pathPrefix);
            }
            path = path.substring(pathPrefix.length());
        }
        List<byte[]> segments = CommandParser.segments(path);
        String database = null;
        if (segments.size() >= 2 && java.util.Arrays.equals(segments.get(0), DATABASE_SEGMENT)) {
            database = new String(segments.get(1), StandardCharsets.UTF_8);
            segments = segments.subList(2, segments.size());
        }
        String form = "";
        if (!segments.isEmpty()) {
            String first = new String(segments.get(0), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            switch (first) {
                case "pipeline", "multi-exec" -> form = segments.size() == 1 ? first : "path";
                case "subscribe", "psubscribe", "monitor" -> {
                    form = first;
                    segments = segments.subList(1, segments.size()); // the channels or patterns
                }
                default -> form = "path";
            }
        }
        String encoding = request.getHeaders().get(ENCODING);
        boolean base64 = encoding != null && encoding.trim().equalsIgnoreCase("base64");
        String format = request.getHeaders().get(RESPONSE_FORMAT);
        if (format == null) {
            format = request.getHeaders().get(RESPONSE_FORMAT_MISSPELLED);
        }
        boolean resp2 = false;
        if (format != null && !format.trim().equalsIgnoreCase("json")) {
            if (!format.trim().equalsIgnoreCase("resp2")) {
                throw new RestException(400, "ERR unsupported Upstash-Response-Format '" + format.trim() + "': use json or resp2");
            }
            if (base64) {
                throw new RestException(400, "ERR Upstash-Encoding: base64 cannot be combined with Upstash-Response-Format: resp2");
            }
            resp2 = true;
        }
        return new Route(form, segments, database, HttpExchanges.bearerToken(request, "_token"), base64, resp2);
    }

    /**
     * The database and rights the token grants (and, with a database in the URL, only that one): a database
     * token, or an ACL user's REST token (ACL RESTTOKEN), whose rules then apply. Without a token a request
     * gets what a RESP client that sends no AUTH gets: the default database while it has no token, from loopback.
     */
    private UserAccess access(Request request, Route route) throws RestException {
        if (route.token() != null && !route.token().isEmpty()) {
            Optional<UserAccess> granted = databases.authenticate(route.token()).map(UserAccess::of);
            if (granted.isEmpty()) {
                granted = engine.authenticateUser(route.token());
            }
            if (granted.isPresent() && (route.database() == null || granted.get().access().database().name().equals(route.database()))) {
                return granted.get();
            }
        } else if ((route.database() == null || route.database().equals(Database.DEFAULT_NAME))
                && databases.anonymousAccess(HttpExchanges.peer(request)) == AnonymousAccess.DEFAULT_DATABASE) {
            return UserAccess.of(new Access(databases.defaultDatabase(), false));
        }
        throw new RestException(401, "WRONGPASS invalid or missing auth token");
    }

    /** host:port, as CLIENT LIST and MONITOR show a client. */
    private static String address(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress() + ':' + inet.getPort();
        }
        return String.valueOf(address);
    }

    private void serve(Request request, Response response, Callback callback, Route route, UserAccess access, byte[] body)
            throws RestException {
        switch (route.form()) {
            case "subscribe", "psubscribe", "monitor" -> stream(request, response, callback, route, access);
            case "pipeline" -> run(request, response, callback, route, access, CommandRun.Shape.PIPELINE,
                    CommandParser.commands(body, settings.maxPipelineCommands()));
            case "multi-exec" -> run(request, response, callback, route, access, CommandRun.Shape.TRANSACTION,
                    CommandParser.commands(body, settings.maxPipelineCommands()));
            case "path" -> run(request, response, callback, route, access, CommandRun.Shape.SINGLE,
                    java.util.Collections.singletonList(CommandParser.fromPath(route.segments(), body, request.getHttpURI().getQuery())));
            default -> {
                if (body.length == 0) {
                    throw new RestException(400, "ERR no command: send a JSON array such as [\"SET\", \"key\", \"value\"], "
                            + "or name the command in the path (/set/key/value)");
                }
                run(request, response, callback, route, access, CommandRun.Shape.SINGLE, java.util.Collections.singletonList(CommandParser.command(body)));
            }
        }
    }

    private void run(Request request, Response response, Callback callback, Route route, UserAccess access, CommandRun.Shape shape,
            List<byte[][]> commands) throws RestException {
        String[] refusals = new String[commands.size()];
        for (int i = 0; i < refusals.length; i++) {
            refusals[i] = rules.vet(commands.get(i));
        }
        CommandRun run = new CommandRun(shape, commands, refusals, route.base64(), route.resp2(), request.getComponents().getThreadPool());
        ConnectionAddresses addresses = ConnectionAddresses.of(request);
        EngineSession session = engine.open(access, addresses.remote(), addresses.local(), run);
        run.answer().whenComplete((answer, failure) -> {
            session.close();
            if (failure != null) {
                LOG.error("REST request {} failed", request.getHttpURI().getPath(), failure);
                answerError(request, response, callback, new RestException(500, "ERR " + failure));
                return;
            }
            response.getHeaders().put(SYNC_TOKEN, Long.toString(answer.writePosition()));
            HttpExchanges.send(request, response, callback, answer.status(), answer.contentType(), answer.body());
        });
        run.start(session, syncToken(request));
    }

    /** The position the client's {@code upstash-sync-token} names; 0 when it sent none (or one not from Larder). */
    private static long syncToken(Request request) {
        String token = request.getHeaders().get(SYNC_TOKEN);
        if (token == null || token.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(token.trim());
        } catch (NumberFormatException notOurs) {
            return 0;
        }
    }

    /** The client's and this server's addresses, as CLIENT LIST and MONITOR show them; made once per connection. */
    private record ConnectionAddresses(String remote, String local) {

        private static final String ATTRIBUTE = ConnectionAddresses.class.getName();

        static ConnectionAddresses of(Request request) {
            ConnectionMetaData connection = request.getConnectionMetaData();
            if (connection.getAttribute(ATTRIBUTE) instanceof ConnectionAddresses known) {
                return known;
            }
            ConnectionAddresses addresses = new ConnectionAddresses(address(connection.getRemoteSocketAddress()),
                    address(connection.getLocalSocketAddress()));
            connection.setAttribute(ATTRIBUTE, addresses);
            return addresses;
        }
    }

    private void stream(Request request, Response response, Callback callback, Route route, UserAccess access) throws RestException {
        List<byte[]> arguments = new ArrayList<>();
        if (route.form().equals("monitor")) {
            arguments.add("MONITOR".getBytes(StandardCharsets.US_ASCII));
        } else {
            if (route.segments().isEmpty()) {
                throw new RestException(400, "ERR name the " + (route.form().equals("subscribe") ? "channel" : "pattern")
                        + " in the path: /" + route.form() + "/<name>");
            }
            arguments.add(route.form().getBytes(StandardCharsets.US_ASCII));
            arguments.addAll(route.segments());
        }
        EventStream stream = new EventStream(response, callback, request.getComponents().getThreadPool(), streams::remove);
        ConnectionAddresses addresses = ConnectionAddresses.of(request);
        EngineSession session = engine.open(access, addresses.remote(), addresses.local(), stream);
        EventLines first = new EventLines();
        session.execute(arguments.toArray(new byte[0][]), first);
        if (first.error() != null) {
            session.close();
            throw new RestException(400, first.error());
        }
        if (route.form().equals("monitor")) {
            first = new EventLines();
            first.line("\"OK\"");
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.getHeaders().put(SYNC_TOKEN, Long.toString(session.writePosition()));
        streams.add(stream);
        request.addFailureListener(stream::end);
        stream.start(session, first.bytes());
    }

    /** Sends a heartbeat on every open stream, so a client that went away is noticed and idle timeouts do not end them. */
    void heartbeat() {
        streams.forEach(EventStream::heartbeat);
    }

    /** Ends every open stream (the server stops). */
    void endStreams() {
        streams.forEach(stream -> stream.end(null));
    }

    private static void answerError(Request request, Response response, Callback callback, RestException error) {
        HttpExchanges.send(request, response, callback, error.status(), HttpExchanges.JSON, errorBody(error.getMessage()));
    }

    static byte[] errorBody(String message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length() + 16);
        try (JsonGenerator json = CommandParser.JSON.createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartObject();
            json.writeStringField("error", message);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
