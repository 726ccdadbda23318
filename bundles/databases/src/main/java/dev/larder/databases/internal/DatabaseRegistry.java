package dev.larder.databases.internal;

import dev.larder.databases.Access;
import dev.larder.databases.AnonymousAccess;
import dev.larder.databases.Database;
import dev.larder.databases.DatabaseException;
import dev.larder.databases.DatabaseListener;
import dev.larder.databases.Databases;
import dev.larder.databases.Durability;
import dev.larder.settings.InvalidSettingException;
import dev.larder.settings.SettingsCheck;
import dev.larder.storage.KeyValueTable;
import dev.larder.storage.StorageNode;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.osgi.service.component.ComponentException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The databases, kept as one record in the storage grid's "databases" table. The default database's
 * full token comes from configuration (or the environment), never from the grid, so changing the file
 * changes the token. Other nodes of a cluster see a new database on their first token miss.
 */
@Component(configurationPid = DatabaseSettings.PID, immediate = true)
@Designate(ocd = DatabaseSettings.class)
public class DatabaseRegistry implements Databases {

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.databases");
    static final String TABLE = "databases";
    private static final int SLOT = 0;
    private static final byte[] RECORD_KEY = "registry".getBytes(StandardCharsets.UTF_8);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyValueTable table;
    private final String defaultToken;
    private final boolean protectedMode;
    private final List<DatabaseListener> listeners = new CopyOnWriteArrayList<>();
    /** Immutable snapshots, replaced on every change. */
    private volatile RegistryRecord record;
    private volatile Map<String, Access> byToken;

