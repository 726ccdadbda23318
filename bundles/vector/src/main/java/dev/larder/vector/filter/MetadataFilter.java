package dev.larder.vector.filter;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * A parsed metadata filter in Upstash Vector's language: {@code =, !=, <, <=, >, >=}, {@code [NOT] GLOB},
 * {@code [NOT] IN}, {@code [NOT] CONTAINS}, {@code HAS [NOT] FIELD}, AND binding tighter than OR, parentheses,
 * nested fields ({@code a.b.c}) and array indexes ({@code tags[0]}, {@code tags[#-1]}). Immutable, thread-safe.
 *
 * <p>Where the language is silent:
 * <ul>
 * <li>A missing field, or one whose value is JSON null, fails every condition on its value, the negated ones
 * too: {@code !=}, NOT IN, NOT GLOB and NOT CONTAINS do not match it (unknown is false, as in SQL). Only
 * {@code HAS NOT FIELD} matches a missing field; {@code HAS FIELD} matches a JSON null. A record without
 * metadata is one whose fields are all missing.</li>
 * <li>{@code =} compares strings exactly, numbers by value (15460000 = 15460000.0), booleans as booleans,
 * and takes 1 and 0 for true and false against a boolean field. Values of different types are not equal, so
 * {@code !=} and NOT IN are true for a present value of another type.</li>
 * <li>{@code <, <=, >, >=} take a number and match numeric fields only; GLOB and NOT GLOB match string fields
 * only; CONTAINS and NOT CONTAINS match array fields only (false on any other type).</li>
 * <li>Keywords and true/false are case-insensitive; HAS is a keyword only before FIELD or NOT FIELD, and a
 * field name is whatever word stands where a field is expected, so fields may be called "and" or "in".</li>
 * </ul>
 */
public final class MetadataFilter {

    /** The empty filter: every record passes. */
    public static final MetadataFilter ALL = new MetadataFilter(null, Set.of(), "");

    /** Longest filter text taken, in characters; a filter is parsed per request, so its cost must be bounded. */
    static final int MAX_LENGTH = 64 * 1024;

    private final Node root;
    private final Set<String> fields;
    private final String text;

    private MetadataFilter(Node root, Set<String> fields, String text) {
        this.root = root;
        this.fields = fields;
        this.text = text;
    }

    /**
     * Parses a filter; null, empty or blank text gives {@link #ALL}.
     *
     * @throws FilterException with a message that says what is wrong and at which position (counted from 1)
     */
    public static MetadataFilter parse(String text) throws FilterException {
        if (text == null || text.isBlank()) {
            return ALL;
        }
        if (text.length() > MAX_LENGTH) {
            throw FilterException.at("longer than " + MAX_LENGTH + " characters", MAX_LENGTH + 1);
        }
        Parser.Parsed parsed = Parser.parse(text);
        return new MetadataFilter(parsed.root(), parsed.fields(), text);
    }

    /** Whether a record whose metadata is this object (null when the record has none) passes. */
    public boolean matches(JsonNode metadata) {
        return root == null || root.test(metadata);
    }

    public boolean isAll() {
        return root == null;
    }

    /** The field paths the filter names as written (e.g. "geography.continent", "tags[0]"), for diagnostics. */
    public Set<String> fields() {
        return fields;
    }

    /** The filter as it was written. */
    @Override
    public String toString() {
        return text;
    }
}
