package dev.larder.redis.commands.sort;

import static dev.larder.redis.api.CommandFlag.DENYOOM;
import static dev.larder.redis.api.CommandFlag.READONLY;
import static dev.larder.redis.api.CommandFlag.WRITE;
import static dev.larder.redis.api.CommandSpec.command;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.CommandFamily;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.RedisValue;
import dev.larder.redis.api.Reply;
import dev.larder.redis.api.StringValue;
import dev.larder.redis.api.types.HashValue;
import dev.larder.redis.api.types.ListValue;
import dev.larder.redis.api.types.SetValue;
import dev.larder.redis.api.types.ScoreIndex;
import dev.larder.redis.api.types.SortedSetValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.osgi.service.component.annotations.Component;

/** SORT and SORT_RO over lists, sets and sorted sets, with BY, GET, LIMIT, ASC/DESC, ALPHA and STORE (Redis's sort.c). */
@Component
public class SortCommands implements CommandFamily {

    @Override
    public List<RedisCommand> commands() {
        return List.of(
                RedisCommand.of(command("sort", -2).flags(WRITE, DENYOOM).keys(1, 1, 1).categories("set", "sortedset", "list", "dangerous")
                        .build(), SortCommands::keys, (c, argv, r) -> sort(c, argv, r, false)),
                RedisCommand.of(command("sort_ro", -2).flags(READONLY).keys(1, 1, 1).categories("set", "sortedset", "list", "dangerous")
                        .build(), SortCommands::keys, (c, argv, r) -> sort(c, argv, r, true)));
    }

    /**
     * The key and a STORE destination; with a BY or GET pattern (which reads other keys) none, so the
     * engine locks the whole keyspace.
     */
    private static int[] keys(byte[][] argv) {
        int store = -1;
        for (int i = 2; i < argv.length - 1; i++) {
            if ((Arguments.is(argv[i], "BY") && contains(argv[i + 1], (byte) '*'))
                    || (Arguments.is(argv[i], "GET") && !Arrays.equals(argv[i + 1], new byte[] {'#'}))) {
                return new int[0];
            }
            if (Arguments.is(argv[i], "STORE")) {
                store = i + 1;
            }
        }
        return store < 0 ? new int[] {1} : new int[] {1, store};
    }

    private static boolean contains(byte[] bytes, byte wanted) {
        for (byte b : bytes) {
            if (b == wanted) {
                return true;
            }
        }
        return false;
    }

    /** One element to sort, with what it is compared by. */
    private static final class Element {
        final byte[] value;
        double score;
        byte[] by;

        Element(byte[] value) {
            this.value = value;
        }
    }

    private static void sort(CommandContext c, byte[][] argv, Reply r, boolean readOnly) throws RedisException {
        RedisValue source = c.keyspace().get(argv[1]);
        if (source != null && !(source instanceof ListValue) && !(source instanceof SetValue) && !(source instanceof SortedSetValue)) {
            throw RedisException.wrongType();
        }
        boolean desc = false;
        boolean alpha = false;
        long offset = 0;
        long count = -1;
        byte[] store = null;
        byte[] by = null;
        boolean dontSort = false;
        List<byte[]> gets = new ArrayList<>();
        for (int j = 2; j < argv.length; j++) {
            int left = argv.length - j - 1;
            String option = Arguments.text(argv[j]).toLowerCase(Locale.ROOT);
            if (option.equals("asc")) {
                desc = false;
            } else if (option.equals("desc")) {
                desc = true;
            } else if (option.equals("alpha")) {
                alpha = true;
            } else if (option.equals("limit") && left >= 2) {
                offset = Arguments.toLong(argv[j + 1]);
                count = Arguments.toLong(argv[j + 2]);
                j += 2;
            } else if (!readOnly && option.equals("store") && left >= 1) {
                store = argv[++j];
            } else if (option.equals("by") && left >= 1) {
                by = argv[++j];
                dontSort = !contains(by, (byte) '*');
            } else if (option.equals("get") && left >= 1) {
                gets.add(argv[++j]);
            } else {
                throw RedisException.syntax();
            }
        }
        if (dontSort && source instanceof SetValue && store != null) {
            // a stored result must not depend on the set's internal order
            dontSort = false;
            alpha = true;
            by = null;
        }
        if (source instanceof SortedSetValue zset) {
            zset.convertToSkiplist();
        }
        List<Element> elements = elements(source);
        if (dontSort && desc && !(source instanceof SetValue)) {
            // a list or sorted set left unsorted still comes from its end under DESC
            java.util.Collections.reverse(elements);
        }
        int length = elements.size();
        long start = offset < 0 ? 0 : offset;
        long end = count < 0 ? length - 1 : start + count - 1;
        if (start >= length) {
            start = length - 1;
            end = length - 2;
        }
        if (end >= length) {
            end = length - 1;
        }
        if (!dontSort) {
            boolean conversionError = false;
            for (Element element : elements) {
                byte[] byValue = by == null ? element.value : lookup(c, by, element.value);
                if (byValue == null) {
                    continue;
                }
                if (alpha) {
                    if (by != null) {
                        element.by = byValue;
                    }
                } else {
                    Double score = score(byValue);
                    if (score == null) {
                        conversionError = true;
                    } else {
                        element.score = score;
                    }
                }
            }
            if (conversionError) {
                throw new RedisException("ERR One or more scores can't be converted into double");
            }
            Comparator<Element> order = comparator(alpha, by != null);
            elements.sort(desc ? order.reversed() : order);
        }
        int outputLength = (int) (gets.isEmpty() ? end - start + 1 : gets.size() * (end - start + 1));
        if (store == null) {
            r.array(outputLength);
            for (long j = start; j <= end; j++) {
                Element element = elements.get((int) j);
                if (gets.isEmpty()) {
                    r.bulk(element.value);
                }
                for (byte[] get : gets) {
                    byte[] value = lookup(c, get, element.value);
                    if (value == null) {
                        r.nil();
                    } else {
                        r.bulk(value);
                    }
                }
            }
            return;
        }
        ListValue result = new ListValue();
        for (long j = start; j <= end; j++) {
            Element element = elements.get((int) j);
            if (gets.isEmpty()) {
                result.addLast(element.value);
            }
            for (byte[] get : gets) {
                byte[] value = lookup(c, get, element.value);
                result.addLast(value == null ? new byte[0] : value);
            }
        }
        if (outputLength > 0) {
            c.keyspace().set(store, result);
        } else {
            c.keyspace().remove(store);
        }
        r.integer(outputLength);
    }

