package dev.larder.vector.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larder.vector.service.RequestException;

/** Reading a request's JSON fields with Upstash's type rules, refusing wrong types with a 400 that names the field. */
final class Fields {

    private Fields() {
    }

    static RequestException invalid(String message) {
        return new RequestException(400, message);
    }

    static JsonNode object(JsonNode node, String what) throws RequestException {
        if (node == null || !node.isObject()) {
            throw invalid(what + " must be a JSON object");
        }
        return node;
    }

    /** An id: a string, or a number (stored as its text). */
    static String id(JsonNode node, String field) throws RequestException {
        if (node == null || node.isNull() || node.isMissingNode()) {
            throw invalid("'" + field + "' is required");
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isNumber()) {
            return node.isIntegralNumber() ? node.bigIntegerValue().toString() : node.asText();
        }
        throw invalid("'" + field + "' must be a string or a number");
    }

    static boolean flag(JsonNode body, String field) throws RequestException {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw invalid("'" + field + "' must be true or false");
        }
        return node.booleanValue();
    }

    static String text(JsonNode body, String field) throws RequestException {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw invalid("'" + field + "' must be a string");
        }
        return node.textValue();
    }

    static int integer(JsonNode body, String field, int fallback, int min, int max) throws RequestException {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw invalid("'" + field + "' must be a whole number");
        }
        int value = node.intValue();
        if (value < min || value > max) {
            throw invalid("'" + field + "' must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    /** A dense vector: numbers, each finite as a float32. */
    static float[] vector(JsonNode node, String field) throws RequestException {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw invalid("'" + field + "' must be an array of numbers");
        }
        float[] vector = new float[node.size()];
        for (int i = 0; i < vector.length; i++) {
            JsonNode component = node.get(i);
            if (!component.isNumber()) {
                throw invalid("'" + field + "' must be an array of numbers: element " + i + " is " + component.getNodeType().name().toLowerCase());
            }
            vector[i] = component.floatValue();
            if (!Float.isFinite(vector[i])) {
                throw invalid("'" + field + "' element " + i + " is not a finite 32-bit float: " + component.asText());
            }
        }
        return vector;
    }

    /** A sparse vector {indices, values}: as many of each, indices ascending non-negative 32-bit integers. */
    record Sparse(int[] indices, float[] values) {
    }

    static Sparse sparse(JsonNode node, String field, int maxNonZeros) throws RequestException {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw invalid("'" + field + "' must be an object with 'indices' and 'values'");
        }
        JsonNode indices = node.get("indices");
        JsonNode values = node.get("values");
        if (indices == null || !indices.isArray() || values == null || !values.isArray()) {
            throw invalid("'" + field + "' must have the arrays 'indices' and 'values'");
        }
        if (indices.size() != values.size()) {
            throw invalid("'" + field + "' must have as many indices as values, got " + indices.size() + " and " + values.size());
        }
        if (indices.size() > maxNonZeros) {
            throw invalid("'" + field + "' may have at most " + maxNonZeros + " non-zero values, got " + indices.size());
        }
        int[] parsedIndices = new int[indices.size()];
        float[] parsedValues = new float[values.size()];
        for (int i = 0; i < parsedIndices.length; i++) {
            JsonNode index = indices.get(i);
            if (!index.isIntegralNumber() || !index.canConvertToInt() || index.intValue() < 0) {
                throw invalid("'" + field + ".indices' must hold non-negative 32-bit integers: element " + i + " is " + index);
            }
            JsonNode value = values.get(i);
            if (!value.isNumber() || !Float.isFinite(value.floatValue())) {
                throw invalid("'" + field + ".values' must hold finite numbers: element " + i + " is " + value);
            }
            parsedIndices[i] = index.intValue();
            parsedValues[i] = value.floatValue();
            if (i > 0 && parsedIndices[i] <= parsedIndices[i - 1]) {
                throw invalid("'" + field + ".indices' must be ascending without duplicates: " + parsedIndices[i] + " follows "
                        + parsedIndices[i - 1] + " at element " + i);
            }
        }
        return new Sparse(parsedIndices, parsedValues);
    }
}
