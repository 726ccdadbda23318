package dev.larder.itests.resp;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal RESP client for comparing servers byte for byte: sends commands as RESP arrays (or raw
 * bytes) and reads each reply into a canonical text form ("+OK", "-ERR ...", ":1", "$value", "$nil",
 * "*[a, b]").
 */
public final class RespClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RespClient(int port) throws IOException {
        this("127.0.0.1", port);
    }

    public RespClient(String host, int port) throws IOException {
        socket = new Socket(host, port);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /**
     * Whether the socket is connected to itself: on Linux a connection to a loopback port in the
     * ephemeral range that nothing listens on can get that same port as its own and connect to itself,
     * which then keeps the server from binding it.
     */
    public boolean connectedToItself() {
        return socket.getLocalPort() == socket.getPort();
    }

    public String call(String... args) throws IOException {
        send(args);
        return read();
    }

    public void send(String... args) throws IOException {
        byte[][] bytes = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            bytes[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        sendBytes(bytes);
    }

    /** A command whose arguments are bytes that need not be text (a DUMP payload). */
    public String callBytes(byte[]... args) throws IOException {
        sendBytes(args);
        return read();
    }

    public void sendBytes(byte[]... args) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.write(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
        for (byte[] arg : args) {
            request.write(("$" + arg.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            request.write(arg);
            request.write("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.write(request.toByteArray());
        out.flush();
    }

    /** Reads a bulk string reply as its bytes. */
    public byte[] readBulkBytes() throws IOException {
        int type = in.read();
        String line = line();
        if (type != '$') {
            throw new IOException("not a bulk string: " + (char) type + line);
        }
        byte[] data = in.readNBytes(Integer.parseInt(line));
        in.readNBytes(2);
        return data;
    }

    public void sendRaw(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Reads one reply if one starts within {@code millis}, else null (a blocked command still waits). */
    public String readWithin(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            in.mark(1);
            if (in.read() < 0) {
                return "EOF";
            }
            in.reset();
        } catch (java.net.SocketTimeoutException e) {
            return null;
        } finally {
            socket.setSoTimeout(10_000);
        }
        return read();
    }

    /** Reads one reply; "EOF" when the server closed the connection. */
    public String read() throws IOException {
        int type = in.read();
        if (type < 0) {
            return "EOF";
        }
        String line = line();
        switch (type) {
            case '+', '-', ':', ',', '#':
                return (char) type + line;
            case '_':
                return "$nil";
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return "$nil";
                }
                byte[] data = in.readNBytes(length);
                in.readNBytes(2);
                return "$" + new String(data, StandardCharsets.UTF_8);
            }
            case '*', '%', '~', '>': {
                int count = Integer.parseInt(line);
                if (count < 0) {
                    return "*nil";
                }
                List<String> items = new ArrayList<>();
                int elements = type == '%' ? count * 2 : count;
                for (int i = 0; i < elements; i++) {
                    items.add(read());
                }
                return (char) type + items.toString();
            }
            default:
                throw new IOException("unexpected reply type '" + (char) type + "'" + line);
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\r') {
            if (b < 0) {
                throw new IOException("connection closed mid-line");
            }
            bytes.write(b);
        }
        in.read();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
