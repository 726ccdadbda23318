package dev.larder.vector.filter;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * A parsed metadata filter of Upstash Vector's language (comparisons, GLOB, IN, CONTAINS, HAS FIELD, AND/OR
 * with parentheses, nested paths and array indexes). Immutable and thread-safe. Where the language is silent:
 * a condition on a field the record lacks is false, for {@code !=}, NOT IN, NOT GLOB and NOT CONTAINS too (only
 * HAS NOT FIELD matches a missing field), and a record without metadata is a record whose fields are all missing.
 */
public final class MetadataFilter {

    /** The empty filter: every record passes. */
    public static final MetadataFilter ALL = new MetadataFilter(null, Set.of());
    /** Longest filter text taken; a filter is parsed per request, so its cost must be bounded. */
    public static final int MAX_LENGTH = 64 * 1024;

    private final Condition condition;
    private final Set<String> fields;

    private MetadataFilter(Condition condition, Set<String> fields) {
        this.condition = condition;
        this.fields = fields;
    }

    /** Parses a filter; null, empty or blank text is {@link #ALL}. */
    public static MetadataFilter parse(String text) throws FilterException {
        if (text == null || text.isBlank()) {
            return ALL;
        }
        if (text.length() > MAX_LENGTH) {
            throw new FilterException("Invalid filter: longer than " + MAX_LENGTH + " characters");
        }
        Parser.Parsed parsed = Parser.parse(text);
        return new MetadataFilter(parsed.condition(), parsed.fields());
    }

    /** Whether a record whose metadata is this object (null: none) passes. */
    public boolean matches(JsonNode metadata) {
        return condition == null || condition.test(metadata);
    }

    public boolean isAll() {
        return condition == null;
    }

    /** The field paths the filter names. */
    public Set<String> fields() {
        return fields;
    }
}
