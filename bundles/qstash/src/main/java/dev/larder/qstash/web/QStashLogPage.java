package dev.larder.qstash.web;

import dev.larder.databases.Database;
import dev.larder.databases.Databases;
import dev.larder.qstash.service.QStashService;
import dev.larder.qstash.store.Event;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The web console's QStash page ({@code /system/console/qstash}): a database's latest message events, newest
 * first, filtered by state, with how many of each state the page holds, and its queues and schedules in
 * short. A plain servlet with the web console's plugin properties: the console draws its frame around what it
 * writes, and without a web console (the QStash feature alone) it is simply not shown.
 */
@Component(service = Servlet.class, property = {
        "felix.webconsole.label=qstash",
        "felix.webconsole.title=QStash log",
        "felix.webconsole.category=Larder"})
public class QStashLogPage extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private static final List<String> STATES = List.of("CREATED", "ACTIVE", "RETRY", "DELIVERED", "FAILED", "CANCELLED");

    private final transient QStashService qstash;
    private final transient Databases databases;

    @Activate
    public QStashLogPage(@Reference QStashService qstash, @Reference Databases databases) {
        this.qstash = qstash;
        this.databases = databases;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Database database = request.getParameter("db") == null ? databases.defaultDatabase()
                : databases.find(request.getParameter("db")).orElse(databases.defaultDatabase());
        String given = request.getParameter("state");
        String state = given != null && STATES.contains(given) ? given : null;
        int count = 200;
        try {
            count = Math.max(1, Math.min(2000, Integer.parseInt(request.getParameter("count"))));
        } catch (NumberFormatException | NullPointerException e) {
            // the default
        }
        List<Event> events = qstash.store().eventsOf(database.id(), event -> state == null || event.state().equals(state), count, null).items();
        Map<String, Integer> byState = new TreeMap<>();
        events.forEach(event -> byState.merge(event.state(), 1, Integer::sum));

        PrintWriter out = response.getWriter();
        out.println("<form method='get' class='qstash-filter'>Database <select name='db' onchange='this.form.submit()'>");
        for (Database each : databases.list()) {
            out.printf("<option%s>%s</option>", each.id() == database.id() ? " selected" : "", Html.escaped(each.name()));
        }
        out.println("</select> State <select name='state' onchange='this.form.submit()'><option value=''>all</option>");
        for (String each : STATES) {
            out.printf("<option%s>%s</option>", each.equals(state) ? " selected" : "", each);
        }
        out.printf("</select> Latest <input name='count' size='5' value='%d'> <button type='submit'>Show</button></form>%n", count);
        out.printf("<p class='statline' id='qstash-summary'>%d event%s of database %s", events.size(), events.size() == 1 ? "" : "s",
                Html.escaped(database.name()));
        byState.forEach((name, n) -> out.printf(" &middot; <span class='qstash-state-%s'>%s %d</span>", name, name, n));
        out.printf(" &middot; %d waiting for delivery on this node &middot; %d queue%s &middot; %d schedule%s</p>%n",
                qstash.deliveries().pending(), qstash.store().queuesOf(database.id()).size(),
                qstash.store().queuesOf(database.id()).size() == 1 ? "" : "s",
                qstash.store().schedules(schedule -> schedule.database() == database.id()).size(),
                qstash.store().schedules(schedule -> schedule.database() == database.id()).size() == 1 ? "" : "s");
        out.println("<table class='nicetable' id='qstash-events'><thead><tr><th>Time (UTC)</th><th>State</th><th>Message</th>"
                + "<th>URL</th><th>Status</th><th>Next attempt</th><th>Error</th></tr></thead><tbody>");
        for (Event event : events) {
            out.printf("<tr><td>%s</td><td class='qstash-state-%s'>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>%n",
                    TIME.format(Instant.ofEpochMilli(event.time())), event.state(), event.state(), Html.escaped(event.messageId()), Html.escaped(event.url()),
                    event.responseStatus() == null ? "" : event.responseStatus(),
                    event.nextDeliveryTime() == null ? "" : TIME.format(Instant.ofEpochMilli(event.nextDeliveryTime())),
                    event.error() == null ? "" : Html.escaped(event.error()));
        }
        if (events.isEmpty()) {
            out.println("<tr><td colspan='7'>No events.</td></tr>");
        }
        out.println("</tbody></table>");
    }
}
