package dev.larder.qstash.service;

import dev.larder.databases.Access;
import dev.larder.databases.Database;
import dev.larder.databases.Databases;
import dev.larder.qstash.delivery.Deliveries;
import dev.larder.qstash.delivery.Destinations;
import dev.larder.qstash.delivery.Scheduler;
import dev.larder.qstash.store.MessageStore;
import dev.larder.qstash.store.SigningKeys;
import dev.larder.storage.StorageNode;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** QStash on this node: its records in the grid and the deliveries of the messages whose partitions it owns. */
@Component(configurationPid = QStashSettings.PID, immediate = true, service = QStashService.class)
@Designate(ocd = QStashSettings.class)
public class QStashService {

    private static final Logger LOG = LoggerFactory.getLogger("dev.larder.qstash");
    /** The keys of QStash's dev server, which the SDKs' dev mode expects. */
    public static final SigningKeys DEV_KEYS = new SigningKeys("sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r", "sig_5ZB6DVzB1wjE8S6rZ7eenA8Pdnhs");

    private final Databases databases;
    private final QStashSettings settings;
    private final MessageStore store;
    private final Destinations destinations;
    private final Deliveries deliveries;
    private final Scheduler scheduler;
    private final dev.larder.qstash.workflow.Workflows workflows;
    private final java.util.concurrent.ScheduledExecutorService events = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("qstash-grid-writer").daemon().factory());
    private final java.util.concurrent.ScheduledExecutorService upkeep = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("qstash-upkeep").daemon().factory());

    @Activate
    public QStashService(@Reference StorageNode storage, @Reference Databases databases, QStashSettings settings) throws Exception {
        this.databases = databases;
        this.settings = settings;
        this.store = new MessageStore(storage);
        long recovered = store.recover();
        if (recovered > 0) {
            LOG.info("QStash: {} changes from the journal applied to the grid", recovered);
        }
        this.destinations = new Destinations(settings.allowPrivateDestinations());
        if (settings.devSigningKeys()) {
            store.setSigningKeys(Database.DEFAULT_ID, DEV_KEYS);
        }
        this.deliveries = new Deliveries(store, destinations, database -> store.signingKeys(database).current(),
                settings.maxConnectionsPerDestination(), settings.maxResponseBytes(), settings.globalParallelism(),
                settings.maxScheduledInMemory(), settings.maxDeliveriesInFlight(), trustStore(settings));
        this.scheduler = new Scheduler(store, deliveries);
        this.workflows = new dev.larder.qstash.workflow.Workflows(store, deliveries);
        int resumed = deliveries.resume();
        int schedules = scheduler.start();
        upkeep.scheduleWithFixedDelay(this::prune, 1, 60, java.util.concurrent.TimeUnit.MINUTES);
        upkeep.scheduleWithFixedDelay(store::checkpoint, 30, 30, java.util.concurrent.TimeUnit.SECONDS);
        events.scheduleWithFixedDelay(() -> {
            try {
                store.flushWrites();
                store.flushEvents();
            } catch (RuntimeException e) {
                LOG.warn("QStash's changes or log could not be written to the grid; tried again", e);
            }
        }, 50, 50, java.util.concurrent.TimeUnit.MILLISECONDS);
        LOG.info("QStash ready: {} waiting message{} resumed, {} schedule{}{}", resumed, resumed == 1 ? "" : "s", schedules,
                schedules == 1 ? "" : "s", settings.allowPrivateDestinations() ? "; private and loopback destinations allowed" : "");
    }

    private static java.security.KeyStore trustStore(QStashSettings settings) throws Exception {
        if (settings.destinationTrustStore().isBlank()) {
            return null;
        }
        return java.security.KeyStore.getInstance(new java.io.File(settings.destinationTrustStore()), settings.destinationTrustStorePassword().toCharArray());
    }

    /** Drops log events past their retention and deduplication ids past their window. */
    private void prune() {
        try {
            long now = System.currentTimeMillis();
            int events = store.pruneEvents(now - settings.eventRetentionHours() * 3_600_000L);
            int ids = store.pruneDeduplication(now - settings.deduplicationWindowSeconds() * 1000L);
            int runs = workflows.prune(now - settings.eventRetentionHours() * 3_600_000L);
            if (events + ids + runs > 0) {
                LOG.info("QStash upkeep: {} old log events, {} spent deduplication ids and {} ended workflow runs dropped", events, ids, runs);
            }
        } catch (RuntimeException e) {
            LOG.warn("QStash upkeep failed; tried again in an hour", e);
        }
    }

    @Deactivate
    void deactivate() throws Exception {
        upkeep.shutdownNow();
        events.shutdownNow();
        store.flushEvents();
        scheduler.close();
        workflows.close();
        deliveries.close();
        store.close();
    }

    public dev.larder.qstash.workflow.Workflows workflows() {
        return workflows;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public QStashSettings settings() {
        return settings;
    }

    public MessageStore store() {
        return store;
    }

    public Destinations destinations() {
        return destinations;
    }

    public Deliveries deliveries() {
        return deliveries;
    }

    public Optional<Access> authenticate(String token) {
        return token == null ? Optional.empty() : databases.authenticate(token);
    }
}
