package dev.larder.redis.engine.internal;

import dev.larder.redis.api.Reply;
import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;

/**
 * ACL LOG of one database, as Redis 7.0 keeps it: newest first, at most acllog-max-len entries; a denial
 * like one of the 10 newest entries (same reason, context, object and user, within 60 s) counts there
 * instead of adding an entry.
 */
final class AclLog {

    static final String REASON_COMMAND = "command";
    static final String REASON_KEY = "key";
    static final String REASON_CHANNEL = "channel";
    static final String REASON_AUTH = "auth";
    static final String CONTEXT_TOPLEVEL = "toplevel";
    static final String CONTEXT_MULTI = "multi";
    static final String CONTEXT_LUA = "lua";
    private static final long GROUPING_MILLIS = 60_000;

    private static final class Entry {
        long count = 1;
        final String reason;
        final String context;
        final String object;
        final String username;
        long createdMillis;
        String clientInfo;

        Entry(String reason, String context, String object, String username, long createdMillis, String clientInfo) {
            this.reason = reason;
            this.context = context;
            this.object = object;
            this.username = username;
            this.createdMillis = createdMillis;
            this.clientInfo = clientInfo;
        }
    }

    private final LinkedList<Entry> entries = new LinkedList<>();

    synchronized void add(String reason, String context, String object, String username, String clientInfo, long maxLength) {
        long now = System.currentTimeMillis();
        int scanned = 0;
        for (java.util.Iterator<Entry> it = entries.iterator(); it.hasNext() && scanned < 10; scanned++) {
            Entry entry = it.next();
            if (entry.reason.equals(reason) && entry.context.equals(context) && entry.object.equals(object)
                    && entry.username.equals(username) && now - entry.createdMillis <= GROUPING_MILLIS) {
                it.remove();
                entry.count++;
                entry.createdMillis = now;
                entry.clientInfo = clientInfo;
                entries.addFirst(entry);
                return;
            }
        }
        entries.addFirst(new Entry(reason, context, object, username, now, clientInfo));
        while (entries.size() > maxLength) {
            entries.removeLast();
        }
    }

    synchronized void reset() {
        entries.clear();
    }

    /** ACL LOG [count]: the newest {@code count} entries with Redis 7.0's fields. */
    void reply(Reply r, long count) {
        List<Entry> shown;
        synchronized (this) {
            shown = new ArrayList<>(entries.subList(0, (int) Math.min(count, entries.size())));
        }
        long now = System.currentTimeMillis();
        r.array(shown.size());
        for (Entry entry : shown) {
            r.map(7);
            r.bulk("count");
            r.integer(entry.count);
            r.bulk("reason");
            r.bulk(entry.reason);
            r.bulk("context");
            r.bulk(entry.context);
            r.bulk("object");
            r.bulk(entry.object);
            r.bulk("username");
            r.bulk(entry.username);
            r.bulk("age-seconds");
            r.doubleValue((now - entry.createdMillis) / 1000.0);
            r.bulk("client-info");
            r.bulk(entry.clientInfo);
        }
    }
}
