package dev.larder.databases.internal;

import dev.larder.databases.Database;
import dev.larder.databases.Durability;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Every database in one stored record (a handful of databases per server, read at start and on a
 * token miss): properties text, readable when someone inspects the grid.
 */
record RegistryRecord(int nextId, List<Database> databases) {

    static RegistryRecord decode(byte[] stored) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(new String(stored, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Database> databases = new ArrayList<>();
        int count = Integer.parseInt(properties.getProperty("databases", "0"));
        for (int i = 0; i < count; i++) {
            String prefix = "database." + i + ".";
            String fullToken = properties.getProperty(prefix + "fullToken");
            databases.add(new Database(
                    Integer.parseInt(properties.getProperty(prefix + "id")),
                    properties.getProperty(prefix + "name"),
                    fullToken == null || fullToken.isEmpty() ? null : fullToken,
                    properties.getProperty(prefix + "readOnlyToken"),
                    Durability.valueOf(properties.getProperty(prefix + "durability", Durability.SERVER_DEFAULT.name())),
                    Long.parseLong(properties.getProperty(prefix + "createdAtMillis", "0"))));
        }
        return new RegistryRecord(Integer.parseInt(properties.getProperty("nextId", "1")), databases);
    }

    byte[] encode() {
        Properties properties = new Properties();
        properties.setProperty("nextId", Integer.toString(nextId));
        properties.setProperty("databases", Integer.toString(databases.size()));
        for (int i = 0; i < databases.size(); i++) {
            Database database = databases.get(i);
            String prefix = "database." + i + ".";
            properties.setProperty(prefix + "id", Integer.toString(database.id()));
            properties.setProperty(prefix + "name", database.name());
            if (database.fullToken() != null) {
                properties.setProperty(prefix + "fullToken", database.fullToken());
            }
            properties.setProperty(prefix + "readOnlyToken", database.readOnlyToken());
            properties.setProperty(prefix + "durability", database.durability().name());
            properties.setProperty(prefix + "createdAtMillis", Long.toString(database.createdAtMillis()));
        }
        StringWriter out = new StringWriter();
        try {
            properties.store(out, "Larder databases");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
