package dev.postillion.mailbox;

import dev.postillion.core.StoreFamily;
import dev.postillion.core.StoreFamily.Placement;
import java.util.List;

/** The column families of the directory and the mailboxes in the node's store. */
public final class MailboxFamilies {

    /** Domains and addresses. */
    public static final StoreFamily DIRECTORY = new StoreFamily("directory", false, Placement.SHARED);
    /** Per-message summary, keyed by address and uid. */
    public static final StoreFamily MAILBOX_INDEX = new StoreFamily("mailbox-index", false, Placement.SHARED);
    /** Stored message content, keyed by address and uid. */
    public static final StoreFamily MAILBOX_CONTENT = new StoreFamily("mailbox-content", true, Placement.SHARED);
    /** (address, queue id, recipient) already delivered, for idempotent redelivery. */
    public static final StoreFamily MAILBOX_DELIVERIES = new StoreFamily("mailbox-deliveries", false, Placement.SHARED);
    /** Next uid per address. */
    public static final StoreFamily MAILBOX_STATE = new StoreFamily("mailbox-state", false, Placement.SHARED);
    /**
     * When each sender was last answered by a responder, keyed by address and sender, so that a
     * sender gets at most one auto-reply per interval (RFC 3834 section 2) and deleting an address
     * forgets its senders with one range deletion.
     */
    public static final StoreFamily RESPONDER_MEMORY = new StoreFamily("responder-memory", false, Placement.SHARED);

    public static final List<StoreFamily> ALL = List.of(DIRECTORY, MAILBOX_INDEX, MAILBOX_CONTENT, MAILBOX_DELIVERIES,
            MAILBOX_STATE, RESPONDER_MEMORY);

    private MailboxFamilies() {}
}
