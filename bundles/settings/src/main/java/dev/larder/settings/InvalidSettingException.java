package dev.larder.settings;

/** A configuration value that a component cannot run with; the message names the setting. */
public class InvalidSettingException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String pid;
    private final String setting;

    public InvalidSettingException(String pid, String setting, String problem) {
        super("Invalid setting '" + setting + "' in " + pid + ": " + problem);
        this.pid = pid;
        this.setting = setting;
    }

    public String pid() {
        return pid;
    }

    public String setting() {
        return setting;
    }
}
