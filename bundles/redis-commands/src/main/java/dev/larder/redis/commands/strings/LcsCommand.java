package dev.larder.redis.commands.strings;

import static dev.larder.redis.api.CommandFlag.READONLY;
import static dev.larder.redis.api.CommandSpec.command;

import dev.larder.redis.api.Arguments;
import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.RedisException;
import dev.larder.redis.api.RedisValue;
import dev.larder.redis.api.Reply;
import dev.larder.redis.api.StringValue;
import java.util.ArrayList;
import java.util.List;

/**
 * LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]: the longest common subsequence by the
 * dynamic-programming table Redis uses, walked back the same way so ties resolve to the same answer.
 */
final class LcsCommand {

    private LcsCommand() {
    }

    static RedisCommand lcs() {
        return RedisCommand.of(command("lcs", -3).flags(READONLY).keys(1, 2, 1).categories("string").build(), LcsCommand::execute);
    }

    private record Match(int aStart, int aEnd, int bStart, int bEnd) {
        int length() {
            return aEnd - aStart + 1;
        }
    }

    private static void execute(CommandContext c, byte[][] argv, Reply r) throws RedisException {
        RedisValue first = c.keyspace().get(argv[1]);
        RedisValue second = c.keyspace().get(argv[2]);
        if (first != null && !(first instanceof StringValue) || second != null && !(second instanceof StringValue)) {
            throw new RedisException("ERR The specified keys must contain string values");
        }
        byte[] a = first == null ? new byte[0] : ((StringValue) first).bytes();
        byte[] b = second == null ? new byte[0] : ((StringValue) second).bytes();
        boolean getLength = false;
        boolean getIndexes = false;
        boolean withMatchLength = false;
        long minMatchLength = 0;
        for (int i = 3; i < argv.length; i++) {
            if (Arguments.is(argv[i], "IDX")) {
                getIndexes = true;
            } else if (Arguments.is(argv[i], "LEN")) {
                getLength = true;
            } else if (Arguments.is(argv[i], "WITHMATCHLEN")) {
                withMatchLength = true;
            } else if (Arguments.is(argv[i], "MINMATCHLEN") && i + 1 < argv.length) {
                minMatchLength = Math.max(0, Arguments.toLong(argv[++i]));
            } else {
                throw RedisException.syntax();
            }
        }
        if (getIndexes && getLength) {
            throw new RedisException("ERR If you want both the length and indexes, please just use IDX.");
        }
        long cells = (long) (a.length + 1) * (b.length + 1);
        if (cells * Integer.BYTES > StringCommands.MAX_STRING || cells > Integer.MAX_VALUE - 8) {
            throw new RedisException("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
        }
        int width = b.length + 1;
        int[] table;
        try {
            table = new int[(int) cells];
        } catch (OutOfMemoryError e) {
            throw new RedisException("ERR Insufficient memory, failed allocating transient memory for LCS");
        }
        for (int i = 1; i <= a.length; i++) {
            for (int j = 1; j <= b.length; j++) {
                table[i * width + j] = a[i - 1] == b[j - 1] ? table[(i - 1) * width + j - 1] + 1
                        : Math.max(table[(i - 1) * width + j], table[i * width + j - 1]);
            }
        }
        int length = table[a.length * width + b.length];
        if (getLength) {
            r.integer(length);
            return;
        }
        byte[] result = new byte[length];
        List<Match> matches = new ArrayList<>();
        int index = length;
        int i = a.length;
        int j = b.length;
        int aStart = -1;
        int aEnd = 0;
        int bStart = 0;
        int bEnd = 0;
        while (i > 0 && j > 0) {
            boolean emit = false;
            if (a[i - 1] == b[j - 1]) {
                result[index - 1] = a[i - 1];
                if (aStart < 0) {
                    aStart = aEnd = i - 1;
                    bStart = bEnd = j - 1;
                } else if (aStart == i && bStart == j) {
                    aStart--;
                    bStart--;
                } else {
                    emit = true;
                }
                if (aStart == 0 || bStart == 0) {
                    emit = true;
                }
                index--;
                i--;
                j--;
            } else {
                if (table[(i - 1) * width + j] > table[i * width + j - 1]) {
                    i--;
                } else {
                    j--;
                }
                emit = aStart >= 0;
            }
            if (emit) {
                Match match = new Match(aStart, aEnd, bStart, bEnd);
                if (minMatchLength == 0 || match.length() >= minMatchLength) {
                    matches.add(match);
                }
                aStart = -1;
            }
        }
        if (!getIndexes) {
            r.bulk(result);
            return;
        }
        r.map(2);
        r.bulk("matches");
        r.array(matches.size());
        for (Match match : matches) {
            r.array(withMatchLength ? 3 : 2);
            r.array(2);
            r.integer(match.aStart);
            r.integer(match.aEnd);
            r.array(2);
            r.integer(match.bStart);
            r.integer(match.bEnd);
            if (withMatchLength) {
                r.integer(match.length());
            }
        }
        r.bulk("len");
        r.integer(length);
    }
}
