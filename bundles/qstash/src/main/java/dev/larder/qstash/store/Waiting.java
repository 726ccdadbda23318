package dev.larder.qstash.store;

/**
 * What a scan for waiting messages reads of each stored {@link Message}: where it waits and when, not its body
 * or headers (a scan of a million messages reads every one).
 */
public record Waiting(String messageId, int database, long createdAt, long nextDeliveryTime, long sequence, Place publication) {

    /** Of the publication: the queue and the flow-control key it waits in, if any. */
    public record Place(String queueName, Publication.FlowControl flowControl) {
    }

    public String queueName() {
        return publication.queueName();
    }

    public Publication.FlowControl flowControl() {
        return publication.flowControl();
    }
}
