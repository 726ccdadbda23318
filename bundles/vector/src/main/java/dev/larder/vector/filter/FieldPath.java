package dev.larder.vector.filter;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A field of the metadata: names walking nested objects ({@code a.b.c}) and array indexes, counted from the
 * start ({@code [0]}) or from the end ({@code [#-1]} is the last element). Split once when the filter parses.
 */
final class FieldPath {

    /** One step: a name, or an index (from the end when {@code fromEnd}). */
    private record Step(String name, int index, boolean fromEnd) {
    }

    private final String text;
    private final List<Step> steps;

    private FieldPath(String text, List<Step> steps) {
        this.text = text;
        this.steps = steps;
    }

    static FieldPath parse(String text, int position) throws FilterException {
        List<Step> steps = new ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c == '.') {
                if (at == 0 || at + 1 >= text.length() || text.charAt(at + 1) == '.' || text.charAt(at + 1) == '[') {
                    throw invalid(text, position);
                }
                at++;
            } else if (c == '[') {
                int close = text.indexOf(']', at);
                if (close < 0 || at == 0) {
                    throw invalid(text, position);
                }
                steps.add(index(text.substring(at + 1, close).trim(), text, position));
                at = close + 1;
                if (at < text.length() && text.charAt(at) != '.' && text.charAt(at) != '[') {
                    throw invalid(text, position);
                }
            } else {
                int end = at;
                while (end < text.length() && text.charAt(end) != '.' && text.charAt(end) != '[') {
                    end++;
                }
                steps.add(new Step(text.substring(at, end), 0, false));
                at = end;
            }
        }
        if (steps.isEmpty()) {
            throw invalid(text, position);
        }
        return new FieldPath(text, List.copyOf(steps));
    }

    private static Step index(String inside, String text, int position) throws FilterException {
        try {
            if (inside.startsWith("#")) {
                String rest = inside.substring(1).replace(" ", "");
                int back = rest.isEmpty() ? 0 : -Integer.parseInt(rest);
                if (back < 0) {
                    throw invalid(text, position);
                }
                return new Step(null, back, true);
            }
            int index = Integer.parseInt(inside);
            if (index < 0) {
                throw invalid(text, position);
            }
            return new Step(null, index, false);
        } catch (NumberFormatException e) {
            throw invalid(text, position);
        }
    }

    private static FilterException invalid(String text, int position) {
        return new FilterException("Invalid filter: '" + text + "' at position " + position
                + " is not a field (use names such as a.b.c, and indexes such as tags[0] or tags[#-1])", position);
    }

    /** The value at this path, or null when it is not there. */
    JsonNode find(JsonNode metadata) {
        JsonNode node = metadata;
        for (Step step : steps) {
            if (node == null) {
                return null;
            }
            if (step.name() != null) {
                node = node.isObject() ? node.get(step.name()) : null;
            } else if (node.isArray()) {
                int index = step.fromEnd() ? node.size() - step.index() : step.index();
                node = index >= 0 && index < node.size() ? node.get(index) : null;
            } else {
                return null;
            }
        }
        return node;
    }

    @Override
    public String toString() {
        return text;
    }
}
