package dev.larder.vector.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The filter language on Upstash's documented city record, and its errors. */
class MetadataFilterTest {

    private static final JsonNode CITY = json("""
            {"city": "Istanbul", "country": "Turkey", "is_capital": false, "population": 15460000,
             "geography": {"continent": "Asia", "coordinates": {"latitude": 41.0082, "longitude": 28.9784}},
             "economy": {"currency": "TRY", "major_industries": ["Tourism", "Textiles", "Finance"]},
             "url": "https://i.imgur.com/x.png", "quote": "it's \\"here\\"", "empty": null}""");

    private static JsonNode json(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static boolean matches(String filter) throws FilterException {
        return MetadataFilter.parse(filter).matches(CITY);
    }

    @Test
    void upstashsDocumentedExamplesMatchTheCity() throws FilterException {
        assertTrue(matches("country = 'Turkey' AND population = 15460000 AND is_capital = false"));
        assertTrue(matches("population < 20000000 OR geography.coordinates.longitude < 30.0"));
        assertTrue(matches("city GLOB '?[sz]*[^m-z]'"));
        assertTrue(matches("city NOT GLOB 'A*'"));
        assertTrue(matches("country IN ('Germany', 'Turkey', 'France')"));
        assertTrue(matches("economy.currency NOT IN ('USD', 'EUR')"));
        assertTrue(matches("economy.major_industries CONTAINS 'Tourism'"));
        assertFalse(matches("HAS NOT FIELD geography.coordinates.longitude"));
        assertTrue(matches("country = 'Turkey' AND (population > 10000000 OR is_capital = false)"));
        assertTrue(matches("economy.major_industries[#-1] = 'Finance'"));
        assertTrue(matches("url GLOB '*imgur.com*'"));
        assertTrue(matches("population > 1000000 AND geography.continent = 'Asia'"));
    }

    @Test
    void everyOperatorAnswersBothWays() throws FilterException {
        assertFalse(matches("country = 'turkey'"));
        assertTrue(matches("country != 'Germany'"));
        assertFalse(matches("country != 'Turkey'"));
        assertTrue(matches("population >= 15460000 AND population <= 15460000.0"));
        assertFalse(matches("population > 15460000"));
        assertTrue(matches("geography.coordinates.latitude > 41 AND geography.coordinates.latitude < 41.01"));
        assertFalse(matches("city GLOB 'istanbul'"));
        assertTrue(matches("city GLOB 'I?tanb[t-v]l'"));
        assertFalse(matches("country NOT IN ('Turkey')"));
        assertFalse(matches("economy.major_industries CONTAINS 'Mining'"));
        assertTrue(matches("economy.major_industries NOT CONTAINS 'Mining'"));
        assertTrue(matches("HAS FIELD geography"));
        assertTrue(matches("HAS FIELD empty"));
        assertTrue(matches("HAS NOT FIELD nowhere"));
        assertTrue(matches("is_capital = 0 AND is_capital != 1 AND is_capital != true"));
        assertTrue(matches("quote = 'it''s \"here\"' AND quote = \"it's \\\"here\\\"\""));
    }

    @Test
    void andBindsTighterThanOrAndKeywordsIgnoreCase() throws FilterException {
        assertTrue(matches("country = 'X' and population > 0 or city = 'Istanbul'"));
        assertFalse(matches("country = 'X' AND (population > 0 OR city = 'Istanbul')"));
        assertTrue(matches("city = 'Nope' OR country = 'Turkey' AND is_capital = FALSE"));
    }

    @Test
    void arrayIndexesCountFromTheStartAndTheEnd() throws FilterException {
        assertTrue(matches("economy.major_industries[0] = 'Tourism'"));
        assertTrue(matches("economy.major_industries[2] = 'Finance'"));
        assertTrue(matches("economy.major_industries[#-3] = 'Tourism'"));
        assertFalse(matches("economy.major_industries[3] = 'Finance'"));
        assertFalse(matches("economy.major_industries[#-4] = 'Tourism'"));
    }

    @Test
    void missingFieldsMatchNothingButHasNotField() throws FilterException {
        for (String filter : new String[] {"nowhere = 1", "nowhere != 1", "nowhere < 1", "nowhere GLOB '*'", "nowhere NOT GLOB 'a'",
                "nowhere IN (1)", "nowhere NOT IN (1)", "nowhere CONTAINS 1", "nowhere NOT CONTAINS 1"}) {
            assertFalse(matches(filter), filter);
            assertFalse(MetadataFilter.parse(filter).matches(null), filter + " without metadata");
        }
        assertTrue(MetadataFilter.parse("HAS NOT FIELD a").matches(null));
        assertTrue(MetadataFilter.parse("").matches(null));
        assertTrue(MetadataFilter.parse("  ").isAll());
    }

    @Test
    void errorsSayWhatAndWhere() {
        assertError("country = ", "expected a value after '=' at position 11, found the end of the filter");
        assertError("country = 'Turkey", "the string starting at position 11 is not closed");
        assertError("(country = 'Turkey'", "expected ')' to close the '(' at position 1 at position 20");
        assertError("country = 'Turkey')", "expected AND, OR or the end of the filter at position 19, found ')'");
        assertError("population < 'many'", "'<' compares numbers; the string 'many' at position 14 is not one");
        assertError("city GLOB 5", "expected a quoted pattern after GLOB at position 11");
        assertError("country IN ()", "expected a value in the IN list at position 13");
        assertError("country ~ 'x'", "unexpected character '~' at position 9");
        assertError("country 'x'", "expected an operator");
        assertError("tags[x] = 1", "'tags[x]' at position 1 is not a field");
        assertError("a = b", "expected a value after '=' (a quoted string, a number, true or false) at position 5, found 'b'");
        assertError("(".repeat(200) + "a = 1" + ")".repeat(200), "nested deeper than 100");
        assertError("a = '" + "x".repeat(70_000) + "'", "longer than 65536 characters");
    }

    private static void assertError(String filter, String expected) {
        FilterException error = assertThrows(FilterException.class, () -> MetadataFilter.parse(filter));
        assertTrue(error.getMessage().contains(expected), error.getMessage());
        assertTrue(error.getMessage().startsWith("Invalid filter: "), error.getMessage());
    }

    @Test
    void aHostileGlobEndsAtOnce() throws FilterException {
        MetadataFilter filter = MetadataFilter.parse("s GLOB '" + "a*".repeat(30) + "b'");
        assertFalse(filter.matches(json("{\"s\": \"" + "a".repeat(100_000) + "\"}")));
    }

    @Test
    void fieldsAreListed() throws FilterException {
        assertEquals(java.util.Set.of("a.b", "tags[0]", "c"), MetadataFilter.parse("a.b = 1 AND (tags[0] = 'x' OR HAS FIELD c)").fields());
    }
}
