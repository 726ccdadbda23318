package dev.larder.redis.api.rdb;

import dev.larder.redis.api.Arguments;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Redis's DUMP format: an RDB object (type byte, then the value), the RDB version as two little-endian
 * bytes, and a CRC-64 (Jones polynomial, as Redis's crc64.c) of everything before it, little-endian.
 * Strings are written as Redis writes them except that long strings are never LZF-compressed; reading
 * accepts every string encoding, compressed ones included, so payloads from redis-server restore here.
 */
public final class DumpPayload {

    /** The RDB version of Redis 7.0; newer payloads are refused as redis-server 7.0 refuses them. */
    public static final int RDB_VERSION = 10;
    private static final int TYPE_STRING = 0;
    private static final int ENCODING_INT8 = 0;
    private static final int ENCODING_INT16 = 1;
    private static final int ENCODING_INT32 = 2;
    private static final int ENCODING_LZF = 3;
    private static final long[] CRC_TABLE = new long[256];

    static {
        long reflectedPolynomial = 0x95AC9329AC4BC9B5L;
        for (int i = 0; i < 256; i++) {
            long crc = i;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ reflectedPolynomial : crc >>> 1;
            }
            CRC_TABLE[i] = crc;
        }
    }

    /** A payload the bytes do not parse as (the caller answers Redis's error for it). */
    public static final class BadPayload extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean checksumOrVersion;

        BadPayload(boolean checksumOrVersion) {
            super(null, null, false, false);
            this.checksumOrVersion = checksumOrVersion;
        }

        /** Redis's error for this payload. */
        public String redisError() {
            return checksumOrVersion ? "ERR DUMP payload version or checksum are wrong" : "ERR Bad data format";
        }
    }

    private DumpPayload() {
    }

    public static long crc64(byte[] bytes, int length) {
        long crc = 0;
        for (int i = 0; i < length; i++) {
            crc = CRC_TABLE[(int) ((crc ^ bytes[i]) & 0xff)] ^ (crc >>> 8);
        }
        return crc;
    }

    public static byte[] dumpString(byte[] value) {
        return new Writer().type(TYPE_STRING).string(value).finish();
    }

    /** Writes a payload: type or opcode bytes and strings, then the RDB version and the CRC64 (finish). */
    public static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Writer type(int type) {
            out.write(type);
            return this;
        }

        public Writer string(byte[] value) {
            writeString(out, value);
            return this;
        }

        public byte[] finish() {
            out.write(RDB_VERSION & 0xff);
            out.write(RDB_VERSION >> 8);
            byte[] body = out.toByteArray();
            long crc = crc64(body, body.length);
            for (int i = 0; i < 8; i++) {
                out.write((int) (crc >>> (8 * i)) & 0xff);
            }
            return out.toByteArray();
        }
    }

    /** As rdbSaveRawString: strings of up to 11 characters that are integers are stored as integers. */
    /** The size of a string's RDB encoding, type byte excluded (DEBUG OBJECT's serializedlength). */
    public static int serializedLength(byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeString(out, value);
        return out.size();
    }

    private static void writeString(ByteArrayOutputStream out, byte[] value) {
        if (value.length <= 11 && Arguments.isLong(value)) {
            long n = Long.parseLong(new String(value, StandardCharsets.US_ASCII));
            if (n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE) {
                if (n >= Byte.MIN_VALUE && n <= Byte.MAX_VALUE) {
                    out.write(0xC0 | ENCODING_INT8);
                    out.write((int) n & 0xff);
                } else if (n >= Short.MIN_VALUE && n <= Short.MAX_VALUE) {
                    out.write(0xC0 | ENCODING_INT16);
                    out.write((int) n & 0xff);
                    out.write((int) (n >> 8) & 0xff);
                } else {
                    out.write(0xC0 | ENCODING_INT32);
                    for (int i = 0; i < 4; i++) {
                        out.write((int) (n >> (8 * i)) & 0xff);
                    }
                }
                return;
            }
        }
        writeLength(out, value.length);
        out.writeBytes(value);
    }

    private static void writeLength(ByteArrayOutputStream out, long length) {
        if (length < (1 << 6)) {
            out.write((int) length);
        } else if (length < (1 << 14)) {
            out.write(0x40 | (int) (length >> 8));
            out.write((int) length & 0xff);
        } else if (length <= 0xFFFFFFFFL) {
            out.write(0x80);
            for (int i = 3; i >= 0; i--) {
                out.write((int) (length >> (8 * i)) & 0xff);
            }
        } else {
            out.write(0x81);
            for (int i = 7; i >= 0; i--) {
                out.write((int) (length >> (8 * i)) & 0xff);
            }
        }
    }

    /** Checks version and checksum, as Redis's verifyDumpPayload. */
    public static void verify(byte[] payload) throws BadPayload {
        if (payload.length < 10) {
            throw new BadPayload(true);
        }
        int version = (payload[payload.length - 10] & 0xff) | (payload[payload.length - 9] & 0xff) << 8;
        if (version > RDB_VERSION) {
            throw new BadPayload(true);
        }
        long stored = 0;
        for (int i = 0; i < 8; i++) {
            stored |= (payload[payload.length - 8 + i] & 0xffL) << (8 * i);
        }
        if (crc64(payload, payload.length - 8) != stored) {
            throw new BadPayload(true);
        }
    }

    /** A reader of a verified payload's body. */
    public static Reader reader(byte[] payload) {
        return new Reader(payload, payload.length - 10);
    }

    /** The string a verified payload holds. */
    public static byte[] readString(byte[] payload) throws BadPayload {
        Reader reader = reader(payload);
        if (reader.next() != TYPE_STRING) {
            throw new BadPayload(false);
        }
        byte[] value = reader.string();
        if (reader.position != reader.end) {
            throw new BadPayload(false);
        }
        return value;
    }

    /** Reads a payload's body: type or opcode bytes ({@link #next}) and strings. */
    public static final class Reader {
        private final byte[] bytes;
        private final int end;
        private int position;

        Reader(byte[] bytes, int end) {
            this.bytes = bytes;
            this.end = end;
        }

        public boolean atEnd() {
            return position >= end;
        }

        public int next() throws BadPayload {
            if (position >= end) {
                throw new BadPayload(false);
            }
            return bytes[position++] & 0xff;
        }

        /** A length, or for the special encodings -1 - encoding. */
        long length() throws BadPayload {
            int first = next();
            switch (first >> 6) {
                case 0:
                    return first & 0x3f;
                case 1:
                    return (first & 0x3f) << 8 | next();
                case 3:
                    return -1 - (first & 0x3f);
                default:
                    int bytesOfLength = first == 0x80 ? 4 : first == 0x81 ? 8 : -1;
                    if (bytesOfLength < 0) {
                        throw new BadPayload(false);
                    }
                    long length = 0;
                    for (int i = 0; i < bytesOfLength; i++) {
                        length = length << 8 | next();
                    }
                    return length;
            }
        }

        byte[] take(long length) throws BadPayload {
            if (length < 0 || length > end - position) {
                throw new BadPayload(false);
            }
            byte[] taken = java.util.Arrays.copyOfRange(bytes, position, position + (int) length);
            position += (int) length;
            return taken;
        }

        public byte[] string() throws BadPayload {
            long length = length();
            if (length >= 0) {
                return take(length);
            }
            int encoding = (int) (-1 - length);
            long number;
            switch (encoding) {
                case ENCODING_INT8 -> number = (byte) next();
                case ENCODING_INT16 -> number = (short) (next() | next() << 8);
                case ENCODING_INT32 -> number = next() | next() << 8 | next() << 16 | next() << 24;
                case ENCODING_LZF -> {
                    long compressedLength = length();
                    long originalLength = length();
                    if (compressedLength < 0 || originalLength < 0 || originalLength > Integer.MAX_VALUE - 8) {
                        throw new BadPayload(false);
                    }
                    return Lzf.decompress(take(compressedLength), (int) originalLength);
                }
                default -> throw new BadPayload(false);
            }
            return Long.toString(number).getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** LZF decompression (liblzf's format, which Redis uses for RDB strings). */
    static final class Lzf {
        private Lzf() {
        }

        /** The most bytes one compressed byte can stand for: a back reference of three bytes copies up to 264. */
        private static final int MAX_RATIO = 88;

        static byte[] decompress(byte[] in, int outLength) throws BadPayload {
            if (outLength > (long) MAX_RATIO * in.length) {
                throw new BadPayload(false); // a length no input this long expands to: not allocated
            }
            byte[] out = new byte[outLength];
            int ip = 0;
            int op = 0;
            while (ip < in.length) {
                int control = in[ip++] & 0xff;
                if (control < 32) {
                    int literal = control + 1;
                    if (op + literal > outLength || ip + literal > in.length) {
                        throw new BadPayload(false);
                    }
                    System.arraycopy(in, ip, out, op, literal);
                    ip += literal;
                    op += literal;
                } else {
                    int length = control >> 5;
                    int reference = op - ((control & 0x1f) << 8) - 1;
                    if (length == 7) {
                        if (ip >= in.length) {
                            throw new BadPayload(false);
                        }
                        length += in[ip++] & 0xff;
                    }
                    if (ip >= in.length) {
                        throw new BadPayload(false);
                    }
                    reference -= in[ip++] & 0xff;
                    length += 2;
                    if (reference < 0 || op + length > outLength) {
                        throw new BadPayload(false);
                    }
                    for (int i = 0; i < length; i++) {
                        out[op++] = out[reference++];
                    }
                }
            }
            if (op != outLength) {
                throw new BadPayload(false);
            }
            return out;
        }
    }
}
