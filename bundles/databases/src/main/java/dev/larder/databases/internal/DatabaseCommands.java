package dev.larder.databases.internal;

import dev.larder.databases.Database;
import dev.larder.databases.DatabaseException;
import dev.larder.databases.Databases;
import dev.larder.databases.Durability;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The console's database commands. Gogo finds methods by name and names cannot hold a '-', so every
 * function lands in {@code _main} (Gogo's catch-all) with its name first.
 */
@Component(service = DatabaseCommands.class, property = {
        "osgi.command.scope=larder",
        "osgi.command.function=db-create",
        "osgi.command.function=db-list",
        "osgi.command.function=db-show",
        "osgi.command.function=db-durability",
        "osgi.command.function=db-delete"})
public class DatabaseCommands {

    private static final String USAGE = """
            larder:db-create NAME [always|everysec|off]   create a database with new tokens
            larder:db-list                                 the databases
            larder:db-show NAME                            a database with its tokens
            larder:db-durability NAME always|everysec|off|default
            larder:db-delete NAME                          delete a database and all its data""";
    private static final DateTimeFormatter CREATED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    @Reference
    private Databases databases;

    public String _main(String function, String[] args) {
        try {
            return switch (function) {
                case "db-create" -> create(args);
                case "db-list" -> list(args);
                case "db-show" -> show(args);
                case "db-durability" -> durability(args);
                case "db-delete" -> delete(args);
                default -> USAGE;
            };
        } catch (DatabaseException | IllegalArgumentException e) {
            return "Error: " + e.getMessage() + System.lineSeparator() + "Usage:" + System.lineSeparator() + USAGE;
        }
    }

    private String create(String[] args) throws DatabaseException {
        expect(args, 1, 2);
        Durability durability = args.length == 2 ? durability(args[1]) : Durability.SERVER_DEFAULT;
        Database created = databases.create(args[0], durability);
        return describe(created) + System.lineSeparator()
                + "Connect with AUTH " + created.fullToken() + "  (or AUTH " + created.name() + " <token>)";
    }

    private String list(String[] args) {
        expect(args, 0, 0);
        StringBuilder out = new StringBuilder(String.format("%-24s %6s  %-15s %s%n", "NAME", "ID", "DURABILITY", "CREATED"));
        for (Database database : databases.list()) {
            out.append(String.format("%-24s %6d  %-15s %s%n", database.name(), database.id(), durabilityName(database.durability()),
                    CREATED.format(Instant.ofEpochMilli(database.createdAtMillis()))));
        }
        return out.toString().stripTrailing();
    }

    private String show(String[] args) throws DatabaseException {
        expect(args, 1, 1);
        return describe(databases.find(args[0]).orElseThrow(() -> new DatabaseException("No database named '" + args[0] + "'")));
    }

    private String durability(String[] args) throws DatabaseException {
        expect(args, 2, 2);
        return describe(databases.setDurability(args[0], durability(args[1])));
    }

    private String delete(String[] args) throws DatabaseException {
        expect(args, 1, 1);
        Database deleted = databases.delete(args[0]);
        return "Database '" + deleted.name() + "' deleted; its clients were disconnected and its data is being removed.";
    }

    private static String describe(Database database) {
        String fullToken = database.fullToken() != null ? database.fullToken()
                : "(none: set defaultToken in config/dev.larder.databases.cfg or LARDER_DEFAULT_TOKEN)";
        return String.join(System.lineSeparator(),
                "Name             " + database.name(),
                "Id               " + database.id(),
                "Durability       " + durabilityName(database.durability()),
                "Created          " + CREATED.format(Instant.ofEpochMilli(database.createdAtMillis())),
                "Full token       " + fullToken,
                "Read-only token  " + database.readOnlyToken());
    }

    private static String durabilityName(Durability durability) {
        return durability == Durability.SERVER_DEFAULT ? "default" : durability.name().toLowerCase(Locale.ROOT);
    }

    private static Durability durability(String text) {
        String name = text.toUpperCase(Locale.ROOT);
        if (name.equals("DEFAULT")) {
            return Durability.SERVER_DEFAULT;
        }
        try {
            return Durability.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("durability must be always, everysec, off or default, not '" + text + "'");
        }
    }

    private static void expect(String[] args, int min, int max) {
        if (args.length < min || args.length > max) {
            throw new IllegalArgumentException("wrong number of arguments");
        }
    }
}
