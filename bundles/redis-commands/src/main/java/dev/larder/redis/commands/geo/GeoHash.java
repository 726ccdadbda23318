package dev.larder.redis.commands.geo;

/**
 * Redis's geohash arithmetic (geohash.c and geohash_helper.c): positions as 52-bit interleaved
 * latitude/longitude cells over Mercator-limited latitudes, the neighbouring cells, the cells a search
 * area needs, and haversine distances on Redis's earth radius. Ported operation for operation, so that
 * scores, positions, distances and search results equal redis-server's.
 */
final class GeoHash {

    static final double LONG_MIN = -180;
    static final double LONG_MAX = 180;
    static final double LAT_MIN = -85.05112878;
    static final double LAT_MAX = 85.05112878;
    static final int STEP_MAX = 26;
    private static final double EARTH_RADIUS_IN_METERS = 6372797.560856;
    private static final double MERCATOR_MAX = 20037726.37;
    private static final double D_R = Math.PI / 180.0;

    private GeoHash() {
    }

    /** A cell: its interleaved bits at a step (precision); step 0 with bits 0 is "no cell". */
    record Cell(long bits, int step) {
        boolean isZero() {
            return bits == 0 && step == 0;
        }
    }

    /** A cell's bounds. */
    record Area(double longitudeMin, double longitudeMax, double latitudeMin, double latitudeMax) {
    }

    private static long spread(long value) {
        long x = value & 0xffffffffL;
        x = (x | (x << 16)) & 0x0000FFFF0000FFFFL;
        x = (x | (x << 8)) & 0x00FF00FF00FF00FFL;
        x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FL;
        x = (x | (x << 2)) & 0x3333333333333333L;
        x = (x | (x << 1)) & 0x5555555555555555L;
        return x;
    }

    private static long squash(long value) {
        long x = value & 0x5555555555555555L;
        x = (x | (x >>> 1)) & 0x3333333333333333L;
        x = (x | (x >>> 2)) & 0x0F0F0F0F0F0F0F0FL;
        x = (x | (x >>> 4)) & 0x00FF00FF00FF00FFL;
        x = (x | (x >>> 8)) & 0x0000FFFF0000FFFFL;
        x = (x | (x >>> 16)) & 0x00000000FFFFFFFFL;
        return x;
    }

    /** Latitude in the even bits, longitude in the odd ones; each offset is cut to 32 bits, as C's cast does. */
    private static long interleave(double latitudeOffset, double longitudeOffset) {
        return spread(toUint32(latitudeOffset)) | (spread(toUint32(longitudeOffset)) << 1);
    }

    private static long toUint32(double value) {
        return ((long) value) & 0xffffffffL;
    }

    /** The cell of a position at a step within the given ranges, or null outside them. */
    static Cell encode(double longitudeMin, double longitudeMax, double latitudeMin, double latitudeMax, double longitude,
            double latitude, int step) {
        if (longitude > LONG_MAX || longitude < LONG_MIN || latitude > LAT_MAX || latitude < LAT_MIN) {
            return null;
        }
        if (latitude < latitudeMin || latitude > latitudeMax || longitude < longitudeMin || longitude > longitudeMax) {
            return null;
        }
        double latitudeOffset = (latitude - latitudeMin) / (latitudeMax - latitudeMin);
        double longitudeOffset = (longitude - longitudeMin) / (longitudeMax - longitudeMin);
        latitudeOffset *= (double) (1L << step);
        longitudeOffset *= (double) (1L << step);
        return new Cell(interleave(latitudeOffset, longitudeOffset), step);
    }

    static Cell encodeWgs84(double longitude, double latitude, int step) {
        return encode(LONG_MIN, LONG_MAX, LAT_MIN, LAT_MAX, longitude, latitude, step);
    }

    /** A position's score in a geo set: its cell at the full 52 bits. */
    static long score(double longitude, double latitude) {
        return encodeWgs84(longitude, latitude, STEP_MAX).bits();
    }

