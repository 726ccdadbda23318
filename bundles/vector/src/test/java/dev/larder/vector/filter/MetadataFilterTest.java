package dev.larder.vector.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The filter language on Upstash's documented city record, its corners, and its errors. */
class MetadataFilterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final JsonNode CITY = json("""
            {"city": "Istanbul", "country": "Turkey", "is_capital": false, "population": 15460000,
             "geography": {"continent": "Asia", "coordinates": {"latitude": 41.0082, "longitude": 28.9784}},
             "economy": {"currency": "TRY", "major_industries": ["Tourism", "Textiles", "Finance"]}}""");

    private static final JsonNode ANIMAL = json("""
            {"type": "animal", "tags": ["mammal", "cat"], "diet": "carnivore", "url": "https://i.imgur.com/x.png",
             "legs": 4, "weight": 4.5, "wild": true, "nothing": null, "matrix": [[1, 2], [3, 4]],
             "owners": [{"name": "Ada", "age": 36}, {"name": "Bob"}], "quote": "it's \\"here\\" \\\\ ok",
             "mixed": [1, "1", true, null, {"a": 1}], "odd-name": "x", "a#b": "y", "and": "keyword-named"}""");

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static boolean city(String filter) throws FilterException {
        return MetadataFilter.parse(filter).matches(CITY);
    }

    private static boolean animal(String filter) throws FilterException {
        return MetadataFilter.parse(filter).matches(ANIMAL);
    }

    private static String error(String filter) {
        return assertThrows(FilterException.class, () -> MetadataFilter.parse(filter), filter).getMessage();
    }

    private static void assertError(String filter, String message, int position) {
        FilterException e = assertThrows(FilterException.class, () -> MetadataFilter.parse(filter), filter);
        assertEquals("Invalid filter: " + message + " at position " + position, e.getMessage());
        assertEquals(position, e.position());
    }

    // ---- Upstash's documented examples

    @Test
    void documentedExamplesMatchTheCity() throws FilterException {
        assertTrue(city("country = 'Turkey' AND population = 15460000 AND is_capital = false"));
        assertTrue(city("population < 20000000 OR geography.coordinates.longitude < 30.0"));
        assertTrue(city("city GLOB '?[sz]*[^m-z]'"));
        assertTrue(city("city NOT GLOB 'A*'"));
        assertTrue(city("country IN ('Germany', 'Turkey', 'France')"));
        assertTrue(city("economy.currency NOT IN ('USD', 'EUR')"));
        assertTrue(city("economy.major_industries CONTAINS 'Tourism'"));
        assertFalse(city("HAS NOT FIELD geography.coordinates.longitude"));
        assertTrue(city("country = 'Turkey' AND (population > 10000000 OR is_capital = false)"));
        assertTrue(city("economy.major_industries[#-1] = 'Finance'"));
        assertTrue(city("population > 1000000 AND geography.continent = 'Asia'"));
    }

    @Test
    void documentedExamplesMatchTheAnimal() throws FilterException {
        assertTrue(animal("url GLOB '*imgur.com*'"));
        assertTrue(animal("tags[0] = 'mammal' AND diet = 'carnivore'"));
        assertTrue(animal("type = 'animal'"));
        assertFalse(city("url GLOB '*imgur.com*'"));
        assertFalse(city("type = 'animal'"));
    }

    // ---- each operator, both ways

    @Test
    void equalsAndNotEqualsOnStrings() throws FilterException {
        assertTrue(city("country = 'Turkey'"));
        assertTrue(city("country = \"Turkey\""));
        assertFalse(city("country = 'turkey'"));
        assertFalse(city("country != 'Turkey'"));
        assertTrue(city("country != 'Germany'"));
        assertTrue(city("country!='Germany'"));
        assertTrue(city("country='Turkey'AND city='Istanbul'"));
    }

    @Test
    void numbersCompareByValueWhateverTheirForm() throws FilterException {
        assertTrue(city("population = 15460000.0"));
        assertTrue(city("population = 1546e4"));
        assertTrue(city("population = 1.546E+7"));
        assertFalse(city("population = 15460000.5"));
        assertTrue(city("geography.coordinates.latitude = 41.0082"));
        assertFalse(city("geography.coordinates.latitude = 41"));
        assertTrue(animal("legs = 4.0 AND weight = 4.5 AND weight != 4"));
        assertTrue(MetadataFilter.parse("t = -5").matches(json("{\"t\": -5.0}")));
        assertTrue(MetadataFilter.parse("t = 1e3").matches(json("{\"t\": 1000}")));
        assertTrue(MetadataFilter.parse("t = 0").matches(json("{\"t\": -0.0}")));
    }

    @Test
    void bigAndExoticNumbersCompareExactly() throws FilterException {
        ObjectNode record = JsonNodeFactory.instance.objectNode();
        record.put("big", new BigInteger("123456789012345678901234567890"));
        record.put("dec", new BigDecimal("0.1000000000000000000001"));
        record.put("long", 9007199254740993L);
        record.put("nan", Double.NaN);
        record.put("float", 2.5f);
        assertTrue(MetadataFilter.parse("big = 123456789012345678901234567890").matches(record));
        assertTrue(MetadataFilter.parse("big > 123456789012345678901234567889").matches(record));
        assertTrue(MetadataFilter.parse("dec > 0.1 AND dec < 0.1000000000000000000002").matches(record));
        assertTrue(MetadataFilter.parse("long = 9007199254740993 AND long != 9007199254740992").matches(record));
        assertTrue(MetadataFilter.parse("long > 9007199254740992.5").matches(record));
        assertTrue(MetadataFilter.parse("float = 2.5 AND float < 3").matches(record));
        for (String filter : List.of("nan = 1", "nan < 1", "nan <= 1", "nan > 1", "nan >= 1")) {
            assertFalse(MetadataFilter.parse(filter).matches(record), filter);
        }
        assertTrue(MetadataFilter.parse("nan != 1").matches(record));
        assertTrue(MetadataFilter.parse("long < 1e400 AND long > -1e400").matches(record));
    }

    @Test
    void orderingComparesNumbersOnly() throws FilterException {
        assertTrue(city("population > 15459999 AND population >= 15460000 AND population <= 15460000 AND population < 15460001"));
        assertFalse(city("population > 15460000"));
        assertFalse(city("population < 15460000"));
        assertFalse(city("population >= 15460000.1"));
        assertFalse(city("population <= 15459999.9"));
        assertTrue(city("geography.coordinates.latitude > 41 AND geography.coordinates.latitude < 41.01"));
        assertTrue(city("geography.coordinates.longitude>=-180"));
        assertFalse(city("country > 0"));
        assertFalse(city("country < 0"));
        assertFalse(city("is_capital < 1"));
        assertFalse(city("geography > 0"));
    }

    @Test
    void booleansAreTrueFalseOrOneZero() throws FilterException {
        assertTrue(city("is_capital = false AND is_capital = FALSE AND is_capital = False"));
        assertFalse(city("is_capital = true"));
        assertTrue(city("is_capital != true"));
        assertFalse(city("is_capital != false"));
        assertTrue(city("is_capital = 0 AND is_capital != 1"));
        assertFalse(city("is_capital = 1"));
        assertTrue(animal("wild = 1 AND wild = 1.0 AND wild = TRUE AND wild != 0"));
        assertFalse(animal("wild = 2"));
        assertTrue(animal("wild != 2"));
        assertFalse(animal("legs = true"));
        assertFalse(animal("wild = 'true'"));
        assertTrue(animal("wild IN (0, 1) AND wild NOT IN (false)"));
    }

    @Test
    void valuesOfAnotherTypeAreNotEqual() throws FilterException {
        assertFalse(city("population = '15460000'"));
        assertTrue(city("population != '15460000'"));
        assertFalse(city("country = 1"));
        assertTrue(city("country != 1"));
        assertFalse(city("geography = 'Asia'"));
        assertTrue(city("geography != 'Asia'"));
        assertFalse(city("economy.major_industries = 'Tourism'"));
    }

    @Test
    void globMatchesStringsCaseSensitively() throws FilterException {
        assertTrue(city("city GLOB 'Istanbul'"));
        assertFalse(city("city GLOB 'istanbul'"));
        assertTrue(city("city NOT GLOB 'istanbul'"));
        assertFalse(city("city NOT GLOB 'I*'"));
        assertTrue(city("city GLOB 'I?tanb[t-v]l' AND city glob '*bul' AND city GLOB \"Ist*\""));
        assertFalse(city("population GLOB '*'"));
        assertFalse(city("population NOT GLOB 'x'"));
        assertFalse(city("economy.major_industries GLOB '*'"));
        assertTrue(animal("quote GLOB 'it''s *'"));
        assertTrue(MetadataFilter.parse("s GLOB 'a\\*b' AND s NOT GLOB 'a\\*c'").matches(json("{\"s\": \"a*b\"}")));
        assertFalse(MetadataFilter.parse("s GLOB 'a\\*b'").matches(json("{\"s\": \"axb\"}")));
    }

    @Test
    void inIsAnOrOfEqualsAndNotInAnAndOfNotEquals() throws FilterException {
        assertTrue(city("country IN ('Turkey')"));
        assertFalse(city("country IN ('Germany', 'France')"));
        assertTrue(city("country NOT IN ('Germany', 'France')"));
        assertFalse(city("country NOT IN ('Germany', 'Turkey')"));
        assertTrue(city("population IN (1, 15460000.0, 'x', true)"));
        assertFalse(city("population IN ('15460000')"));
        assertTrue(city("population not in ( 1 , 2 )"));
        assertTrue(city("country IN('Turkey')"));
    }

    @Test
    void containsLooksInsideArrays() throws FilterException {
        assertTrue(city("economy.major_industries CONTAINS 'Finance'"));
        assertFalse(city("economy.major_industries CONTAINS 'Mining'"));
        assertTrue(city("economy.major_industries NOT CONTAINS 'Mining'"));
        assertFalse(city("economy.major_industries NOT CONTAINS 'Tourism'"));
        assertFalse(city("economy.major_industries CONTAINS 'tourism'"));
        assertTrue(animal("mixed CONTAINS 1 AND mixed CONTAINS 1.0 AND mixed CONTAINS '1' AND mixed CONTAINS true"));
        assertFalse(animal("mixed CONTAINS 2"));
        assertFalse(animal("mixed CONTAINS false"));
        assertFalse(city("country CONTAINS 'Turkey'"));
        assertFalse(city("country NOT CONTAINS 'x'"));
        assertTrue(animal("owners[0].age CONTAINS 36 OR tags CONTAINS 'cat'"));
    }

    @Test
    void hasFieldAsksWhetherThePathExists() throws FilterException {
        assertTrue(city("HAS FIELD geography"));
        assertTrue(city("HAS FIELD geography.coordinates.latitude"));
        assertTrue(city("HAS FIELD economy.major_industries[2]"));
        assertFalse(city("HAS FIELD economy.major_industries[3]"));
        assertFalse(city("HAS FIELD nowhere"));
        assertTrue(city("HAS NOT FIELD nowhere"));
        assertTrue(city("has not field geography.nowhere"));
        assertFalse(city("HAS NOT FIELD geography.coordinates"));
        assertTrue(animal("HAS FIELD nothing AND HAS FIELD matrix[1] AND HAS FIELD owners"));
        assertFalse(animal("HAS NOT FIELD nothing"));
    }

    // ---- grammar

    @Test
    void andBindsTighterThanOr() throws FilterException {
        assertTrue(city("country = 'X' AND population > 0 OR city = 'Istanbul'"));
        assertFalse(city("country = 'X' AND (population > 0 OR city = 'Istanbul')"));
        assertTrue(city("city = 'Nope' OR country = 'Turkey' AND is_capital = false"));
        assertFalse(city("city = 'Nope' OR country = 'Turkey' AND is_capital = true"));
        assertTrue(city("(city = 'Nope' OR country = 'Turkey') AND is_capital = false"));
        assertFalse(city("(city = 'Nope' OR country = 'Germany') AND is_capital = false"));
        assertTrue(city("city = 'A' AND country = 'B' OR city = 'C' AND country = 'D' OR population > 1"));
    }

    @Test
    void parenthesesNest() throws FilterException {
        assertTrue(city("((((country = 'Turkey'))))"));
        assertTrue(city("(country = 'Turkey' AND (city = 'X' OR (city = 'Istanbul' AND (population > 1))))"));
        assertFalse(city("(country = 'Turkey' AND (city = 'X' OR (city = 'Istanbul' AND (population < 1))))"));
        String hundred = "(".repeat(100) + "country = 'Turkey'" + ")".repeat(100);
        assertTrue(city(hundred));
    }

    @Test
    void keywordsAreCaseInsensitive() throws FilterException {
        assertTrue(city("country = 'Turkey' and city = 'Istanbul' Or population < 0"));
        assertTrue(city("country iN ('Turkey') aNd city nOt GlOb 'A*' AND economy.major_industries contains 'Finance'"));
        assertTrue(city("economy.major_industries Not Contains 'X' AND hAs FiElD city AND Has Not Field x"));
        assertTrue(city("is_capital = fAlSe"));
    }

    @Test
    void whitespaceIsFree() throws FilterException {
        assertTrue(city("  \t country\n=\r\n'Turkey'  AND(population>1)OR(city='x')  "));
        assertTrue(city("population>=1 AND population<=1e9"));
        assertTrue(city("country IN('Turkey','X')"));
    }

    @Test
    void keywordNamedFieldsStillWork() throws FilterException {
        assertTrue(animal("and = 'keyword-named'"));
        assertTrue(animal("HAS FIELD and AND and != 'x'"));
        assertTrue(MetadataFilter.parse("has = 1 AND in IN (2) AND not = 3").matches(json("{\"has\": 1, \"in\": 2, \"not\": 3}")));
    }

    // ---- paths

    @Test
    void pathsWalkObjectsAndArrays() throws FilterException {
        assertTrue(city("geography.coordinates.longitude = 28.9784"));
        assertTrue(animal("owners[0].name = 'Ada' AND owners[1].name = 'Bob' AND owners[#-1].name = 'Bob'"));
        assertTrue(animal("matrix[1][0] = 3 AND matrix[#-1][#-1] = 4 AND matrix[0][#-2] = 1"));
        assertTrue(animal("odd-name = 'x' AND a#b = 'y'"));
        assertTrue(MetadataFilter.parse("a.b.c.d.e.f = 1").matches(json("{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":1}}}}}}")));
        assertTrue(MetadataFilter.parse("a.0 = 1").matches(json("{\"a\": {\"0\": 1}}")));
    }

    @Test
    void arrayIndexesCountFromTheStartAndTheEnd() throws FilterException {
        assertTrue(city("economy.major_industries[0] = 'Tourism'"));
        assertTrue(city("economy.major_industries[1] = 'Textiles'"));
        assertTrue(city("economy.major_industries[2] = 'Finance'"));
        assertTrue(city("economy.major_industries[#-1] = 'Finance'"));
        assertTrue(city("economy.major_industries[#-3] = 'Tourism'"));
        assertFalse(city("economy.major_industries[0] = 'Finance'"));
    }

    @Test
    void indexesOutOfRangeOrOnNonArraysFindNothing() throws FilterException {
        assertFalse(city("economy.major_industries[3] = 'Finance'"));
        assertFalse(city("economy.major_industries[3] != 'Finance'"));
        assertFalse(city("economy.major_industries[#-4] = 'Tourism'"));
        assertFalse(city("economy.major_industries[99999999999] = 'x'"));
        assertFalse(city("country[0] = 'Turkey'"));
        assertFalse(city("geography[0] = 'Asia'"));
        assertFalse(city("economy.major_industries.first = 'Tourism'"));
        assertFalse(city("city.name = 'Istanbul'"));
        assertTrue(city("HAS NOT FIELD economy.major_industries[3] AND HAS NOT FIELD economy.major_industries[#-4]"));
    }

    // ---- missing fields and records without metadata

    @ParameterizedTest
    @ValueSource(strings = {"nowhere = 1", "nowhere != 1", "nowhere < 1", "nowhere <= 1", "nowhere > 1", "nowhere >= 1",
        "nowhere GLOB '*'", "nowhere NOT GLOB 'a'", "nowhere IN (1)", "nowhere NOT IN (1)", "nowhere CONTAINS 1",
        "nowhere NOT CONTAINS 1", "HAS FIELD nowhere", "geography.nowhere != 'x'", "nothing = 1", "nothing != 1",
        "nothing NOT IN (1)", "nothing NOT GLOB 'x'", "nothing NOT CONTAINS 1", "nothing.deeper != 1"})
    void missingOrNullFieldsFailEveryValueCondition(String filter) throws FilterException {
        MetadataFilter parsed = MetadataFilter.parse(filter);
        assertFalse(parsed.matches(CITY), filter + " on the city");
        assertFalse(parsed.matches(ANIMAL), filter + " on the animal");
        assertFalse(parsed.matches(null), filter + " without metadata");
        assertFalse(parsed.matches(JsonNodeFactory.instance.objectNode()), filter + " on {}");
    }

    @Test
    void aRecordWithoutMetadataPassesOnlyAllAndHasNotField() throws FilterException {
        assertTrue(MetadataFilter.ALL.matches(null));
        assertTrue(MetadataFilter.parse("HAS NOT FIELD a").matches(null));
        assertTrue(MetadataFilter.parse("HAS NOT FIELD a.b[0]").matches(null));
        assertTrue(MetadataFilter.parse("a = 1 OR HAS NOT FIELD a").matches(null));
        assertFalse(MetadataFilter.parse("a = 1 AND HAS NOT FIELD a").matches(null));
        assertFalse(MetadataFilter.parse("HAS FIELD a").matches(null));
        assertTrue(MetadataFilter.parse("HAS NOT FIELD a").matches(JsonNodeFactory.instance.missingNode()));
        assertTrue(MetadataFilter.parse("HAS NOT FIELD a").matches(json("[1, 2]")));
    }

    @Test
    void emptyTextIsAll() throws FilterException {
        assertSame(MetadataFilter.ALL, MetadataFilter.parse(null));
        assertSame(MetadataFilter.ALL, MetadataFilter.parse(""));
        assertSame(MetadataFilter.ALL, MetadataFilter.parse(" \t\n "));
        assertTrue(MetadataFilter.ALL.isAll());
        assertTrue(MetadataFilter.ALL.matches(CITY));
        assertTrue(MetadataFilter.ALL.fields().isEmpty());
        assertFalse(MetadataFilter.parse("a = 1").isAll());
    }

    // ---- strings

    @Test
    void stringEscapes() throws FilterException {
        JsonNode record = json("{\"s\": \"it's \\\"here\\\" \\\\ ok\"}");
        assertTrue(MetadataFilter.parse("s = 'it''s \"here\" \\\\ ok'").matches(record));
        assertTrue(MetadataFilter.parse("s = 'it\\'s \\\"here\\\" \\\\ ok'").matches(record));
        assertTrue(MetadataFilter.parse("s = \"it's \"\"here\"\" \\\\ ok\"").matches(record));
        assertTrue(MetadataFilter.parse("s = \"it's \\\"here\\\" \\\\ ok\"").matches(record));
        assertTrue(MetadataFilter.parse("e = ''").matches(json("{\"e\": \"\"}")));
        assertTrue(MetadataFilter.parse("u = 'İstanbul ☕ 🐈'").matches(json("{\"u\": \"İstanbul ☕ 🐈\"}")));
        // a backslash before anything else stays, so GLOB patterns keep their escapes
        assertTrue(MetadataFilter.parse("s = 'a\\qb'").matches(json("{\"s\": \"a\\\\qb\"}")));
        assertTrue(MetadataFilter.parse("s = 'AND OR ( ) = ,'").matches(json("{\"s\": \"AND OR ( ) = ,\"}")));
    }

    // ---- fields()

    @Test
    void fieldsAreListedAsWritten() throws FilterException {
        assertEquals(List.of("a.b", "tags[0]", "c", "d[#-1]"),
                List.copyOf(MetadataFilter.parse("a.b = 1 AND (tags[0] = 'x' OR HAS FIELD c OR a.b > 2) AND d[#-1] IN (1)").fields()));
        assertEquals(Set.of("geography.continent"), MetadataFilter.parse("geography.continent = 'Asia'").fields());
        assertThrows(UnsupportedOperationException.class, () -> MetadataFilter.parse("a = 1").fields().add("b"));
    }

    @Test
    void toStringIsTheText() throws FilterException {
        assertEquals("a = 1", MetadataFilter.parse("a = 1").toString());
    }

    // ---- errors

    @Test
    void unexpectedCharacter() {
        assertError("country ~ 'x'", "unexpected character '~'", 9);
        assertError("a ! = 1", "unexpected character '!'", 3);
        assertError("a = 1 && b = 2", "unexpected character '&'", 7);
        assertError("\u00e9t\u00e9 = 1", "unexpected character '\u00e9'", 1);
        assertError("a = .5", "unexpected character '.'", 5);
        assertError("a =\u0000 1", "unexpected character U+0000", 4);
    }

    @Test
    void unterminatedString() {
        assertError("country = 'Turkey", "unterminated string", 11);
        assertError("country = \"Turkey'", "unterminated string", 11);
        assertError("country = 'Turkey\\'", "unterminated string", 11);
        assertError("a = 'x' AND b = 'it''s", "unterminated string", 17);
    }

    @Test
    void missingValue() {
        assertError("country = ", "expected a value after '='", 11);
        assertError("country =", "expected a value after '='", 10);
        assertError("a = b", "expected a value after '=' but found 'b'", 5);
        assertError("a = (1)", "expected a value after '=' but found '('", 5);
        assertError("a == 1", "expected a value after '=' but found '='", 4);
        assertError("a CONTAINS", "expected a value after 'CONTAINS'", 11);
        assertError("a IN (1,)", "expected a value after ',' but found ')'", 9);
        assertError("a IN (, 1)", "expected a value after '(' but found ','", 7);
    }

    @Test
    void missingOperatorFieldOrCondition() {
        assertError("country 'x'", "expected an operator (=, !=, <, <=, >, >=, [NOT] GLOB, [NOT] IN, [NOT] CONTAINS) after 'country' but found the string 'x'", 9);
        assertError("a", "expected an operator (=, !=, <, <=, >, >=, [NOT] GLOB, [NOT] IN, [NOT] CONTAINS) after 'a'", 2);
        assertError("a NOT = 1", "expected GLOB, CONTAINS or IN after 'NOT' but found '='", 7);
        assertError("a = 1 AND", "expected a condition (a field name, HAS FIELD or '(') after 'AND'", 10);
        assertError("a = 1 OR", "expected a condition (a field name, HAS FIELD or '(') after 'OR'", 9);
        assertError("= 1", "expected a condition (a field name, HAS FIELD or '(') but found '='", 1);
        assertError("'a' = 1", "expected a condition (a field name, HAS FIELD or '(') but found the string 'a'", 1);
        assertError("HAS FIELD", "expected a field name after 'FIELD'", 10);
        assertError("HAS NOT FIELD 5", "expected a field name after 'FIELD' but found '5'", 15);
        assertError("a IN 1", "expected '(' after 'IN' but found '1'", 6);
        assertError("a IN (1 2)", "expected ',' or ')' after '1' but found '2'", 9);
    }

    @Test
    void unbalancedParentheses() {
        assertError("(country = 'Turkey'", "unbalanced parentheses: no ')' closes the '('", 1);
        assertError("a = 1 AND ((b = 2)", "unbalanced parentheses: no ')' closes the '('", 11);
        assertError("country = 'Turkey')", "unbalanced parentheses: ')' without a matching '('", 19);
        assertError(")", "expected a condition (a field name, HAS FIELD or '(') but found ')'", 1);
        assertError("()", "expected a condition (a field name, HAS FIELD or '(') after '(' but found ')'", 2);
        assertError("(a = 1 b = 2)", "expected AND, OR or ')' after '1' but found 'b'", 8);
        assertError("a IN (1, 2", "unbalanced parentheses: no ')' closes the IN list's '('", 6);
    }

    @Test
    void orderingWithANonNumber() {
        assertError("population < 'many'", "'<' compares numbers only, but found the string 'many'", 14);
        assertError("population >= true", "'>=' compares numbers only, but found 'true'", 15);
        assertError("population<=\"1\"", "'<=' compares numbers only, but found the string \"1\"", 13);
    }

    @Test
    void globWithANonString() {
        assertError("city GLOB 5", "expected a quoted string pattern after 'GLOB' but found '5'", 11);
        assertError("city NOT GLOB true", "expected a quoted string pattern after 'GLOB' but found 'true'", 15);
        assertError("city GLOB", "expected a quoted string pattern after 'GLOB'", 10);
        assertError("city GLOB 'a[bc'", "unterminated '[' in the GLOB pattern", 11);
    }

    @Test
    void trailingInput() {
        assertError("a = 1 b = 2", "expected AND, OR or the end of the filter after '1' but found 'b'", 7);
        assertError("a = 1 'x'", "expected AND, OR or the end of the filter after '1' but found the string 'x'", 7);
        assertError("HAS FIELD a b", "expected AND, OR or the end of the filter after 'a' but found 'b'", 13);
    }

    @Test
    void emptyInList() {
        assertError("country IN ()", "empty IN list", 12);
        assertError("country NOT IN( )", "empty IN list", 15);
    }

    @Test
    void badNumbers() {
        assertError("a = 12abc", "invalid number '12abc'", 5);
        assertError("a = 1.5.3", "invalid number '1.5.3'", 5);
        assertError("a = 1.", "invalid number '1.'", 5);
        assertError("a = 1e", "invalid number '1e'", 5);
        assertError("a = 1e99999999999", "number out of range '1e99999999999'", 5);
        assertError("a = 1AND b = 2", "invalid number '1AND'", 5); // a number must end before a word starts
    }

    @Test
    void malformedPaths() {
        assertError("tags[x] = 1", "malformed field 'tags[x]' (an index such as [0] or [#-1] expected)", 5);
        assertError("tags[-1] = 1", "malformed field 'tags[-1]' (an index such as [0] or [#-1] expected)", 5);
        assertError("tags[0 = 1", "malformed field 'tags[0' (an index such as [0] or [#-1] expected)", 5);
        assertError("a..b = 1", "malformed field 'a..b' (a name expected)", 3);
        assertError("a. = 1", "malformed field 'a.' (a name expected after the last '.')", 3);
        assertError("a] = 1", "malformed field 'a]' (unexpected ']')", 2);
        assertError("a[#-0] = 1", "malformed field 'a[#-0]' ([#-0] is past the end; the last element is [#-1])", 2);
        assertError("x = 1 AND a[0]b = 1", "malformed field 'a[0]b' (unexpected 'b')", 15);
    }

    @Test
    void nestingDeeperThanAHundred() {
        assertError("(".repeat(101) + "a = 1" + ")".repeat(101), "parentheses nested deeper than 100 levels", 101);
        assertError("a = 1 AND " + "(".repeat(30_000), "parentheses nested deeper than 100 levels", 111);
        assertError("(a = 1) OR " + "(".repeat(65_000), "parentheses nested deeper than 100 levels", 112);
    }

    @Test
    void tooLong() {
        assertError("a = '" + "x".repeat(70_000) + "'", "longer than 65536 characters", 65537);
        String longest = "a IN (" + "1,".repeat((65_536 - 8) / 2) + "1)";
        assertTrue(longest.length() <= 65_536);
        assertTrue(assertDoesNotThrow(longest).matches(json("{\"a\": 1}")));
    }

    private static MetadataFilter assertDoesNotThrow(String filter) {
        return org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> MetadataFilter.parse(filter));
    }

    @Test
    void everyErrorStartsTheSameWay() {
        for (String filter : List.of("(", ")", "a", "a =", "'", "a IN ()", "a < 'x'", "a GLOB 1", "a[", "@")) {
            assertTrue(error(filter).startsWith("Invalid filter: "), filter);
            assertTrue(error(filter).matches(".* at position \\d+"), filter);
        }
    }

    @Test
    void aPublicFilterExceptionHasNoPosition() {
        FilterException e = new FilterException("Invalid filter: whatever");
        assertEquals("Invalid filter: whatever", e.getMessage());
        assertEquals(0, e.position());
    }

    // ---- hostile input finishes

    @Test
    void aHostileGlobFinishes() throws FilterException {
        String text = "a".repeat(100_000);
        JsonNode record = JsonNodeFactory.instance.objectNode().put("s", text);
        assertFalse(MetadataFilter.parse("s GLOB '" + "a*".repeat(500) + "b'").matches(record));
        assertFalse(MetadataFilter.parse("s GLOB '*" + "a".repeat(50) + "b'").matches(record));
        assertFalse(MetadataFilter.parse("s GLOB '" + "*a".repeat(500) + "*b*'").matches(record));
        assertTrue(MetadataFilter.parse("s GLOB '" + "a*".repeat(500) + "'").matches(record));
    }

    @Test
    void longChainsOfConditionsDoNotRecurse() throws FilterException {
        String chain = String.join(" AND ", java.util.Collections.nCopies(3_000, "population > 1"));
        assertTrue(city(chain));
        String alternatives = String.join(" OR ", java.util.Collections.nCopies(3_000, "population < 1")) + " OR city = 'Istanbul'";
        assertTrue(city(alternatives));
    }

    @Test
    void aFilterIsSharedAcrossThreads() throws Exception {
        MetadataFilter filter = MetadataFilter.parse("country = 'Turkey' AND city GLOB 'I*l' AND economy.major_industries[#-1] IN ('Finance')");
        List<Thread> threads = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger wrong = new java.util.concurrent.atomic.AtomicInteger();
        for (int t = 0; t < 8; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    if (!filter.matches(CITY) || filter.matches(ANIMAL)) {
                        wrong.incrementAndGet();
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(0, wrong.get());
    }
}
