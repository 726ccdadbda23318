package dev.larder.redis.commands.geo;

import static dev.larder.redis.api.CommandFlag.DENYOOM;
import static dev.larder.redis.api.CommandFlag.READONLY;
import static dev.larder.redis.api.CommandFlag.WRITE;
import static dev.larder.redis.api.CommandSpec.command;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.CommandFamily;
import dev.larder.redis.api.LongDouble;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.Reply;
import dev.larder.redis.api.types.ScoreRange;
import dev.larder.redis.api.types.ScoreIndex;
import dev.larder.redis.api.types.SortedSetValue;
import dev.larder.redis.commands.TypedValues;
import dev.larder.redis.commands.sortedsets.SortedSetCommands;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.osgi.service.component.annotations.Component;

/** Geo commands over sorted sets scored by 52-bit geohashes (Redis's geo.c). */
@Component
public class GeoCommands implements CommandFamily {

    @Override
    public List<RedisCommand> commands() {
        return List.of(
                RedisCommand.of(command("geoadd", -5).flags(WRITE, DENYOOM).keys(1, 1, 1).categories("geo").build(), GeoCommands::geoadd),
                RedisCommand.of(command("geodist", -4).flags(READONLY).keys(1, 1, 1).categories("geo").build(), GeoCommands::geodist),
                RedisCommand.of(command("geohash", -2).flags(READONLY).keys(1, 1, 1).categories("geo").build(), (c, argv, r) -> {
                    SortedSetValue zset = TypedValues.sortedSet(c.keyspace(), argv[1]);
                    r.array(argv.length - 2);
                    for (int i = 2; i < argv.length; i++) {
                        Double score = zset == null ? null : zset.score(argv[i]);
                        if (score == null) {
                            r.nil();
                        } else {
                            r.bulk(GeoHash.standardHash(score));
                        }
                    }
                }),
                RedisCommand.of(command("geopos", -2).flags(READONLY).keys(1, 1, 1).categories("geo").build(), (c, argv, r) -> {
                    SortedSetValue zset = TypedValues.sortedSet(c.keyspace(), argv[1]);
                    r.array(argv.length - 2);
                    for (int i = 2; i < argv.length; i++) {
                        Double score = zset == null ? null : zset.score(argv[i]);
                        if (score == null) {
                            r.nilArray();
                        } else {
                            double[] position = GeoHash.position(score);
                            r.array(2);
                            coordinate(r, position[0]);
                            coordinate(r, position[1]);
                        }
                    }
                }),
                search("georadius", -6, GeoSearch.Form.RADIUS, false),
                search("georadius_ro", -6, GeoSearch.Form.RADIUS, true),
                search("georadiusbymember", -5, GeoSearch.Form.RADIUS_BY_MEMBER, false),
                search("georadiusbymember_ro", -5, GeoSearch.Form.RADIUS_BY_MEMBER, true),
                search("geosearch", -7, GeoSearch.Form.SEARCH, true),
                search("geosearchstore", -8, GeoSearch.Form.SEARCH_STORE, false));
    }

    private static RedisCommand search(String name, int arity, GeoSearch.Form form, boolean readOnly) {
        var spec = command(name, arity).categories("geo");
        spec = readOnly ? spec.flags(READONLY) : spec.flags(WRITE, DENYOOM);
        spec = form == GeoSearch.Form.SEARCH_STORE ? spec.keys(1, 2, 1) : spec.keys(1, 1, 1);
        return RedisCommand.of(spec.build(), argv -> GeoSearch.keyPositions(argv, form), (c, argv, r) -> GeoSearch.run(c, argv, r, form));
    }

    /** A coordinate as Redis prints it: "%.17Lf" without trailing zeros. */
    static void coordinate(Reply r, double value) {
        r.doubleText(LongDouble.format(new BigDecimal(value)));
    }

    /** A distance as Redis prints it: "%.4f". */
    static byte[] distance(double value) {
        return new BigDecimal(value).setScale(4, RoundingMode.HALF_EVEN).toPlainString().getBytes(StandardCharsets.US_ASCII);
    }

    /** {longitude, latitude} from two arguments, in the range Redis can index. */
    static double[] position(byte[] longitude, byte[] latitude) throws RedisException {
        double x = Arguments.toDouble(longitude);
        double y = Arguments.toDouble(latitude);
        if (x < GeoHash.LONG_MIN || x > GeoHash.LONG_MAX || y < GeoHash.LAT_MIN || y > GeoHash.LAT_MAX) {
            throw new RedisException(String.format(Locale.ROOT, "ERR invalid longitude,latitude pair %f,%f", x, y));
        }
        return new double[] {x, y};
    }