    @Activate
    public DatabaseRegistry(@Reference StorageNode storage, DatabaseSettings settings, Map<String, Object> properties) {
        try {
            SettingsCheck.check(DatabaseSettings.PID, DatabaseSettings.class, properties);
        } catch (InvalidSettingException e) {
            LOG.error("Databases not available: {}", e.getMessage());
            throw new ComponentException(e.getMessage());
        }
        table = storage.table(TABLE);
        String configured = settings.defaultToken();
        if (configured.isEmpty()) {
            String fromEnvironment = System.getenv(DatabaseSettings.DEFAULT_TOKEN_VARIABLE);
            configured = fromEnvironment == null ? "" : fromEnvironment.trim();
        }
        defaultToken = configured.isEmpty() ? null : configured;
        protectedMode = settings.protectedMode();
        synchronized (this) {
            RegistryRecord stored = read();
            if (stored.databases().stream().noneMatch(Database::isDefault)) {
                List<Database> databases = new ArrayList<>(stored.databases());
                databases.add(0, new Database(Database.DEFAULT_ID, Database.DEFAULT_NAME, null, newToken(),
                        Durability.SERVER_DEFAULT, System.currentTimeMillis()));
                stored = new RegistryRecord(Math.max(stored.nextId(), 1), databases);
                write(stored);
            }
            publish(stored);
        }
        if (defaultToken == null) {
            LOG.info("The default database has no token: clients on loopback need no AUTH{}",
                    protectedMode ? ", other clients are refused (protected mode)" : ", nor do others (protected mode is off)");
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addListener(DatabaseListener listener) {
        listeners.add(listener);
    }

    void removeListener(DatabaseListener listener) {
        listeners.remove(listener);
    }

    @Override
    public Database defaultDatabase() {
        return find(Database.DEFAULT_NAME).orElseThrow();
    }

    @Override
    public Optional<Database> find(String name) {
        return record.databases().stream().filter(d -> d.name().equals(name)).findFirst();
    }

    @Override
    public List<Database> list() {
        List<Database> sorted = new ArrayList<>(record.databases());
        sorted.sort(Comparator.comparing((Database d) -> !d.isDefault()).thenComparing(Database::name));
        return sorted;
    }

    @Override
    public Optional<Access> authenticate(String token) {
        Access access = byToken.get(token);
        if (access == null) {
            // another node may have created the database since we last read the record
            synchronized (this) {
                publish(read());
            }
            access = byToken.get(token);
        }
        return Optional.ofNullable(access);
    }

    @Override
    public AnonymousAccess anonymousAccess(InetAddress peer) {
        if (defaultToken != null) {
            return AnonymousAccess.AUTHENTICATION_REQUIRED;
        }
        return !protectedMode || peer.isLoopbackAddress() ? AnonymousAccess.DEFAULT_DATABASE
                : AnonymousAccess.REFUSED_BY_PROTECTED_MODE;
    }

    @Override
    public synchronized Database create(String name, Durability durability) throws DatabaseException {
        if (!NAME.matcher(name).matches()) {
            throw new DatabaseException("Invalid database name '" + name
                    + "': use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        RegistryRecord current = read();
        if (current.databases().stream().anyMatch(d -> d.name().equalsIgnoreCase(name))) {
            throw new DatabaseException("Database '" + name + "' already exists");
        }
        Database created = new Database(current.nextId(), name, newToken(), newToken(), durability, System.currentTimeMillis());
        List<Database> databases = new ArrayList<>(current.databases());
        databases.add(created);
        commit(new RegistryRecord(current.nextId() + 1, databases));
        LOG.info("Database '{}' created (id {})", name, created.id());
        return created;
    }

    @Override
    public Database setDurability(String name, Durability durability) throws DatabaseException {
        Database changed;
        synchronized (this) {
            RegistryRecord current = read();
            Database existing = existing(current, name);
            changed = existing.withDurability(durability);
            commit(replace(current, existing, changed));
        }
        LOG.info("Database '{}' durability is now {}", name, durability);
        for (DatabaseListener listener : listeners) {
            listener.changed(withFullToken(changed));
        }
        return withFullToken(changed);
    }

    @Override
    public Database delete(String name) throws DatabaseException {
        Database deleted;
        synchronized (this) {
            RegistryRecord current = read();
            deleted = existing(current, name);
            if (deleted.isDefault()) {
                throw new DatabaseException("The default database cannot be deleted");
            }
            commit(replace(current, deleted, null));
        }
        LOG.info("Database '{}' deleted (id {})", name, deleted.id());
        for (DatabaseListener listener : listeners) {
            try {
                listener.deleted(deleted);
            } catch (RuntimeException e) {
                LOG.error("Dropping the data of database '{}' failed", name, e);
            }
        }
        return deleted;
    }

    private static Database existing(RegistryRecord current, String name) throws DatabaseException {
        return current.databases().stream().filter(d -> d.name().equals(name)).findFirst()
                .orElseThrow(() -> new DatabaseException("No database named '" + name + "'"));
    }

    /** The record with {@code old} replaced by {@code replacement}, or removed when that is null. */
    private static RegistryRecord replace(RegistryRecord current, Database old, Database replacement) {
        List<Database> databases = new ArrayList<>();
        for (Database database : current.databases()) {
            if (database.id() != old.id()) {
                databases.add(database);
            } else if (replacement != null) {
                databases.add(replacement);
            }
        }
        return new RegistryRecord(current.nextId(), databases);
    }

    private RegistryRecord read() {
        byte[] stored = table.get(SLOT, RECORD_KEY);
        return stored == null ? new RegistryRecord(1, List.of()) : RegistryRecord.decode(stored);
    }

    private void write(RegistryRecord updated) {
        table.put(SLOT, RECORD_KEY, updated.encode());
    }

    private void commit(RegistryRecord updated) {
        write(updated);
        publish(updated);
    }

    /** The default database as stored carries no full token; the configured one is filled in here. */
    private Database withFullToken(Database database) {
        if (!database.isDefault()) {
            return database;
        }
        return new Database(database.id(), database.name(), defaultToken, database.readOnlyToken(),
                database.durability(), database.createdAtMillis());
    }

    private void publish(RegistryRecord stored) {
        List<Database> databases = stored.databases().stream().map(this::withFullToken).toList();
        Map<String, Access> tokens = new HashMap<>();
        for (Database database : databases) {
            if (database.fullToken() != null) {
                tokens.put(database.fullToken(), new Access(database, false));
            }
            tokens.put(database.readOnlyToken(), new Access(database, true));
        }
        record = new RegistryRecord(stored.nextId(), databases);
        byToken = tokens;
    }

    /** 256 random bits, URL-safe, as long as Upstash's tokens. */
    static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
