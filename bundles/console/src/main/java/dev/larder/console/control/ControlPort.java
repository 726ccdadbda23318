package dev.larder.console.control;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs console commands for {@code bin/larder console <command>} while the server runs in the background:
 * a port on loopback, announced with a fresh secret in {@code <data>/control} (readable by the server's
 * user only). A connection sends the secret and one command line, and gets {@code OK} or {@code ERROR}
 * and the command's output; one command runs at a time.
 */
@Component(immediate = true, service = {})
public class ControlPort {

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.console");
    private static final int MAX_LINE = 64 * 1024;

    private final CommandProcessor commands;
    private ServerSocket server;
    private Path announcement;
    private Thread acceptor;

    @Activate
    public ControlPort(@Reference CommandProcessor commands) {
        this.commands = commands;
    }

    @Activate
    void activate(BundleContext context) {
        String data = context.getProperty("larder.data");
        if (data == null || data.isBlank()) {
            data = System.getProperty("larder.data");
        }
        if (data == null || data.isBlank()) {
            return; // not started by bin/larder: nobody to announce the port to
        }
        byte[] secretBytes = new byte[24];
        new SecureRandom().nextBytes(secretBytes);
        String secret = HexFormat.of().formatHex(secretBytes);
        try {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
            announcement = Path.of(data, "control");
            Files.deleteIfExists(announcement);
            Files.createFile(announcement, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(announcement, server.getLocalPort() + " " + secret + "\n", StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("No control port for bin/larder console: {}", e.toString());
            close();
            return;
        }
        acceptor = new Thread(() -> serve(secret), "larder-control");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void serve(String secret) {
        while (!server.isClosed()) {
            try (Socket client = server.accept()) {
                client.setSoTimeout(10_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8), 8192);
                String offered = line(in);
                String command = line(in);
                OutputStream out = client.getOutputStream();
                if (offered == null || !MessageDigest.isEqual(offered.getBytes(StandardCharsets.UTF_8), secret.getBytes(StandardCharsets.UTF_8))) {
                    out.write("ERROR\nnot authorized\n".getBytes(StandardCharsets.UTF_8));
                    continue;
                }
                client.setSoTimeout(0);
                out.write(run(command == null ? "" : command).getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.debug("Control connection failed", e);
                }
            }
        }
    }

    private static String line(BufferedReader in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (line.length() >= MAX_LINE) {
                return null;
            }
            line.append((char) c);
        }
        return c < 0 && line.isEmpty() ? null : line.toString();
    }

    private String run(String command) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8);
        try (CommandSession session = commands.createSession(new ByteArrayInputStream(new byte[0]), print, print)) {
            Object result = session.execute(command);
            if (result != null) {
                print.println(session.format(result, org.apache.felix.service.command.Converter.INSPECT));
            }
            return "OK\n" + output.toString(StandardCharsets.UTF_8);
        } catch (Exception e) {
            return "ERROR\n" + output.toString(StandardCharsets.UTF_8) + e.getMessage() + "\n";
        }
    }

    @Deactivate
    void close() {
        try {
            if (server != null) {
                server.close();
            }
            if (announcement != null) {
                Files.deleteIfExists(announcement);
            }
        } catch (IOException e) {
            LOG.debug("Closing the control port failed", e);
        }
    }
}
