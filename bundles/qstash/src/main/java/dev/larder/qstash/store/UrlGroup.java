package dev.larder.qstash.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A URL group (Upstash's topic): a message published to it goes to each of its endpoints as a message of its own. */
public record UrlGroup(int database, String name, long createdAt, long updatedAt, List<Endpoint> endpoints) {

    /** An endpoint of a group; its name is optional. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Endpoint(String name, String url) {
    }
}