    static Area decode(Cell cell) {
        long latitudeBits = squash(cell.bits());
        long longitudeBits = squash(cell.bits() >>> 1);
        double latitudeScale = LAT_MAX - LAT_MIN;
        double longitudeScale = LONG_MAX - LONG_MIN;
        double cells = (double) (1L << cell.step());
        return new Area(
                LONG_MIN + (longitudeBits * 1.0 / cells) * longitudeScale,
                LONG_MIN + ((longitudeBits + 1) * 1.0 / cells) * longitudeScale,
                LAT_MIN + (latitudeBits * 1.0 / cells) * latitudeScale,
                LAT_MIN + ((latitudeBits + 1) * 1.0 / cells) * latitudeScale);
    }

    /** The centre of a score's cell as {longitude, latitude}, clamped into the valid ranges. */
    static double[] position(double score) {
        Area area = decode(new Cell((long) score, STEP_MAX));
        double longitude = Math.max(LONG_MIN, Math.min(LONG_MAX, (area.longitudeMin() + area.longitudeMax()) / 2));
        double latitude = Math.max(LAT_MIN, Math.min(LAT_MAX, (area.latitudeMin() + area.latitudeMax()) / 2));
        return new double[] {longitude, latitude};
    }

    /** The standard 11-character geohash of a score (re-encoded with latitudes -90 to 90). */
    static String standardHash(double score) {
        double[] position = position(score);
        Cell cell = encode(-180, 180, -90, 90, position[0], position[1], STEP_MAX);
        String alphabet = "0123456789bcdefghjkmnpqrstuvwxyz";
        StringBuilder hash = new StringBuilder(11);
        for (int i = 0; i < 11; i++) {
            int index = i == 10 ? 0 : (int) ((cell.bits() >>> (52 - ((i + 1) * 5))) & 0x1f);
            hash.append(alphabet.charAt(index));
        }
        return hash.toString();
    }

    private static Cell moveX(Cell cell, int direction) {
        long x = cell.bits() & 0xaaaaaaaaaaaaaaaaL;
        long y = cell.bits() & 0x5555555555555555L;
        long zz = 0x5555555555555555L >>> (64 - cell.step() * 2);
        if (direction > 0) {
            x = x + (zz + 1);
        } else {
            x = x | zz;
            x = x - (zz + 1);
        }
        x &= 0xaaaaaaaaaaaaaaaaL >>> (64 - cell.step() * 2);
        return new Cell(x | y, cell.step());
    }

    private static Cell moveY(Cell cell, int direction) {
        long x = cell.bits() & 0xaaaaaaaaaaaaaaaaL;
        long y = cell.bits() & 0x5555555555555555L;
        long zz = 0xaaaaaaaaaaaaaaaaL >>> (64 - cell.step() * 2);
        if (direction > 0) {
            y = y + (zz + 1);
        } else {
            y = y | zz;
            y = y - (zz + 1);
        }
        y &= 0x5555555555555555L >>> (64 - cell.step() * 2);
        return new Cell(x | y, cell.step());
    }

    private static double toRadians(double degrees) {
        return degrees * D_R;
    }

    private static double toDegrees(double radians) {
        return radians / D_R;
    }

    static double latitudeDistance(double latitude1, double latitude2) {
        return EARTH_RADIUS_IN_METERS * Math.abs(toRadians(latitude2) - toRadians(latitude1));
    }

