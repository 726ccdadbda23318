package dev.larder.redis.commands.sortedsets;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.types.LexRange;
import dev.larder.redis.api.types.ScoreRange;
import dev.larder.redis.api.types.ScoreIndex;
import dev.larder.redis.api.types.SortedSetValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * ZRANGE's arguments and its three kinds of range (rank, score, lex), in either direction, with
 * LIMIT; the legacy ZRANGEBYSCORE, ZREVRANGE, ... are ZRANGE with the kind and direction preset.
 * As Redis's zrangeGenericCommand.
 */
final class RangeQuery {

    enum Kind { RANK, SCORE, LEX }

    private Kind kind;
    private boolean reverse;
    private boolean withScores;
    private long offset = 0;
    private long limit = -1;
    private long start;
    private long stop;
    private ScoreRange scores;
    private LexRange lex;

    /**
     * @param at     where min (or start) is in argv; max follows, options after
     * @param preset the kind a legacy command fixes, or null for ZRANGE
     * @param store  ZRANGESTORE: no WITHSCORES
     */
    static RangeQuery parse(byte[][] argv, int at, Kind preset, boolean presetReverse, boolean store) throws RedisException {
        RangeQuery query = new RangeQuery();
        Kind kind = preset;
        Boolean direction = preset == null ? null : presetReverse;
        for (int j = at + 2; j < argv.length; j++) {
            int left = argv.length - j - 1;
            String option = Arguments.text(argv[j]).toLowerCase(Locale.ROOT);
            if (!store && option.equals("withscores")) {
                query.withScores = true;
            } else if (option.equals("limit") && left >= 2) {
                query.offset = Arguments.toLong(argv[j + 1]);
                query.limit = Arguments.toLong(argv[j + 2]);
                j += 2;
            } else if (direction == null && option.equals("rev")) {
                direction = true;
            } else if (kind == null && option.equals("bylex")) {
                kind = Kind.LEX;
            } else if (kind == null && option.equals("byscore")) {
                kind = Kind.SCORE;
            } else {
                throw RedisException.syntax();
            }
        }
        query.kind = kind == null ? Kind.RANK : kind;
        query.reverse = direction != null && direction;
        if (query.limit != -1 && query.kind == Kind.RANK) {
            throw new RedisException("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
        }
        if (query.withScores && query.kind == Kind.LEX) {
            throw new RedisException("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
        }
        byte[] min = argv[at];
        byte[] max = argv[at + 1];
        if (query.reverse && query.kind != Kind.RANK) {
            min = argv[at + 1];
            max = argv[at];
        }
        switch (query.kind) {
            case RANK -> {
                query.start = Arguments.toLong(min);
                query.stop = Arguments.toLong(max);
            }
            case SCORE -> query.scores = Ranges.score(min, max);
            case LEX -> query.lex = Ranges.lex(min, max);
        }
        return query;
    }

    boolean withScores() {
        return withScores;
    }

    /** The members in the range, in the order asked for. */
    List<ScoreIndex.Entry> run(SortedSetValue zset) {
        List<ScoreIndex.Entry> nodes = new ArrayList<>();
        if (kind == Kind.RANK) {
            return SortedSetCommands.rankRange(zset, start, stop, reverse);
        }
        if (offset > 0 && offset >= zset.size()) {
            return nodes;
        }
        ScoreIndex.Entry node;
        if (kind == Kind.SCORE) {
            node = reverse ? zset.lastIn(scores) : zset.firstIn(scores);
        } else {
            node = reverse ? zset.lastIn(lex) : zset.firstIn(lex);
        }
        // a negative offset skips everything, a negative limit takes everything, as Redis's loops do
        for (long skip = offset; node != null && skip != 0; skip--) {
            node = reverse ? node.previous() : node.next();
        }
        for (long taken = 0; node != null && (limit < 0 || taken < limit); taken++) {
            if (kind == Kind.SCORE ? !(reverse ? scores.aboveMin(node.score()) : scores.belowMax(node.score()))
                    : !(reverse ? lex.aboveMin(node.member()) : lex.belowMax(node.member()))) {
                break;
            }
            nodes.add(node);
            node = reverse ? node.previous() : node.next();
        }
        return nodes;
    }
}
