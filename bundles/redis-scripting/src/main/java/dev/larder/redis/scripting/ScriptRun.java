package dev.larder.redis.scripting;

import dev.larder.redis.api.CommandContext;

/** One script or function call in progress: what redis.call works with, and what SCRIPT KILL stops. */
final class ScriptRun {

    final CommandContext context;
    /** The database (tenant) it runs in: SCRIPT KILL stops only scripts of its own database. */
    final String database;
    /** The script's SHA1 or the function's name, as error replies and FUNCTION STATS name it. */
    final String name;
    /** EVAL-family script (SCRIPT KILL) or function (FUNCTION KILL). */
    final boolean function;
    final boolean writesAllowed;
    final byte[][] command;
    final long startedMillis = System.currentTimeMillis();
    /** The RESP version redis.call's replies are converted from (redis.setresp). */
    int resp = 2;
    /** Whether a write command ran: such a script can no longer be killed. */
    volatile boolean wrote;
    volatile boolean killed;
    /** Coroutines created so far (each is a thread in LuaJ: bounded). */
    int coroutines;
    /** The hook of the environment it runs in: where it is, for error replies. */
    Watchdog watchdog;

    /** The run in progress on this thread (scripts run on the thread of the command that started them). */
    static final ThreadLocal<ScriptRun> CURRENT = new ThreadLocal<>();

    /**
     * An error a Redis library function raises (redis.setresp, a read-only table...): a table, as Redis
     * raises them, so the reply reads "ERR message script: ..., on @user_script:3." without Lua's position.
     */
    static org.luaj.vm2.LuaError raise(String message) {
        ScriptRun run = CURRENT.get();
        int line = run == null || run.watchdog == null ? 0 : run.watchdog.currentLine();
        return new Watchdog.ScriptError(LuaReplies.errorTable(message), line);
    }

    ScriptRun(CommandContext context, String name, boolean function, boolean writesAllowed, byte[][] command) {
        this.context = context;
        this.database = context.client().user();
        this.name = name;
        this.function = function;
        this.writesAllowed = writesAllowed;
        this.command = command;
    }
}
