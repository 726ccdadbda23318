package dev.larder.redis.commands.geo;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.Reply;
import dev.larder.redis.api.types.SortedSetValue;
import dev.larder.redis.commands.TypedValues;
import java.util.List;
import java.util.Locale;

/** GEOSEARCH, GEOSEARCHSTORE and the GEORADIUS family: their arguments, search and reply (Redis's georadiusGeneric). */
final class GeoSearch {

    enum Form { RADIUS, RADIUS_BY_MEMBER, SEARCH, SEARCH_STORE }

    /** A match: member, score, position and distance in metres (converted to the unit for the reply). */
    record Point(byte[] member, double score, double longitude, double latitude, double distance) {
    }

    private GeoSearch() {
    }

    /** The source key and, for STORE, STOREDIST or GEOSEARCHSTORE, the destination. */
    static int[] keyPositions(byte[][] argv, Form form) {
        if (form == Form.SEARCH_STORE) {
            return new int[] {1, 2};
        }
        if (form == Form.SEARCH) {
            return new int[] {1};
        }
        for (int i = form == Form.RADIUS ? 6 : 5; i < argv.length - 1; i++) {
            if (Arguments.is(argv[i], "STORE") || Arguments.is(argv[i], "STOREDIST")) {
                return new int[] {1, i + 1};
            }
        }
        return new int[] {1};
    }

    private static final String NOT_DECODABLE = "ERR could not decode requested zset member";

