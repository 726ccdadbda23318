package dev.larder.vector.filter;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A field of the metadata, split into steps once when the filter parses: names walk nested objects
 * ({@code a.b.c}), {@code [i]} indexes an array from the start (0 is the first) and {@code [#-k]} from the end
 * ({@code [#-1]} is the last).
 */
final class FieldPath {

    sealed interface Step {
    }

    record Name(String name) implements Step {
    }

    record Index(int index) implements Step {
    }

    record FromEnd(int back) implements Step {
    }

    private final String text;
    private final Step[] steps;

    private FieldPath(String text, Step[] steps) {
        this.text = text;
        this.steps = steps;
    }

    /** Parses a path token; {@code position} (from 1) is where the token starts, for messages. */
    static FieldPath parse(String text, int position) throws FilterException {
        List<Step> steps = new ArrayList<>();
        int at = 0;
        boolean nameExpected = true;
        while (at < text.length()) {
            if (nameExpected) {
                int start = at;
                while (at < text.length() && "[].".indexOf(text.charAt(at)) < 0) {
                    at++;
                }
                if (at == start) {
                    throw invalid(text, "a name expected", position + at);
                }
                steps.add(new Name(text.substring(start, at)));
                nameExpected = false;
                continue;
            }
            char c = text.charAt(at);
            if (c == '.') {
                at++;
                nameExpected = true;
            } else if (c == '[') {
                at = index(text, at, position, steps);
            } else {
                throw invalid(text, "unexpected '" + c + "'", position + at);
            }
        }
        if (nameExpected) {
            throw invalid(text, "a name expected after the last '.'", position + at);
        }
        return new FieldPath(text, steps.toArray(Step[]::new));
    }

    /** Reads {@code [digits]} or {@code [#-digits]} at {@code open}; returns the index just past the ']'. */
    private static int index(String text, int open, int position, List<Step> steps) throws FilterException {
        int at = open + 1;
        boolean fromEnd = text.startsWith("#-", at);
        if (fromEnd) {
            at += 2;
        }
        int start = at;
        while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
            at++;
        }
        if (at == start || at >= text.length() || text.charAt(at) != ']') {
            throw invalid(text, "an index such as [0] or [#-1] expected", position + open);
        }
        // An index too large for an int is out of range of any array: the largest int says as much.
        int value = at - start > 9 ? Integer.MAX_VALUE : Integer.parseInt(text, start, at, 10);
        if (fromEnd && value == 0) {
            throw invalid(text, "[#-0] is past the end; the last element is [#-1]", position + open);
        }
        steps.add(fromEnd ? new FromEnd(value) : new Index(value));
        return at + 1;
    }

    private static FilterException invalid(String text, String why, int position) {
        return FilterException.at("malformed field '" + text + "' (" + why + ")", position);
    }

    /** The value at this path (a JSON null included), or null when the metadata has nothing there. */
    JsonNode find(JsonNode metadata) {
        JsonNode node = metadata;
        for (Step step : steps) {
            if (node == null) {
                return null;
            }
            node = switch (step) {
                case Name(String name) -> node.isObject() ? node.get(name) : null;
                case Index(int index) -> node.isArray() && index < node.size() ? node.get(index) : null;
                case FromEnd(int back) -> node.isArray() && back <= node.size() ? node.get(node.size() - back) : null;
            };
        }
        return node != null && node.isMissingNode() ? null : node;
    }

    @Override
    public String toString() {
        return text;
    }
}
