package dev.larder.redis.scripting;

import dev.larder.redis.api.CommandContext;
import dev.larder.redis.api.Reply;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs scripts and functions: the run is registered (SCRIPT KILL, FUNCTION STATS, the engine's BUSY
 * answers), the result written as Redis converts it, a Lua error as Redis words it:
 * "{message} script: {name}, on @user_script:{line}.".
 */
final class ScriptRunner {

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.redis.scripts");
    /** LuaJ's position prefix: "@user_script:3 message". */
    private static final Pattern POSITION = Pattern.compile("^@?(user_script|user_function):(\\d+) (.*)$", Pattern.DOTALL);

    private final Set<ScriptRun> running = ConcurrentHashMap.newKeySet();

    Collection<ScriptRun> running() {
        return running;
    }

    /** Calls {@code body} with {@code arguments} as the run's code, replying with its result or its error. */
    void run(ScriptRun run, SandboxGlobals environment, LuaFunction body, Reply reply, LuaValue... arguments) {
        CommandContext context = run.context;
        run.watchdog = (Watchdog) environment.debuglib;
        run.watchdog.reset();
        run.watchdog.run = run;
        ScriptRun outer = ScriptRun.CURRENT.get();
        ScriptRun.CURRENT.set(run);
        running.add(run);
        context.scriptRunning(true);
        try {
            LuaValue result = body.invoke(LuaValue.varargsOf(arguments)).arg1();
            LuaReplies.write(result, reply, run.resp);
        } catch (LuaError e) {
            reply.error(errorReply(e, run));
        } catch (StackOverflowError e) {
            reply.error("ERR Error running script " + run.name + ": stack overflow");
        } catch (RuntimeException e) {
            LOG.warn("Script {} failed", run.name, e);
            reply.error("ERR Error running script " + run.name + ": " + LuaReplies.oneLine(String.valueOf(e)));
        } finally {
            context.scriptRunning(false);
            run.watchdog.run = null;
            running.remove(run);
            ScriptRun.CURRENT.set(outer);
        }
    }

    /** KEYS or ARGV: the arguments as Lua strings. */
    static LuaTable strings(byte[][] argv, int from, int to) {
        LuaTable table = new LuaTable(to - from, 0);
        for (int i = from; i < to; i++) {
            table.rawset(i - from + 1, LuaString.valueOf(argv[i]));
        }
        return table;
    }

    private static String errorReply(LuaError e, ScriptRun run) {
        String chunk = run.function ? LuaEnvironment.FUNCTION_CHUNK : LuaEnvironment.SCRIPT_CHUNK;
        // with a debug hook LuaJ appends a stack traceback to the message: the first line is the message
        String raw = e.getMessage() == null ? "nil" : e.getMessage().lines().findFirst().orElse("");
        Matcher position = POSITION.matcher(raw);
        String line = position.matches() ? position.group(2) : null;
        if (line == null && e instanceof Watchdog.ScriptError raised && raised.line > 0) {
            line = Integer.toString(raised.line);
        }
        LuaValue object = e.getMessageObject();
        String message = object == null ? null : LuaReplies.error(object);
        if (message == null) {
            // a string raised by the script (error("...")) or by Lua itself, with its position as Lua 5.1 writes it
            message = "ERR " + (position.matches() ? position.group(1) + ":" + line + ": " + position.group(3) : raw);
        }
        message = LuaReplies.oneLine(message);
        return line == null ? message + " script: " + run.name : message + " script: " + run.name + ", on @" + chunk + ":" + line + ".";
    }

    /** A Lua error's message as Lua 5.1 words it: "user_script:3: message". */
    static String luaMessage(LuaError e) {
        String raw = e.getMessage() == null ? "nil" : e.getMessage().lines().findFirst().orElse("");
        Matcher position = POSITION.matcher(raw);
        return position.matches() ? position.group(1) + ":" + position.group(2) + ": " + position.group(3) : raw;
    }

    /** A compile error as Redis reports it. */
    static String compileError(LuaError e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        return "ERR Error compiling script (new function): " + LuaReplies.oneLine(message);
    }

    void killAll() {
        running.forEach(run -> run.killed = true);
    }

    /** Stops the runs of one database that {@code which} selects: null when none runs, else whether it could be killed. */
    Boolean kill(String database, boolean functions) {
        Boolean killed = null;
        for (ScriptRun run : running) {
            if (run.database.equals(database) && run.function == functions) {
                if (run.wrote) {
                    return false;
                }
                run.killed = true;
                killed = true;
            }
        }
        return killed;
    }
}