    /** Metres per unit: m, km, ft, mi. */
    static double unit(byte[] argument) throws RedisException {
        return switch (Arguments.text(argument).toLowerCase(Locale.ROOT)) {
            case "m" -> 1;
            case "km" -> 1000;
            case "ft" -> 0.3048;
            case "mi" -> 1609.34;
            default -> throw new RedisException("ERR unsupported unit provided. please use M, KM, FT, MI");
        };
    }

    /**
     * GEOADD key [NX | XX] [CH] longitude latitude member [...]: checked here, then run as ZADD with the
     * positions' geohash scores, as Redis runs it.
     */
    private static void geoadd(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        boolean nx = false;
        boolean xx = false;
        int at = 2;
        for (; at < argv.length; at++) {
            if (Arguments.is(argv[at], "NX")) {
                nx = true;
            } else if (Arguments.is(argv[at], "XX")) {
                xx = true;
            } else if (!Arguments.is(argv[at], "CH")) {
                break;
            }
        }
        if ((argv.length - at) % 3 != 0 || (xx && nx) || argv.length == at) {
            throw RedisException.syntax();
        }
        int elements = (argv.length - at) / 3;
        byte[][] zadd = new byte[at + elements * 2][];
        System.arraycopy(argv, 0, zadd, 0, at);
        zadd[0] = "zadd".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < elements; i++) {
            double[] position = position(argv[at + i * 3], argv[at + i * 3 + 1]);
            zadd[at + i * 2] = Long.toString(GeoHash.score(position[0], position[1])).getBytes(StandardCharsets.US_ASCII);
            zadd[at + i * 2 + 1] = argv[at + i * 3 + 2];
        }
        SortedSetCommands.zadd(c, zadd, r);
    }

    /** GEODIST key member1 member2 [unit] */
    private static void geodist(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        double toMeters = 1;
        if (argv.length == 5) {
            toMeters = unit(argv[4]);
        } else if (argv.length > 5) {
            throw RedisException.syntax();
        }
        SortedSetValue zset = TypedValues.sortedSet(c.keyspace(), argv[1]);
        Double first = zset == null ? null : zset.score(argv[2]);
        Double second = zset == null ? null : zset.score(argv[3]);
        if (first == null || second == null) {
            r.nil();
            return;
        }
        double[] a = GeoHash.position(first);
        double[] b = GeoHash.position(second);
        r.bulk(distance(GeoHash.distance(a[0], a[1], b[0], b[1]) / toMeters));
    }

    /** The members whose score is in a cell, in score order, that lie within the shape. */
    static void membersInCell(SortedSetValue zset, GeoHash.Cell cell, GeoHash.Shape shape, List<GeoSearch.Point> found, long limit) {
        long min = cell.bits() << (52 - cell.step() * 2);
        long max = (cell.bits() + 1) << (52 - cell.step() * 2);
        ScoreRange range = new ScoreRange(min, false, max, true);
        for (ScoreIndex.Entry node = zset.firstIn(range); node != null && range.belowMax(node.score()); node = node.next()) {
            double[] position = GeoHash.position(node.score());
            double distance = shape.distanceIfInside(position[0], position[1]);
            if (distance >= 0) {
                found.add(new GeoSearch.Point(node.member().bytes(), node.score(), position[0], position[1], distance));
                if (limit > 0 && found.size() >= limit) {
                    return;
                }
            }
        }
    }

    static final Comparator<GeoSearch.Point> BY_DISTANCE = Comparator.comparingDouble(GeoSearch.Point::distance);

    static List<GeoSearch.Point> search(SortedSetValue zset, GeoHash.Shape shape, long limit) {
        List<GeoSearch.Point> found = new ArrayList<>();
        GeoHash.Cell[] cells = GeoHash.searchCells(shape);
        int lastProcessed = 0;
        for (int i = 0; i < cells.length; i++) {
            GeoHash.Cell cell = cells[i];
            if (cell == null || cell.isZero()) {
                continue;
            }
            // as Redis: a cell equal to the one searched last is skipped (when the centre was last, it is not)
            if (lastProcessed != 0 && cell.equals(cells[lastProcessed])) {
                continue;
            }
            if (!found.isEmpty() && limit > 0 && found.size() >= limit) {
                break;
            }
            membersInCell(zset, cell, shape, found, limit);
            lastProcessed = i;
        }
        return found;
    }
}
