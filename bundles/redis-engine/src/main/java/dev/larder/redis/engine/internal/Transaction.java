package dev.larder.redis.engine.internal;

import dev.larder.redis.api.CommandFlag;
import dev.larder.redis.api.RedisCommand;
import dev.larder.redis.api.Reply;
import java.util.ArrayList;
import java.util.List;

/** What a client queued between MULTI and EXEC. */
final class Transaction {

    record Queued(RedisCommand command, byte[][] argv) {
    }

    final List<Queued> commands = new ArrayList<>();
    /** A command was refused while queueing: EXEC answers EXECABORT and runs nothing. */
    boolean aborted;

    /** Queues a command, or refuses it (an unknown command, a wrong argument count, no permission) and dooms EXEC. */
    void queue(RedisCommand command, byte[][] argv, String refusal, Reply reply) {
        if (refusal == null && command.spec().has(CommandFlag.NO_MULTI)) {
            refusal = "ERR Command not allowed inside a transaction";
        }
        if (refusal != null) {
            aborted = true;
            reply.error(refusal);
            return;
        }
        commands.add(new Queued(command, argv));
        reply.simple("QUEUED");
    }
}
