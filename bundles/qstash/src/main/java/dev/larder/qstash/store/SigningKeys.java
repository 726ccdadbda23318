package dev.larder.qstash.store;

/** A database's two signing keys: the current one signs, the next one takes over at rotation (receivers accept both). */
public record SigningKeys(String current, String next) {
}
