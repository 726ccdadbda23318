package dev.larder.qstash.console;

import dev.larder.databases.Database;
import dev.larder.databases.Databases;
import dev.larder.qstash.service.QStashService;
import dev.larder.qstash.workflow.WorkflowRun;
import dev.larder.qstash.workflow.WorkflowRuns;
import dev.larder.qstash.workflow.Workflows;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The console's Workflow commands, per database (the default one unless named): runs, one run's steps, cancel. */
@Component(service = WorkflowCommands.class, property = {
        "osgi.command.scope=larder",
        "osgi.command.function=workflow-runs",
        "osgi.command.function=workflow-run",
        "osgi.command.function=workflow-cancel"})
public class WorkflowCommands {

    private static final String USAGE = """
            larder:workflow-runs [DB] [--count N]   a database's workflow runs, newest first (50 unless --count)
            larder:workflow-run [DB] RUN            one run: its state, result, steps in order and the messages still on their way
            larder:workflow-cancel [DB] RUN|--all   cancels a run (or every active run): its waiting steps are dropped""";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Reference
    private QStashService qstash;

    @Reference
    private Databases databases;

    public String _main(String function, String[] args) {
        try {
            List<String> words = new ArrayList<>(List.of(args));
            int count = count(words);
            Workflows workflows = qstash.workflows();
            return switch (function) {
                case "workflow-runs" -> runs(workflows, database(words, 0), count);
                case "workflow-run" -> run(workflows, database(words, 1), last(words));
                case "workflow-cancel" -> cancel(workflows, database(words, 1), last(words));
                default -> USAGE;
            };
        } catch (IllegalArgumentException e) {
            return "Error: " + e.getMessage() + System.lineSeparator() + "Usage:" + System.lineSeparator() + USAGE;
        }
    }

    /** The database named before the {@code after} words that follow it, else the default. */
    private Database database(List<String> words, int after) {
        if (words.size() > after) {
            String name = words.get(0);
            return databases.find(name).orElseThrow(() -> new IllegalArgumentException("No database '" + name + "'"));
        }
        return databases.defaultDatabase();
    }

    private static String last(List<String> words) {
        if (words.isEmpty()) {
            throw new IllegalArgumentException("a workflow run id is needed");
        }
        return words.get(words.size() - 1);
    }

    private static int count(List<String> words) {
        int at = words.indexOf("--count");
        if (at < 0) {
            return 50;
        }
        if (at + 1 >= words.size()) {
            throw new IllegalArgumentException("--count takes a number");
        }
        try {
            int count = Math.max(1, Integer.parseInt(words.get(at + 1)));
            words.subList(at, at + 2).clear();
            return count;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--count takes a number, got " + words.get(at + 1));
        }
    }

    private static String runs(Workflows workflows, Database database, int count) {
        List<WorkflowRun> runs = workflows.runs(database.id(), run -> true);
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-36s %-13s %-24s %-5s %s%n", "RUN", "STATE", "STARTED", "STEPS", "URL"));
        runs.stream().limit(count).forEach(run -> out.append(String.format(Locale.ROOT, "%-36s %-13s %-24s %-5d %s%n", run.workflowRunId(),
                run.state(), TIME.format(Instant.ofEpochMilli(run.createdAt())), run.steps().size(), run.workflowUrl())));
        out.append(runs.size()).append(runs.size() == 1 ? " run" : " runs").append(runs.size() > count ? " (the newest " + count + " shown)" : "");
        return out.toString();
    }

    private static String run(Workflows workflows, Database database, String runId) {
        WorkflowRun run = workflows.run(database.id(), runId);
        if (run == null) {
            throw new IllegalArgumentException("No workflow run '" + runId + "' in database " + database.name());
        }
        String nl = System.lineSeparator();
        StringBuilder out = new StringBuilder();
        out.append("Run: ").append(run.workflowRunId()).append(nl).append("URL: ").append(run.workflowUrl()).append(nl)
                .append("State: ").append(run.state()).append(nl)
                .append("Started: ").append(TIME.format(Instant.ofEpochMilli(run.createdAt()))).append(nl);
        if (run.completedAt() != null) {
            out.append("Ended: ").append(TIME.format(Instant.ofEpochMilli(run.completedAt()))).append(" (")
                    .append(run.completedAt() - run.createdAt()).append(" ms)").append(nl);
        }
        if (run.response() != null) {
            out.append("Result: ").append(run.response()).append(nl);
        }
        if (run.invoker() != null) {
            out.append("Invoked by: ").append(run.invoker().workflowRunId()).append(nl);
        }
        if (run.failureFunction() != null) {
            out.append("Failure function: ").append(run.failureFunction().state()).append(" (").append(run.failureFunction().url()).append(")")
                    .append(nl);
        }
        out.append(String.format(Locale.ROOT, "%-10s %-13s %-4s %-12s %-20s %s%n", "GROUP", "STATE", "ID", "TYPE", "NAME", "OUT"));
        WorkflowRuns.lines(run, workflows::message).forEach(line -> out.append(line).append(nl));
        return out.toString().stripTrailing();
    }

    private static String cancel(Workflows workflows, Database database, String runId) {
        if (runId.equals("--all")) {
            return workflows.cancel(database.id(), run -> true, Integer.MAX_VALUE) + " runs cancelled";
        }
        WorkflowRun run = workflows.run(database.id(), runId);
        if (run == null) {
            throw new IllegalArgumentException("No workflow run '" + runId + "' in database " + database.name());
        }
        if (!run.state().equals(WorkflowRun.STARTED)) {
            return "Run " + runId + " has ended already: " + run.state();
        }
        workflows.end(database.id(), runId, true, null);
        return "Run " + runId + " cancelled";
    }
}
