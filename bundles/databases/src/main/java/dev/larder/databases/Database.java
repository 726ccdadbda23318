package dev.larder.databases;

/**
 * One database.
 *
 * @param id              never reused, so data left behind by a deleted database cannot reappear in a new one
 * @param fullToken       grants every command; null only for the default database while no token is configured
 * @param readOnlyToken   grants reads only
 * @param durability      when writes are acknowledged relative to reaching disk
 * @param createdAtMillis Unix milliseconds
 */
public record Database(int id, String name, String fullToken, String readOnlyToken, Durability durability,
        long createdAtMillis) {

    public static final String DEFAULT_NAME = "default";
    public static final int DEFAULT_ID = 0;

    public boolean isDefault() {
        return id == DEFAULT_ID;
    }

    public Database withDurability(Durability newDurability) {
        return new Database(id, name, fullToken, readOnlyToken, newDurability, createdAtMillis);
    }
}
