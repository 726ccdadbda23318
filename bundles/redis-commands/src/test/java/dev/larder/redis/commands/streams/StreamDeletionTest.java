package dev.larder.redis.commands.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larder.redis.commands.CommandHarness;
import dev.larder.redis.commands.strings.StringCommands;
import org.junit.jupiter.api.Test;

/** Redis 8.2's reference policies: XDELEX, XACKDEL, and KEEPREF / DELREF / ACKED on XADD and XTRIM. */
class StreamDeletionTest {

    private static final String NO_PENDING = "*[:0, $nil, $nil, *nil]";

    private final CommandHarness redis = new CommandHarness(new StreamCommands(), new StringCommands());

    private void entries(String key, int count) {
        for (int i = 1; i <= count; i++) {
            assertEquals("$" + i + "-0", redis.call("XADD", key, i + "-0", "f", "v" + i));
        }
    }

    /** Two groups from the start, each having read every entry. */
    private void twoGroupsReadEverything(String key) {
        assertEquals("+OK", redis.call("XGROUP", "CREATE", key, "g1", "0"));
        assertEquals("+OK", redis.call("XGROUP", "CREATE", key, "g2", "0"));
        redis.call("XREADGROUP", "GROUP", "g1", "c1", "STREAMS", key, ">");
        redis.call("XREADGROUP", "GROUP", "g2", "c2", "STREAMS", key, ">");
    }

    // --- XDELEX ---------------------------------------------------------------------------------------

    @Test
    void xdelexDeletesLikeXdelAndAnswersPerId() {
        entries("s", 3);
        assertEquals("*[:1, :-1, :1]", redis.call("XDELEX", "s", "IDS", "3", "1-0", "9-0", "3-0"));
        assertEquals(":1", redis.call("XLEN", "s"));
        assertEquals("*[:1, :-1]", redis.call("XDELEX", "s", "IDS", "2", "2-0", "2-0"));
        assertEquals(":0", redis.call("XLEN", "s"));
        assertTrue(redis.call("XINFO", "STREAM", "s").contains("$max-deleted-entry-id, $3-0"));
        assertEquals("*[:-1, :-1]", redis.call("XDELEX", "missing", "IDS", "2", "1-0", "2-0"));
    }

    @Test
    void xdelexKeeprefLeavesThePendingEntries() {
        entries("s", 2);
        twoGroupsReadEverything("s");
        assertEquals("*[:1, :1]", redis.call("XDELEX", "s", "KEEPREF", "IDS", "2", "1-0", "2-0"));
        assertEquals(":0", redis.call("XLEN", "s"));
        assertEquals("*[:2, $1-0, $2-0, *[*[$c1, $2]]]", redis.call("XPENDING", "s", "g1"));
        assertEquals("*[:2, $1-0, $2-0, *[*[$c2, $2]]]", redis.call("XPENDING", "s", "g2"));
    }

    @Test
    void xdelexDelrefRemovesThePendingEntriesOfEveryGroupEvenOfAnEntryAlreadyGone() {
        entries("s", 2);
        twoGroupsReadEverything("s");
        assertEquals(":1", redis.call("XDEL", "s", "2-0"));
        assertEquals("*[:1, :-1]", redis.call("XDELEX", "s", "DELREF", "IDS", "2", "1-0", "2-0"));
        assertEquals(":0", redis.call("XLEN", "s"));
        assertEquals(NO_PENDING, redis.call("XPENDING", "s", "g1"));
        assertEquals(NO_PENDING, redis.call("XPENDING", "s", "g2"));
    }

    @Test
    void xdelexAckedDeletesOnlyWhatEveryGroupHasReadAndAcknowledged() {
        entries("s", 2);
        twoGroupsReadEverything("s");
        assertEquals("*[:2, :2]", redis.call("XDELEX", "s", "ACKED", "IDS", "2", "1-0", "2-0"));
        assertEquals(":2", redis.call("XACK", "s", "g1", "1-0", "2-0"));
        assertEquals("*[:2, :2]", redis.call("XDELEX", "s", "ACKED", "IDS", "2", "1-0", "2-0"));
        assertEquals(":1", redis.call("XACK", "s", "g2", "1-0"));
        assertEquals("*[:1, :2]", redis.call("XDELEX", "s", "ACKED", "IDS", "2", "1-0", "2-0"));
        assertEquals(":1", redis.call("XLEN", "s"));
        // a new group that has not read yet needs every entry
        assertEquals(":1", redis.call("XACK", "s", "g2", "2-0"));
        assertEquals("+OK", redis.call("XGROUP", "CREATE", "s", "late", "0"));
        assertEquals("*[:2]", redis.call("XDELEX", "s", "ACKED", "IDS", "1", "2-0"));
        assertEquals(":1", redis.call("XGROUP", "DESTROY", "s", "late"));
        assertEquals("*[:1]", redis.call("XDELEX", "s", "ACKED", "IDS", "1", "2-0"));
    }

