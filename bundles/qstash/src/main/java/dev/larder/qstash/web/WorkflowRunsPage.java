package dev.larder.qstash.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larder.databases.Database;
import dev.larder.databases.Databases;
import dev.larder.qstash.service.QStashService;
import dev.larder.qstash.workflow.WorkflowRun;
import dev.larder.qstash.workflow.WorkflowRuns;
import dev.larder.qstash.workflow.Workflows;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The web console's Workflow page ({@code /system/console/workflows}): a database's runs, newest first, and for the
 * run picked, its steps as a timeline — one bar a step, from the moment the step before it ended (its message was
 * sent, sleeps included) to the moment its result came, coloured by state — then the messages still on their way
 * with their failed attempts, and a button that cancels an active run.
 */
@Component(service = Servlet.class, property = {
        "felix.webconsole.label=workflows",
        "felix.webconsole.title=Workflow runs",
        "felix.webconsole.category=Larder"})
public class WorkflowRunsPage extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private final transient QStashService qstash;
    private final transient Databases databases;

    @Activate
    public WorkflowRunsPage(@Reference QStashService qstash, @Reference Databases databases) {
        this.qstash = qstash;
        this.databases = databases;
    }

    private Database database(HttpServletRequest request) {
        return request.getParameter("db") == null ? databases.defaultDatabase()
                : databases.find(request.getParameter("db")).orElse(databases.defaultDatabase());
    }

    /** The cancel button: cancels the run, then shows it again. */
    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Database database = database(request);
        String runId = request.getParameter("cancel");
        if (runId != null) {
            qstash.workflows().end(database.id(), runId, true, null);
        }
        response.sendRedirect(request.getRequestURI() + "?db=" + encoded(database.name()) + (runId == null ? "" : "&run=" + encoded(runId)));
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Database database = database(request);
        Workflows workflows = qstash.workflows();
        List<WorkflowRun> runs = workflows.runs(database.id(), run -> true);
        PrintWriter out = response.getWriter();
        out.println("<style>.wf-lane{position:relative;height:18px;background:#f3f3f3;min-width:400px}"
                + ".wf-bar{position:absolute;top:2px;height:14px;min-width:3px;border-radius:2px}"
                + ".wf-STEP_SUCCESS{background:#3c9a5f}.wf-STEP_PROGRESS{background:#3f7fbf}.wf-STEP_RETRY{background:#e0a030}"
                + ".wf-STEP_FAILED{background:#c0392b}.wf-RUN_SUCCESS{color:#3c9a5f}.wf-RUN_FAILED{color:#c0392b}"
                + ".wf-RUN_CANCELED{color:#777}.wf-RUN_STARTED{color:#3f7fbf}</style>");
        out.println("<form method='get'>Database <select name='db' onchange='this.form.submit()'>");
        for (Database each : databases.list()) {
            out.printf("<option%s>%s</option>", each.id() == database.id() ? " selected" : "", Html.escaped(each.name()));
        }
        out.println("</select></form>");
        String picked = request.getParameter("run");
        WorkflowRun run = picked == null ? null : workflows.run(database.id(), picked);
        if (run != null) {
            showRun(out, database, run, workflows);
        } else if (picked != null) {
            out.printf("<p class='statline'>No workflow run %s in database %s.</p>%n", Html.escaped(picked), Html.escaped(database.name()));
        }
        out.printf("<p class='statline' id='workflow-summary'>%d run%s of database %s</p>%n", runs.size(), runs.size() == 1 ? "" : "s",
                Html.escaped(database.name()));
        out.println("<table class='nicetable' id='workflow-runs'><thead><tr><th>Run</th><th>State</th><th>Started (UTC)</th><th>Took</th>"
                + "<th>Steps</th><th>URL</th></tr></thead><tbody>");
        for (WorkflowRun each : runs.subList(0, Math.min(500, runs.size()))) {
            out.printf("<tr><td><a href='?db=%s&run=%s'>%s</a></td><td class='wf-%s'>%s</td><td>%s</td><td>%s</td><td>%d</td><td>%s</td></tr>%n",
                    encoded(database.name()), encoded(each.workflowRunId()), Html.escaped(each.workflowRunId()), each.state(), each.state(),
                    TIME.format(Instant.ofEpochMilli(each.createdAt())),
                    each.completedAt() == null ? "" : duration(each.completedAt() - each.createdAt()), each.steps().size(), Html.escaped(each.workflowUrl()));
        }
        if (runs.isEmpty()) {
            out.println("<tr><td colspan='6'>No workflow runs.</td></tr>");
        }
        out.println("</tbody></table>");
    }

    private void showRun(PrintWriter out, Database database, WorkflowRun run, Workflows workflows) {
        ObjectNode log = WorkflowRuns.log(run, workflows::message);
        out.printf("<h2>Run %s</h2><p class='statline' id='workflow-run-summary'><span class='wf-%s'>%s</span> &middot; %s &middot; started %s%s%s</p>%n",
                Html.escaped(run.workflowRunId()), run.state(), run.state(), Html.escaped(run.workflowUrl()), TIME.format(Instant.ofEpochMilli(run.createdAt())),
                run.completedAt() == null ? "" : " &middot; took " + duration(run.completedAt() - run.createdAt()),
                run.failureFunction() == null ? "" : " &middot; failure function " + run.failureFunction().state());
        if (run.response() != null) {
            out.printf("<p>Result: <code id='workflow-run-result'>%s</code></p>%n", Html.escaped(run.response()));
        }
        if (run.state().equals(WorkflowRun.STARTED)) {
            out.printf("<form method='post'><input type='hidden' name='db' value='%s'><input type='hidden' name='cancel' value='%s'>"
                    + "<button type='submit' id='workflow-cancel'>Cancel this run</button></form>%n", Html.escaped(database.name()), Html.escaped(run.workflowRunId()));
        }
        List<JsonNode> steps = new ArrayList<>();
        List<JsonNode> next = new ArrayList<>();
        for (JsonNode group : log.path("steps")) {
            group.path("steps").forEach(step -> (group.path("type").asText().equals("next") ? next : steps).add(step));
        }
        long start = run.createdAt();
        long end = run.completedAt() != null ? run.completedAt() : System.currentTimeMillis();
        for (WorkflowRun.Step step : run.steps()) {
            end = Math.max(end, Math.max(step.createdAt(), step.dueAt() == null ? 0 : step.dueAt()));
        }
        double span = Math.max(1, end - start);
        out.println("<table class='nicetable' id='workflow-timeline'><thead><tr><th>Step</th><th>Type</th><th>Name</th><th>State</th>"
                + "<th>Ended (UTC)</th><th>Took</th><th>Timeline</th><th>Out</th></tr></thead><tbody>");
        java.util.Map<String, WorkflowRun.Step> stored = new java.util.HashMap<>();
        run.steps().forEach(step -> stored.put(step.messageId(), step));
        long previous = start;
        for (JsonNode step : steps) {
            WorkflowRun.Step kept = stored.get(step.path("messageId").asText());
            long at = step.path("createdAt").asLong();
            long from = Math.min(previous, at);
            if (kept != null && kept.dueAt() != null && step.path("stepType").asText().startsWith("Sleep")) {
                from = at; // a sleep's bar is its wait: from its result to when the next step's message was due
                at = kept.dueAt();
            }
            String state = step.path("state").asText();
            out.printf("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td><div class='wf-lane'><div class='wf-bar wf-%s' "
                    + "style='left:%.2f%%;width:%.2f%%' title='%s'></div></div></td><td><code>%s</code></td></tr>%n",
                    step.path("stepId").asText(), Html.escaped(step.path("stepType").asText()), Html.escaped(step.path("stepName").asText()), state,
                    TIME.format(Instant.ofEpochMilli(at)), duration(at - from), Html.escaped(state), 100 * (from - start) / span,
                    Math.max(0.3, 100 * (at - from) / span), Html.escaped(step.path("stepName").asText() + " " + duration(at - from)),
                    Html.escaped(abbreviated(step.path("out").asText(""))));
            if (step.path("concurrent").asInt(1) == 1) {
                previous = Math.max(at, kept != null && kept.dueAt() != null ? kept.dueAt() : at);
            }
        }
        for (JsonNode waiting : next) {
            JsonNode errors = waiting.path("errors");
            String last = errors.isEmpty() ? "" : errors.get(errors.size() - 1).path("error").asText();
            String state = waiting.path("state").asText();
            out.printf("<tr class='workflow-next'><td colspan='3'>next: %s</td><td>%s</td><td></td><td>%s</td><td><div class='wf-lane'>"
                    + "<div class='wf-bar wf-%s' style='left:%.2f%%;width:%.2f%%'></div></div></td><td>%s</td></tr>%n",
                    Html.escaped(waiting.path("messageId").asText()), state, waiting.path("retries").asInt() + " retries", state,
                    100 * (previous - start) / span, Math.max(0.3, 100 * (end - previous) / span), Html.escaped(last));
        }
        out.println("</tbody></table>");
    }

    private static String duration(long millis) {
        return millis < 1000 ? millis + " ms" : millis < 120_000 ? String.format("%.1f s", millis / 1000.0) : (millis / 60_000) + " min";
    }

    private static String abbreviated(String text) {
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }

    private static String encoded(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
