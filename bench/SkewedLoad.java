import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A load of GETs and SETs over RESP on keys key:000000000000 to key:(keys-1), chosen either uniformly or
 * skewed (a share of the requests goes to the first fraction of the keys), for a given time; prints
 * requests per second, the p50 and p99 latency in microseconds and how many replies were errors. redis-benchmark has no skewed key
 * choice, so bench/redis-benchmark.sh runs this (java bench/SkewedLoad.java) for its larger-than-memory part.
 * Usage: java SkewedLoad.java port keys valueBytes seconds clients hotKeyFraction hotRequestShare setShare
 * (uniform: hotKeyFraction 1).
 */
public final class SkewedLoad {

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int keys = Integer.parseInt(args[1]);
        int valueBytes = Integer.parseInt(args[2]);
        long seconds = Long.parseLong(args[3]);
        int clients = Integer.parseInt(args[4]);
        double hotFraction = Double.parseDouble(args[5]);
        double hotShare = Double.parseDouble(args[6]);
        double setShare = Double.parseDouble(args[7]);
        int hotKeys = Math.max(1, (int) (keys * hotFraction));
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        Client[] running = new Client[clients];
        for (int i = 0; i < clients; i++) {
            running[i] = new Client(port, keys, hotKeys, hotShare, setShare, valueBytes, deadline);
            running[i].start();
        }
        long requests = 0;
        long errors = 0;
        long[][] latencies = new long[clients][];
        for (int i = 0; i < clients; i++) {
            running[i].join();
            if (running[i].failure != null) {
                throw running[i].failure;
            }
            requests += running[i].count;
            errors += running[i].errors;
            latencies[i] = Arrays.copyOf(running[i].latencies, running[i].count);
        }
        long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
        System.out.printf("%.0f %.0f %.0f %d%n", requests / (double) seconds, percentile(all, 0.50) / 1000.0, percentile(all, 0.99) / 1000.0,
                errors);
    }

    private static long percentile(long[] sorted, double at) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.round(at * (sorted.length - 1)))];
    }

    private static final class Client extends Thread {
        private final int port;
        private final int keys;
        private final int hotKeys;
        private final double hotShare;
        private final double setShare;
        private final byte[] value;
        private final long deadline;
        long[] latencies = new long[1 << 16];
        int count;
        long errors;
        Exception failure;

        Client(int port, int keys, int hotKeys, double hotShare, double setShare, int valueBytes, long deadline) {
            this.port = port;
            this.keys = keys;
            this.hotKeys = hotKeys;
            this.hotShare = hotShare;
            this.setShare = setShare;
            this.value = new byte[valueBytes];
            Arrays.fill(value, (byte) 'v');
            this.deadline = deadline;
        }

        @Override
        public void run() {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setTcpNoDelay(true);
                OutputStream out = new BufferedOutputStream(socket.getOutputStream());
                InputStream in = new BufferedInputStream(socket.getInputStream());
                while (System.nanoTime() < deadline) {
                    int key = random.nextDouble() < hotShare ? random.nextInt(hotKeys) : random.nextInt(keys);
                    byte[] name = String.format("key:%012d", key).getBytes(StandardCharsets.US_ASCII);
                    long began = System.nanoTime();
                    if (random.nextDouble() < setShare) {
                        command(out, "SET".getBytes(StandardCharsets.US_ASCII), name, value);
                    } else {
                        command(out, "GET".getBytes(StandardCharsets.US_ASCII), name);
                    }
                    out.flush();
                    if (!reply(in)) {
                        errors++;
                    }
                    if (count == latencies.length) {
                        latencies = Arrays.copyOf(latencies, count * 2);
                    }
                    latencies[count++] = System.nanoTime() - began;
                }
            } catch (Exception e) {
                failure = e;
            }
        }

        private static void command(OutputStream out, byte[]... parts) throws IOException {
            out.write(("*" + parts.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            for (byte[] part : parts) {
                out.write(("$" + part.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(part);
                out.write('\r');
                out.write('\n');
            }
        }

        /** Reads one reply: a status, an error (false), an integer or a bulk string (all a GET or SET answers). */
        private static boolean reply(InputStream in) throws IOException {
            int type = in.read();
            String line = line(in);
            if (type == '-') {
                return false;
            }
            if (type == '$') {
                int length = Integer.parseInt(line);
                if (length >= 0) {
                    in.readNBytes(length + 2);
                }
            }
            return true;
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != '\r'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("connection closed");
                }
                line.append((char) c);
            }
            in.read();
            return line.toString();
        }
    }
}