    @Test
    void xdelexAckedComparesWithTheGroupThatHasReadLeast() {
        entries("s", 5);
        assertEquals("+OK", redis.call("XGROUP", "CREATE", "s", "group1", "1-0"));
        assertEquals("+OK", redis.call("XGROUP", "CREATE", "s", "group2", "3-0"));
        assertEquals("*[:1]", redis.call("XDELEX", "s", "ACKED", "IDS", "1", "1-0"));
        assertEquals("*[:2]", redis.call("XDELEX", "s", "ACKED", "IDS", "1", "2-0"));
        // an ID past what a group has read counts as still needed, whether or not the entry exists
        assertEquals("*[:2]", redis.call("XDELEX", "s", "ACKED", "IDS", "1", "9-0"));
        assertEquals(":1", redis.call("XGROUP", "DESTROY", "s", "group1"));
        assertEquals("*[:1]", redis.call("XDELEX", "s", "ACKED", "IDS", "1", "2-0"));
        assertEquals(":1", redis.call("XGROUP", "DESTROY", "s", "group2"));
        assertEquals("*[:1, :-1]", redis.call("XDELEX", "s", "ACKED", "IDS", "2", "5-0", "9-0"));
    }

    @Test
    void xdelexRefusesBadArguments() {
        entries("s", 1);
        assertEquals("-ERR wrong number of arguments for 'xdelex' command", redis.call("XDELEX", "s", "IDS", "1"));
        assertEquals("-ERR Number of IDs must be a positive integer", redis.call("XDELEX", "s", "IDS", "abc", "1-0"));
        assertEquals("-ERR Number of IDs must be a positive integer", redis.call("XDELEX", "s", "IDS", "0", "1-0"));
        assertEquals("-ERR Number of IDs must be a positive integer", redis.call("XDELEX", "s", "IDS", "-5", "1-0"));
        assertEquals("-ERR The `numids` parameter must match the number of arguments", redis.call("XDELEX", "s", "IDS", "3", "1-0", "2-0"));
        assertEquals("-ERR syntax error", redis.call("XDELEX", "s", "IDS", "1", "1-0", "2-0"));
        assertEquals("-ERR syntax error", redis.call("XDELEX", "s", "KEEPREF", "DELREF", "IDS", "1", "1-0"));
        assertEquals("-ERR syntax error", redis.call("XDELEX", "s", "ACKED", "IDS", "1", "1-0", "ACKED"));
        assertEquals("-ERR syntax error", redis.call("XDELEX", "s", "IDS", "1", "1-0", "IDS", "1", "1-0"));
        assertEquals("-ERR Invalid stream ID specified as stream command argument", redis.call("XDELEX", "s", "IDS", "2", "1-0", "x"));
        assertEquals(":1", redis.call("XLEN", "s"));
        // the IDS block may come before the policy, and the policy's case does not matter
        assertEquals("*[:1]", redis.call("XDELEX", "s", "IDS", "1", "1-0", "delref"));
        assertEquals("+OK", redis.call("SET", "str", "x"));
        assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value", redis.call("XDELEX", "str", "IDS", "1", "1-0"));
    }

    // --- XACKDEL --------------------------------------------------------------------------------------

    @Test
    void xackdelAnswersMinusOneWithoutTheKeyOrTheGroup() {
        assertEquals("*[:-1, :-1]", redis.call("XACKDEL", "s", "g", "IDS", "2", "1-1", "2-2"));
        entries("s", 1);
        assertEquals("*[:-1, :-1]", redis.call("XACKDEL", "s", "g", "IDS", "2", "1-1", "2-2"));
        assertEquals("+OK", redis.call("XGROUP", "CREATE", "s", "g", "0"));
        // not pending in the group: nothing is acknowledged or deleted
        assertEquals("*[:-1]", redis.call("XACKDEL", "s", "g", "IDS", "1", "1-0"));
        assertEquals(":1", redis.call("XLEN", "s"));
    }