    private static List<Element> elements(RedisValue source) {
        List<Element> elements = new ArrayList<>();
        if (source instanceof ListValue list) {
            for (int i = 0; i < list.size(); i++) {
                elements.add(new Element(list.get(i)));
            }
        } else if (source instanceof SetValue set) {
            set.forEach(member -> elements.add(new Element(member.bytes())));
        } else if (source instanceof SortedSetValue zset) {
            for (ScoreIndex.Entry node = zset.first(); node != null; node = node.next()) {
                elements.add(new Element(node.member().bytes()));
            }
        }
        return elements;
    }

    /** Numbers compare by value, then by bytes; ALPHA by bytes, or by the BY values with missing ones first. */
    private static Comparator<Element> comparator(boolean alpha, boolean byPattern) {
        if (!alpha) {
            return (a, b) -> {
                int cmp = Double.compare(a.score, b.score);
                if (a.score == b.score) {
                    cmp = 0;
                }
                return cmp != 0 ? cmp : Arrays.compareUnsigned(a.value, b.value);
            };
        }
        if (byPattern) {
            return (a, b) -> {
                if (a.by == null || b.by == null) {
                    return a.by == b.by ? 0 : a.by == null ? -1 : 1;
                }
                return Arrays.compareUnsigned(a.by, b.by);
            };
        }
        return (a, b) -> Arrays.compareUnsigned(a.value, b.value);
    }

    /** A value as strtod reads it, or null when it is not a number (NaN or out of range included). */
    private static Double score(byte[] value) {
        if (value.length == 0) {
            return 0.0;
        }
        try {
            double score = Arguments.toDouble(value);
            String text = Arguments.text(value).toLowerCase(Locale.ROOT);
            if (Double.isInfinite(score) && !text.contains("inf")) {
                return null;
            }
            return score;
        } catch (RedisException e) {
            return null;
        }
    }

    /**
     * Redis's lookupKeyByPattern: "#" is the element itself; otherwise the first '*' is replaced by the
     * element, and a "->field" suffix reads a hash field. Null when there is no such string or field.
     */
    private static byte[] lookup(CommandContext c, byte[] pattern, byte[] element) {
        if (pattern.length == 1 && pattern[0] == '#') {
            return element;
        }
        int star = -1;
        for (int i = 0; i < pattern.length; i++) {
            if (pattern[i] == '*') {
                star = i;
                break;
            }
        }
        if (star < 0) {
            return null;
        }
        int arrow = -1;
        for (int i = star + 1; i + 2 < pattern.length; i++) {
            if (pattern[i] == '-' && pattern[i + 1] == '>') {
                arrow = i;
                break;
            }
        }
        int keyEnd = arrow < 0 ? pattern.length : arrow;
        byte[] key = new byte[star + element.length + keyEnd - star - 1];
        System.arraycopy(pattern, 0, key, 0, star);
        System.arraycopy(element, 0, key, star, element.length);
        System.arraycopy(pattern, star + 1, key, star + element.length, keyEnd - star - 1);
        RedisValue value = c.keyspace().get(key);
        if (arrow >= 0) {
            byte[] field = Arrays.copyOfRange(pattern, arrow + 2, pattern.length);
            return value instanceof HashValue hash ? hash.get(field) : null;
        }
        return value instanceof StringValue string ? string.bytes() : null;
    }
}