    static void run(CommandContext c, byte[][] argv, Reply r, Form form) throws RedisException {
        String name = Arguments.text(argv[0]).toLowerCase(Locale.ROOT);
        boolean readOnly = name.endsWith("_ro");
        int sourceAt = form == Form.SEARCH_STORE ? 2 : 1;
        SortedSetValue zset = TypedValues.sortedSet(c.keyspace(), argv[sourceAt]);
        double[] center = null;
        boolean circle = true;
        double radius = 0;
        double width = 0;
        double height = 0;
        double toMeters = 1;
        int base;
        byte[] store = null;
        boolean storeDistance = false;
        switch (form) {
            case RADIUS -> {
                base = 6;
                center = GeoCommands.position(argv[2], argv[3]);
                radius = radius(argv[4]);
                toMeters = GeoCommands.unit(argv[5]);
            }
            case RADIUS_BY_MEMBER -> {
                base = 5;
                if (zset != null) {
                    center = member(zset, argv[2]);
                    radius = radius(argv[3]);
                    toMeters = GeoCommands.unit(argv[4]);
                }
            }
            case SEARCH_STORE -> {
                base = 3;
                store = argv[1];
            }
            default -> base = 2;
        }
        boolean search = form == Form.SEARCH || form == Form.SEARCH_STORE;
        boolean withDist = false;
        boolean withHash = false;
        boolean withCoord = false;
        boolean fromMember = false;
        boolean fromLonLat = false;
        boolean byRadius = false;
        boolean byBox = false;
        int sort = 0;
        boolean any = false;
        long count = 0;
        int remaining = argv.length - base;
        for (int i = 0; i < remaining; i++) {
            byte[] arg = argv[base + i];
            String option = Arguments.text(arg).toLowerCase(Locale.ROOT);
            if (option.equals("withdist")) {
                withDist = true;
            } else if (option.equals("withhash")) {
                withHash = true;
            } else if (option.equals("withcoord")) {
                withCoord = true;
            } else if (option.equals("any")) {
                any = true;
            } else if (option.equals("asc")) {
                sort = 1;
            } else if (option.equals("desc")) {
                sort = -1;
            } else if (option.equals("count") && i + 1 < remaining) {
                count = Arguments.toLong(argv[base + i + 1]);
                if (count <= 0) {
                    throw new RedisException("ERR COUNT must be > 0");
                }
                i++;
            } else if ((option.equals("store") || option.equals("storedist")) && i + 1 < remaining && !readOnly && !search) {
                store = argv[base + i + 1];
                storeDistance = option.equals("storedist");
                i++;
            } else if (option.equals("storedist") && form == Form.SEARCH_STORE) {
                storeDistance = true;
            } else if (option.equals("frommember") && i + 1 < remaining && search && !fromLonLat) {
                if (zset != null) {
                    center = member(zset, argv[base + i + 1]);
                }
                fromMember = true;
                i++;
            } else if (option.equals("fromlonlat") && i + 2 < remaining && search && !fromMember) {
                center = GeoCommands.position(argv[base + i + 1], argv[base + i + 2]);
                fromLonLat = true;
                i += 2;
            } else if (option.equals("byradius") && i + 2 < remaining && search && !byBox) {
                radius = radius(argv[base + i + 1]);
                toMeters = GeoCommands.unit(argv[base + i + 2]);
                circle = true;
                byRadius = true;
                i += 2;
            } else if (option.equals("bybox") && i + 3 < remaining && search && !byRadius) {
                width = number(argv[base + i + 1], "ERR need numeric width");
                height = number(argv[base + i + 2], "ERR need numeric height");
                if (height < 0 || width < 0) {
                    throw new RedisException("ERR height or width cannot be negative");
                }
                toMeters = GeoCommands.unit(argv[base + i + 3]);
                circle = false;
                byBox = true;
                i += 3;
            } else {
                throw RedisException.syntax();
            }
        }
        if (store != null && (withDist || withHash || withCoord)) {
            throw new RedisException("ERR " + (form == Form.SEARCH_STORE ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS")
                    + " is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
        }
        if (search && !(fromMember || fromLonLat)) {
            throw new RedisException("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " + Arguments.text(argv[0]));
        }
        if (search && !(byRadius || byBox)) {
            throw new RedisException("ERR exactly one of BYRADIUS and BYBOX can be specified for " + Arguments.text(argv[0]));
        }
        if (any && count == 0) {
            throw new RedisException("ERR the ANY argument requires COUNT argument");
        }
        if (zset == null) {
            if (store != null) {
                c.keyspace().remove(store);
                r.integer(0);
            } else {
                r.array(0);
            }
            return;
        }
        if (count != 0 && sort == 0 && !any) {
            sort = 1;
        }
        GeoHash.Shape shape = new GeoHash.Shape(center[0], center[1], circle, radius, width, height, toMeters);
        List<Point> found = GeoCommands.search(zset, shape, any ? count : 0);
        if (found.isEmpty() && store == null) {
            r.array(0);
            return;
        }
        int returned = (int) (count == 0 || found.size() < count ? found.size() : count);
        if (sort != 0) {
            found.sort(sort > 0 ? GeoCommands.BY_DISTANCE : GeoCommands.BY_DISTANCE.reversed());
        }
        if (store == null) {
            int options = (withDist ? 1 : 0) + (withHash ? 1 : 0) + (withCoord ? 1 : 0);
            r.array(returned);
            for (int i = 0; i < returned; i++) {
                Point point = found.get(i);
                if (options > 0) {
                    r.array(options + 1);
                }
                r.bulk(point.member());
                if (withDist) {
                    r.bulk(GeoCommands.distance(point.distance() / toMeters));
                }
                if (withHash) {
                    r.integer((long) point.score());
                }
                if (withCoord) {
                    r.array(2);
                    GeoCommands.coordinate(r, point.longitude());
                    GeoCommands.coordinate(r, point.latitude());
                }
            }
            return;
        }
        if (returned == 0) {
            c.keyspace().remove(store);
            r.integer(0);
            return;
        }
        SortedSetValue result = new SortedSetValue();
        for (int i = 0; i < returned; i++) {
            Point point = found.get(i);
            result.put(point.member(), storeDistance ? point.distance() / toMeters : point.score());
        }
        c.keyspace().set(store, result);
        r.integer(returned);
    }

    private static double[] member(SortedSetValue zset, byte[] member) throws RedisException {
        Double score = zset.score(member);
        if (score == null) {
            throw new RedisException(NOT_DECODABLE);
        }
        return GeoHash.position(score);
    }

    private static double radius(byte[] argument) throws RedisException {
        double radius = number(argument, "ERR need numeric radius");
        if (radius < 0) {
            throw new RedisException("ERR radius cannot be negative");
        }
        return radius;
    }

    private static double number(byte[] argument, String error) throws RedisException {
        try {
            return Arguments.toDouble(argument);
        } catch (RedisException e) {
            throw new RedisException(error);
        }
    }
}