    @Test
    void xackdelKeeprefAcknowledgesAndDeletesButLeavesOtherGroups() {
        entries("s", 2);
        twoGroupsReadEverything("s");
        assertEquals("*[:1, :1]", redis.call("XACKDEL", "s", "g1", "KEEPREF", "IDS", "2", "1-0", "2-0"));
        assertEquals(":0", redis.call("XLEN", "s"));
        assertEquals(NO_PENDING, redis.call("XPENDING", "s", "g1"));
        assertEquals("*[:2, $1-0, $2-0, *[*[$c2, $2]]]", redis.call("XPENDING", "s", "g2"));
        // acknowledged in the second group: 1 although the entries are gone already
        assertEquals("*[:1, :1]", redis.call("XACKDEL", "s", "g2", "IDS", "2", "1-0", "2-0"));
        assertEquals(NO_PENDING, redis.call("XPENDING", "s", "g2"));
    }

    @Test
    void xackdelDelrefRemovesTheEntryFromEveryGroup() {
        entries("s", 2);
        twoGroupsReadEverything("s");
        assertEquals("*[:1, :1]", redis.call("XACKDEL", "s", "g1", "DELREF", "IDS", "2", "1-0", "2-0"));
        assertEquals(":0", redis.call("XLEN", "s"));
        assertEquals(NO_PENDING, redis.call("XPENDING", "s", "g1"));
        assertEquals(NO_PENDING, redis.call("XPENDING", "s", "g2"));
        assertEquals("*[:-1, :-1]", redis.call("XACKDEL", "s", "g2", "DELREF", "IDS", "2", "1-0", "2-0"));
    }

    @Test
    void xackdelAckedDeletesOnceEveryGroupHasAcknowledged() {
        entries("s", 2);
        twoGroupsReadEverything("s");
        assertEquals("*[:2, :2]", redis.call("XACKDEL", "s", "g1", "ACKED", "IDS", "2", "1-0", "2-0"));
        assertEquals(":2", redis.call("XLEN", "s"));
        assertEquals(NO_PENDING, redis.call("XPENDING", "s", "g1"));
        assertEquals("*[:2, $1-0, $2-0, *[*[$c2, $2]]]", redis.call("XPENDING", "s", "g2"));
        assertEquals("*[:1, :1]", redis.call("XACKDEL", "s", "g2", "ACKED", "IDS", "2", "1-0", "2-0"));
        assertEquals(":0", redis.call("XLEN", "s"));
        assertEquals(NO_PENDING, redis.call("XPENDING", "s", "g2"));
    }

    @Test
    void xackdelRefusesBadArguments() {
        entries("s", 1);
        assertEquals("+OK", redis.call("XGROUP", "CREATE", "s", "g", "0"));
        assertEquals("-ERR wrong number of arguments for 'xackdel' command", redis.call("XACKDEL", "s", "g", "IDS", "1"));
        assertEquals("-ERR Number of IDs must be a positive integer", redis.call("XACKDEL", "s", "g", "IDS", "abc", "1-1"));
        assertEquals("-ERR Number of IDs must be a positive integer", redis.call("XACKDEL", "s", "g", "IDS", "0", "1-1"));
        assertEquals("-ERR The `numids` parameter must match the number of arguments", redis.call("XACKDEL", "s", "g", "IDS", "3", "1-1", "2-2"));
        assertEquals("-ERR syntax error", redis.call("XACKDEL", "s", "g", "IDS", "1", "1-1", "2-2"));
        assertEquals("-ERR syntax error", redis.call("XACKDEL", "s", "g", "KEEPREF", "ACKED", "IDS", "1", "1-1"));
        assertEquals("-ERR syntax error", redis.call("XACKDEL", "s", "g", "DELREF", "ACKED", "IDS", "1", "1-1"));
        assertEquals("-ERR Invalid stream ID specified as stream command argument", redis.call("XACKDEL", "s", "g", "IDS", "1", "x"));
    }

    // --- XADD and XTRIM -------------------------------------------------------------------------------

    @Test
    void trimmingKeepsPendingEntriesByDefault() {
        entries("s", 3);
        twoGroupsReadEverything("s");
        assertEquals(":2", redis.call("XTRIM", "s", "MAXLEN", "1"));
        assertEquals("*[:3, $1-0, $3-0, *[*[$c1, $3]]]", redis.call("XPENDING", "s", "g1"));
        assertEquals(":0", redis.call("XTRIM", "s", "MAXLEN", "1", "KEEPREF"));
    }