    /** Haversine distance in metres, as Redis computes it. */
    static double distance(double longitude1, double latitude1, double longitude2, double latitude2) {
        double lon1r = toRadians(longitude1);
        double lon2r = toRadians(longitude2);
        double v = Math.sin((lon2r - lon1r) / 2);
        if (v == 0.0) {
            return latitudeDistance(latitude1, latitude2);
        }
        double lat1r = toRadians(latitude1);
        double lat2r = toRadians(latitude2);
        double u = Math.sin((lat2r - lat1r) / 2);
        double a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
        return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(a));
    }

    /** A search area: a circle (radius) or a box (width and height), in the unit {@code toMeters} converts. */
    record Shape(double longitude, double latitude, boolean circle, double radius, double width, double height, double toMeters) {

        /** The distance of a point from the centre in metres, or a negative value when the point is outside. */
        double distanceIfInside(double longitude, double latitude) {
            if (circle) {
                double distance = distance(this.longitude, this.latitude, longitude, latitude);
                return distance > radius * toMeters ? -1 : distance;
            }
            double heightMeters = height * toMeters;
            double widthMeters = width * toMeters;
            if (latitudeDistance(latitude, this.latitude) > heightMeters / 2) {
                return -1;
            }
            if (distance(longitude, latitude, this.longitude, latitude) > widthMeters / 2) {
                return -1;
            }
            return distance(this.longitude, this.latitude, longitude, latitude);
        }
    }

    private static int estimateSteps(double rangeMeters, double latitude) {
        if (rangeMeters == 0) {
            return 26;
        }
        int step = 1;
        while (rangeMeters < MERCATOR_MAX) {
            rangeMeters *= 2;
            step++;
        }
        step -= 2;
        if (latitude > 66 || latitude < -66) {
            step--;
            if (latitude > 80 || latitude < -80) {
                step--;
            }
        }
        return Math.max(1, Math.min(26, step));
    }

    /**
     * The cells to search, in Redis's order: the centre's cell, then north, south, east, west, north-east,
     * north-west, south-east, south-west; cells that cannot hold a match are left out (null).
     */
    static Cell[] searchCells(Shape shape) {
        double height = shape.toMeters() * (shape.circle() ? shape.radius() : shape.height() / 2);
        double width = shape.toMeters() * (shape.circle() ? shape.radius() : shape.width() / 2);
        double latitudeDelta = toDegrees(height / EARTH_RADIUS_IN_METERS);
        double longitudeDeltaTop = toDegrees(width / EARTH_RADIUS_IN_METERS / Math.cos(toRadians(shape.latitude() + latitudeDelta)));
        double longitudeDeltaBottom = toDegrees(width / EARTH_RADIUS_IN_METERS / Math.cos(toRadians(shape.latitude() - latitudeDelta)));
        boolean southern = shape.latitude() < 0;
        double minLongitude = southern ? shape.longitude() - longitudeDeltaBottom : shape.longitude() - longitudeDeltaTop;
        double maxLongitude = southern ? shape.longitude() + longitudeDeltaBottom : shape.longitude() + longitudeDeltaTop;
        double minLatitude = shape.latitude() - latitudeDelta;
        double maxLatitude = shape.latitude() + latitudeDelta;
        double radiusMeters = shape.circle() ? shape.radius()
                : Math.sqrt((shape.width() / 2) * (shape.width() / 2) + (shape.height() / 2) * (shape.height() / 2));
        radiusMeters *= shape.toMeters();
        int steps = estimateSteps(radiusMeters, shape.latitude());
        Cell cell = encodeWgs84(shape.longitude(), shape.latitude(), steps);
        Cell[] neighbours = neighbours(cell);
        boolean decrease = decode(neighbours[1]).latitudeMax() < maxLatitude
                || decode(neighbours[2]).latitudeMin() > minLatitude
                || decode(neighbours[3]).longitudeMax() < maxLongitude
                || decode(neighbours[4]).longitudeMin() > minLongitude;
        if (steps > 1 && decrease) {
            steps--;
            cell = encodeWgs84(shape.longitude(), shape.latitude(), steps);
            neighbours = neighbours(cell);
        }
        Area area = decode(cell);
        if (steps >= 2) {
            if (area.latitudeMin() < minLatitude) {
                neighbours[2] = neighbours[8] = neighbours[7] = null;
            }
            if (area.latitudeMax() > maxLatitude) {
                neighbours[1] = neighbours[5] = neighbours[6] = null;
            }
            if (area.longitudeMin() < minLongitude) {
                neighbours[4] = neighbours[8] = neighbours[6] = null;
            }
            if (area.longitudeMax() > maxLongitude) {
                neighbours[3] = neighbours[7] = neighbours[5] = null;
            }
        }
        return neighbours;
    }

    /** The cell and its eight neighbours in Redis's search order. */
    private static Cell[] neighbours(Cell cell) {
        return new Cell[] {
            cell,
            moveY(cell, 1),
            moveY(cell, -1),
            moveX(cell, 1),
            moveX(cell, -1),
            moveY(moveX(cell, 1), 1),
            moveY(moveX(cell, -1), 1),
            moveY(moveX(cell, 1), -1),
            moveY(moveX(cell, -1), -1),
        };
    }
}
