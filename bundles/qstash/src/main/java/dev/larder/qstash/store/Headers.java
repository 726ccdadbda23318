package dev.larder.qstash.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/** Headers as QStash's JSON writes them: an object of canonical names, each with the list of its values. */
public final class Headers {

    private Headers() {
    }

    /** Sets {@code field} of {@code json} to the headers (an empty object when there are none). */
    public static void put(ObjectNode json, String field, Map<String, List<String>> headers) {
        ObjectNode object = json.putObject(field);
        if (headers != null) {
            headers.forEach((name, values) -> values.forEach(object.withArray(name)::add));
        }
    }
}
