package dev.larder.qstash.store;

/**
 * What a person set on a flow-control key, kept across restarts: paused, and the limits pinned (null: not
 * pinned, the messages' own apply). A key's counts and waiting list are not stored: they are rebuilt as its
 * messages come due.
 */
public record FlowSettings(int database, String key, boolean paused, Integer parallelism, Integer rate, Integer periodSeconds) {

    /** Nothing set: the key is as its messages make it, and nothing needs keeping. */
    public boolean none() {
        return !paused && parallelism == null && rate == null;
    }
}
