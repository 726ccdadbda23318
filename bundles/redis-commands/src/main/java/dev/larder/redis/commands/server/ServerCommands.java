package dev.larder.redis.commands.server;

import static dev.larder.redis.api.CommandFlag.FAST;
import static dev.larder.redis.api.CommandFlag.LOADING;
import static dev.larder.redis.api.CommandFlag.STALE;
import static dev.larder.redis.api.CommandSpec.command;

import dev.larder.redis.api.CommandFamily;
import dev.larder.redis.api.RedisCommand;
import java.time.Instant;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/** Server commands that need nothing of the engine's internals. */
@Component
public class ServerCommands implements CommandFamily {

    @Override
    public List<RedisCommand> commands() {
        return List.of(RedisCommand.of(command("time", 1).flags(FAST, LOADING, STALE).build(), (c, argv, r) -> {
            Instant now = Instant.now();
            r.array(2);
            r.bulk(Long.toString(now.getEpochSecond()));
            r.bulk(Long.toString(now.getNano() / 1000));
        }));
    }
}
