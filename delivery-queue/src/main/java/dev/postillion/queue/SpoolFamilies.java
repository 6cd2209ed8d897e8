package dev.postillion.queue;

import dev.postillion.core.StoreFamily;
import dev.postillion.core.StoreFamily.Placement;
import java.util.List;

/** The spool's column families in the node's store (written by {@link SpoolStore} only). */
public final class SpoolFamilies {

    /** The envelope of each queued message, keyed by queue id. */
    public static final StoreFamily ENVELOPES = new StoreFamily("queue-envelopes", false, Placement.NODE);
    /** Per-recipient state, keyed by queue id and recipient index. */
    public static final StoreFamily RECIPIENTS = new StoreFamily("queue-recipients", false, Placement.NODE);
    /**
     * Message content as accepted (with our Received header), keyed by queue id; for a message
     * written in pieces, what goes in front of them.
     */
    public static final StoreFamily MESSAGES = new StoreFamily("queue-messages", true, Placement.NODE);
    /** The pieces of a large message's content written while it arrived, keyed by queue id and number. */
    public static final StoreFamily CONTENT_PIECES = new StoreFamily("queue-content-pieces", true, Placement.NODE);
    /** Per-message queue state (next attempt, hold, delay warning), keyed by queue id. */
    public static final StoreFamily STATE = new StoreFamily("queue-state", false, Placement.NODE);
    /**
     * The retry schedule, keyed by due time and queue id, one entry per message not on hold
     * (ARCHITECTURE rule 5: due messages are found by a range read, never a scan of the spool).
     */
    public static final StoreFamily SCHEDULE = new StoreFamily("queue-schedule", false, Placement.NODE);

    /**
     * Messages kept aside until a write in the shared store lands ({@link ParkedMessages}), keyed
     * by queue id.
     */
    public static final StoreFamily PARKED = new StoreFamily("queue-parked", true, Placement.NODE);

    public static final List<StoreFamily> ALL = List.of(ENVELOPES, RECIPIENTS, MESSAGES, CONTENT_PIECES, STATE,
            SCHEDULE, PARKED);

    private SpoolFamilies() {}
}