    @Test
    void trimmingWithDelrefRemovesTheTrimmedEntriesFromEveryGroup() {
        entries("s", 3);
        twoGroupsReadEverything("s");
        assertEquals(":2", redis.call("XTRIM", "s", "MAXLEN", "1", "DELREF"));
        assertEquals("*[:1, $3-0, $3-0, *[*[$c1, $1]]]", redis.call("XPENDING", "s", "g1"));
        assertEquals("*[:1, $3-0, $3-0, *[*[$c2, $1]]]", redis.call("XPENDING", "s", "g2"));
        assertEquals("$4-0", redis.call("XADD", "s", "DELREF", "MAXLEN", "0", "4-0", "f", "v"));
        assertEquals(":0", redis.call("XLEN", "s"));
        assertEquals(NO_PENDING, redis.call("XPENDING", "s", "g1"));
    }

    @Test
    void trimmingWithAckedRemovesOnlyWhatEveryGroupHasAcknowledged() {
        entries("s", 4);
        twoGroupsReadEverything("s");
        assertEquals(":0", redis.call("XTRIM", "s", "MAXLEN", "0", "ACKED"));
        assertEquals(":2", redis.call("XACK", "s", "g1", "1-0", "3-0"));
        assertEquals(":2", redis.call("XACK", "s", "g2", "1-0", "3-0"));
        // by length the trim passes over what a group still needs
        assertEquals(":2", redis.call("XTRIM", "s", "MAXLEN", "0", "ACKED"));
        assertEquals("*[*[$2-0, *[$f, $v2]], *[$4-0, *[$f, $v4]]]", redis.call("XRANGE", "s", "-", "+"));
        assertEquals(":2", redis.call("XACK", "s", "g1", "2-0", "4-0"));
        assertEquals(":1", redis.call("XACK", "s", "g2", "2-0"));
        assertEquals(":1", redis.call("XTRIM", "s", "MINID", "9-0", "ACKED"));
        assertEquals(":1", redis.call("XLEN", "s"));
    }

    @Test
    void xaddWithAckedDoesNotTrimTheEntryItAddsWhileAGroupHasNotReadIt() {
        entries("s", 2);
        assertEquals("+OK", redis.call("XGROUP", "CREATE", "s", "g", "$"));
        assertEquals("$3-0", redis.call("XADD", "s", "MAXLEN", "0", "ACKED", "3-0", "f", "v"));
        assertEquals("*[*[$3-0, *[$f, $v]]]", redis.call("XRANGE", "s", "-", "+"));
        // without groups nothing is referenced
        assertEquals("$1-0", redis.call("XADD", "t", "ACKED", "MAXLEN", "0", "1-0", "f", "v"));
        assertEquals(":0", redis.call("XLEN", "t"));
    }

    @Test
    void approximateTrimmingWithAckedEmptiesWholeNodesEntryByEntry() {
        entries("s", 250);
        assertEquals("+OK", redis.call("XGROUP", "CREATE", "s", "g", "0"));
        redis.call("XREADGROUP", "GROUP", "g", "c", "COUNT", "150", "STREAMS", "s", ">");
        for (int i = 1; i <= 150; i++) {
            if (i != 50) {
                assertEquals(":1", redis.call("XACK", "s", "g", i + "-0"));
            }
        }
        // the first node keeps the pending 50-0, the second its entries the group has not read
        assertEquals(":149", redis.call("XTRIM", "s", "MAXLEN", "~", "0", "ACKED"));
        assertEquals(":101", redis.call("XLEN", "s"));
        assertEquals("*[*[$50-0, *[$f, $v50]], *[$151-0, *[$f, $v151]]]", redis.call("XRANGE", "s", "-", "+", "COUNT", "2"));
    }

    @Test
    void thePolicyNeedsATrimmingStrategyInXtrim() {
        entries("s", 1);
        assertEquals("-ERR syntax error, XTRIM must be called with a trimming strategy", redis.call("XTRIM", "s", "ACKED", "DELREF"));
        assertEquals("-ERR syntax error", redis.call("XTRIM", "s", "MAXLEN", "0", "REFS"));
        assertEquals("$2-0", redis.call("XADD", "s", "ACKED", "2-0", "f", "v"));
        assertEquals(":2", redis.call("XLEN", "s"));
    }
}
