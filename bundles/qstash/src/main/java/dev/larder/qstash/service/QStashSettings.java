package dev.larder.qstash.service;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Larder QStash", description = "QStash: HTTP messages of each database, delivered signed with retries (API under /v2).")
public @interface QStashSettings {

    String PID = "dev.larder.qstash";

    @AttributeDefinition(description = "Deliver to loopback, private and link-local addresses too. Off: a publisher cannot make the server reach the network it runs in; turn it on for sinks on this machine.")
    boolean allowPrivateDestinations() default false;

    @AttributeDefinition(description = "Largest message body, in bytes (Upstash: 1 MB).")
    int maxBodyBytes() default 1024 * 1024;

    @AttributeDefinition(description = "Retries after the first attempt when a message does not say (Upstash-Retries).")
    int defaultRetries() default 3;

    @AttributeDefinition(description = "Most retries a message may ask for.")
    int maxRetries() default 20;

    @AttributeDefinition(description = "Seconds an attempt may take when the message does not say (Upstash-Timeout), and at most.")
    int maxTimeoutSeconds() default 900;

    @AttributeDefinition(description = "Connections at most to one destination (host and port) at once.")
    int maxConnectionsPerDestination() default 64;

    @AttributeDefinition(description = "Bytes of a destination's answer kept for the DLQ and logs.")
    int maxResponseBytes() default 64 * 1024;

    @AttributeDefinition(description = "Seconds during which a second publish with the same Upstash-Deduplication-Id (or the same content, with Upstash-Content-Based-Deduplication) is answered with the first one's message and not delivered (Upstash: 10 minutes).")
    int deduplicationWindowSeconds() default 600;

    @AttributeDefinition(description = "Deliveries in flight at once on this node, over all databases (0: no limit), as GET /v2/globalParallelism shows it.")
    int globalParallelism() default 0;

    @AttributeDefinition(description = "Waiting messages whose due times a node holds in memory (about 200 bytes each), and as many ids of queued messages; a queue or a flow-control key holds a tenth of it at most. The rest wait in the grid and are taken back, earliest first (a queue's in order), as room frees.")
    int maxScheduledInMemory() default 200_000;

    @AttributeDefinition(description = "Deliveries a node has started and not yet settled, over all destinations (each holds its message and body); due messages past it wait for one to settle.")
    int maxDeliveriesInFlight() default 4096;

    @AttributeDefinition(description = "Hours the log (GET /v2/events) keeps a message's events, and the workflow logs an ended run.")
    int eventRetentionHours() default 72;

    @AttributeDefinition(description = "A trust store (PKCS12 or JKS) whose certificates https destinations are checked against instead of the JDK's, for sinks whose certificate a local CA signed; empty: the JDK's.", required = false)
    String destinationTrustStore() default "";

    @AttributeDefinition(description = "The destination trust store's password.", required = false, type = org.osgi.service.metatype.annotations.AttributeType.PASSWORD)
    String destinationTrustStorePassword() default "";

    @AttributeDefinition(description = "Sign the default database's deliveries with the QStash dev server's keys (sig_7kYj…, sig_5ZB6…), which the SDKs' dev mode knows.")
    boolean devSigningKeys() default false;
}
