package dev.larder.redis.scripting;

import java.util.Arrays;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.DebugLib;

/**
 * LuaJ's debug hook, reduced to what Redis needs: every few thousand instructions it looks whether the
 * running script was killed (SCRIPT KILL, FUNCTION KILL) and if so raises an error — on every later
 * check too, so a pcall cannot swallow it; and it keeps the line each active function is at, for error
 * replies ("on @user_script:3."). DebugLib's own call-stack records, which make LuaJ's hooks slow, are
 * left out. One per environment, and environments are per thread.
 */
final class Watchdog extends DebugLib {

    static final String KILLED = "ERR Script killed by user with SCRIPT KILL...";
    static final String FUNCTION_KILLED = "ERR Script killed by user with FUNCTION KILL...";

    private int instructions;
    /** The run using this environment now: read from coroutine threads too, so a kill reaches code running there. */
    volatile ScriptRun run;
    /** Active calls, innermost last: the function's prototype (null for a Java function) and its current instruction. */
    private Prototype[] frames = new Prototype[32];
    private int[] pcs = new int[32];
    private int depth;
    /** The line of the last Lua function that returned: where a tail call (return redis.call(...)) came from. */
    private int lastLine;

    /** A run starts: no calls are active. */
    void reset() {
        depth = 0;
        lastLine = 0;
    }

    /** The line the innermost active Lua function is at, 0 when unknown. */
    int currentLine() {
        for (int i = depth - 1; i >= 0; i--) {
            if (frames[i] != null) {
                return line(frames[i], pcs[i]);
            }
        }
        return lastLine;
    }

    private static int line(Prototype prototype, int pc) {
        return prototype.lineinfo != null && pc >= 0 && pc < prototype.lineinfo.length ? prototype.lineinfo[pc] : 0;
    }

    @Override
    public void onInstruction(int pc, Varargs v, int top) {
        if (depth > 0) {
            pcs[depth - 1] = pc;
        }
        if ((++instructions & 4095) == 0) {
            ScriptRun run = this.run;
            if (run != null && (run.killed || run.context.stopRequested())) {
                throw new ScriptError(LuaReplies.errorTable(run.function ? FUNCTION_KILLED : KILLED), currentLine());
            }
        }
    }

    @Override
    public void onCall(LuaFunction f) {
        push(null);
    }

    @Override
    public void onCall(LuaClosure c, Varargs varargs, LuaValue[] stack) {
        push(c.p);
    }

    private void push(Prototype prototype) {
        if (depth == frames.length) {
            frames = Arrays.copyOf(frames, depth * 2);
            pcs = Arrays.copyOf(pcs, depth * 2);
        }
        frames[depth] = prototype;
        pcs[depth++] = 0;
    }

    @Override
    public void onReturn() {
        if (depth > 0) {
            depth--;
            if (frames[depth] != null) {
                lastLine = line(frames[depth], pcs[depth]);
            }
        }
    }

    /** An error raised from Java (redis.call, a kill) with the line of the script that caused it. */
    static final class ScriptError extends LuaError {
        final int line;

        ScriptError(LuaValue error, int line) {
            super(error);
            this.line = line;
        }
    }
}
