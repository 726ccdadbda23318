package dev.larder.vector.store;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The grid's keys and values of an index's table. A key is a kind byte, the namespace and the id, so that a
 * namespace's marker and its vectors never collide; a value holds the vector's insertion sequence (the order
 * range pages in) and its parts.
 */
public final class RecordCodec {

    /** A vector of a namespace. */
    public static final byte VECTOR = 'V';
    /** A namespace that exists, with or without vectors (reset keeps namespaces). */
    public static final byte NAMESPACE = 'N';
    private static final int HAS_DENSE = 1;
    private static final int HAS_SPARSE = 2;
    private static final int HAS_METADATA = 4;
    private static final int HAS_DATA = 8;

    private RecordCodec() {
    }

    public record Key(byte kind, String namespace, String id) {
    }

    public record Stored(long sequence, VectorRecord record) {
    }

    public static byte[] key(byte kind, String namespace, String id) {
        byte[] ns = namespace.getBytes(StandardCharsets.UTF_8);
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        byte[] key = new byte[5 + ns.length + idBytes.length];
        key[0] = kind;
        key[1] = (byte) (ns.length >>> 24);
        key[2] = (byte) (ns.length >>> 16);
        key[3] = (byte) (ns.length >>> 8);
        key[4] = (byte) ns.length;
        System.arraycopy(ns, 0, key, 5, ns.length);
        System.arraycopy(idBytes, 0, key, 5 + ns.length, idBytes.length);
        return key;
    }

    public static Key decodeKey(byte[] key) {
        int length = (key[1] & 0xff) << 24 | (key[2] & 0xff) << 16 | (key[3] & 0xff) << 8 | key[4] & 0xff;
        return new Key(key[0], new String(key, 5, length, StandardCharsets.UTF_8),
                new String(key, 5 + length, key.length - 5 - length, StandardCharsets.UTF_8));
    }

    /** Where a vector's entry lives in the grid: partitioned by its id, as Upstash shards an index. */
    public static int slot(String id, int slots) {
        return Math.floorMod(id.hashCode() * 0x9E3779B9, slots);
    }

    public static byte[] encode(long sequence, VectorRecord record) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + (record.dense() == null ? 0 : 4 * record.dense().length));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(sequence);
            int flags = (record.dense() != null ? HAS_DENSE : 0) | (record.hasSparse() ? HAS_SPARSE : 0)
                    | (record.metadata() != null ? HAS_METADATA : 0) | (record.data() != null ? HAS_DATA : 0);
            out.writeByte(flags);
            if (record.dense() != null) {
                out.writeInt(record.dense().length);
                for (float value : record.dense()) {
                    out.writeFloat(value);
                }
            }
            if (record.hasSparse()) {
                out.writeInt(record.sparseIndices().length);
                for (int i = 0; i < record.sparseIndices().length; i++) {
                    out.writeInt(record.sparseIndices()[i]);
                    out.writeFloat(record.sparseValues()[i]);
                }
            }
            if (record.metadata() != null) {
                out.writeInt(record.metadata().length);
                out.write(record.metadata());
            }
            if (record.data() != null) {
                byte[] data = record.data().getBytes(StandardCharsets.UTF_8);
                out.writeInt(data.length);
                out.write(data);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static Stored decode(String id, byte[] value) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            long sequence = in.readLong();
            int flags = in.readByte();
            float[] dense = null;
            int[] indices = null;
            float[] values = null;
            byte[] metadata = null;
            String data = null;
            if ((flags & HAS_DENSE) != 0) {
                dense = new float[in.readInt()];
                for (int i = 0; i < dense.length; i++) {
                    dense[i] = in.readFloat();
                }
            }
            if ((flags & HAS_SPARSE) != 0) {
                int count = in.readInt();
                indices = new int[count];
                values = new float[count];
                for (int i = 0; i < count; i++) {
                    indices[i] = in.readInt();
                    values[i] = in.readFloat();
                }
            }
            if ((flags & HAS_METADATA) != 0) {
                metadata = in.readNBytes(in.readInt());
            }
            if ((flags & HAS_DATA) != 0) {
                data = new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8);
            }
            return new Stored(sequence, new VectorRecord(id, dense, indices, values, metadata, data));
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable vector record " + id, e);
        }
    }
}
