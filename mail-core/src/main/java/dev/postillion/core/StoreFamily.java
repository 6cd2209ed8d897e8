package dev.postillion.core;

import java.nio.charset.StandardCharsets;

/**
 * The column families of the node's one RocksDB instance, one per record kind
 * (ARCHITECTURE "Storage"). Families holding message bodies keep large values in blob files.
 */
public enum StoreFamily {
    /** Spool: envelope of each queued message, keyed by queue id. */
    QUEUE_ENVELOPES("queue-envelopes", false),
    /** Spool: per-recipient state, keyed by queue id and recipient index. */
    QUEUE_RECIPIENTS("queue-recipients", false),
    /** Spool: message content as accepted (with our Received header), keyed by queue id. */
    QUEUE_MESSAGES("queue-messages", true),
    /**
     * Spool: the content of a large message in the pieces it was written in while it arrived,
     * keyed by queue id and piece number; the message's record in {@link #QUEUE_MESSAGES} then
     * holds what goes in front of them (our trace fields).
     */
    QUEUE_CONTENT_PIECES("queue-content-pieces", true),
    /** Spool: per-message queue state (next attempt, hold, delay warning), keyed by queue id. */
    QUEUE_STATE("queue-state", false),
    /**
     * Spool: the retry schedule, keyed by due time and queue id, one entry per message not on hold
     * (ARCHITECTURE rule 5: due messages are found by a range read, never a scan of the spool).
     */
    QUEUE_SCHEDULE("queue-schedule", false),
    /** Directory: domains and addresses. */
    DIRECTORY("directory", false),
    /** Mailboxes: per-message summary, keyed by address and uid. */
    MAILBOX_INDEX("mailbox-index", false),
    /** Mailboxes: stored message content, keyed by address and uid. */
    MAILBOX_CONTENT("mailbox-content", true),
    /** Mailboxes: (address, queue id, recipient) already delivered, for idempotent redelivery. */
    MAILBOX_DELIVERIES("mailbox-deliveries", false),
    /** Mailboxes: next uid per address. */
    MAILBOX_STATE("mailbox-state", false),
    /**
     * Greylisting: (client network, sender, recipient) triplets, per-network pass counts for the
     * auto-whitelist, and the operator's allow entries.
     */
    GREYLIST("greylist", false),
    /**
     * Responders: when each sender was last answered, keyed by address and sender, so that a
     * sender gets at most one auto-reply per interval (RFC 3834 section 2) and deleting an
     * address forgets its senders with one range deletion.
     */
    RESPONDER_MEMORY("responder-memory", false),
    /**
     * DKIM signing: each hosted domain's keys, keyed by domain name, their private halves sealed
     * with the node's master key.
     */
    DKIM_KEYS("dkim-keys", false);

    private final String familyName;
    private final boolean blobs;

    StoreFamily(String familyName, boolean blobs) {
        this.familyName = familyName;
        this.blobs = blobs;
    }

    public byte[] nameBytes() {
        return familyName.getBytes(StandardCharsets.UTF_8);
    }

    public boolean keepsBlobs() {
        return blobs;
    }
}
