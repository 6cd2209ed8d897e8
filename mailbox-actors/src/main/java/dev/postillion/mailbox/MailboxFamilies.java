package dev.postillion.mailbox;

import dev.postillion.core.StoreFamily;
import dev.postillion.core.StoreFamily.Placement;
import java.util.List;

/** The column families of the directory and the mailboxes in the node's store. */
public final class MailboxFamilies {

    /** Domains and addresses. */
    public static final StoreFamily DIRECTORY = new StoreFamily("directory", false, Placement.SHARED);
    /** One record per address: its counters and its writer's fencing generation ({@code MailAccount}). */
    public static final StoreFamily MAIL_ACCOUNT = new StoreFamily("mail-account", false, Placement.SHARED);
    /** Folders, keyed by address and name ({@code FolderRecord}). */
    public static final StoreFamily MAIL_FOLDERS = new StoreFamily("mail-folders", false, Placement.SHARED);
    /** Messages, keyed by address, folder id and uid ({@code MessageRecord}): a folder is one range. */
    public static final StoreFamily MAIL_MESSAGES = new StoreFamily("mail-messages", false, Placement.SHARED);
    /**
     * A folder's uids as RoaringBitmaps, one per 65,536 uids, keyed by address, folder id and block:
     * opening a folder reads these few records, not its messages.
     */
    public static final StoreFamily MAIL_UIDS = new StoreFamily("mail-uids", false, Placement.SHARED);
    /**
     * Each message's latest change, keyed by address, folder id and modseq, valued by uid: what
     * changed since a modseq (RFC 7162 CHANGEDSINCE) is one range, whatever the folder's size.
     */
    public static final StoreFamily MAIL_CHANGES = new StoreFamily("mail-changes", false, Placement.SHARED);
    /**
     * Messages expunged, kept for the retention period, keyed by address, time, folder id and uid
     * ({@code ExpungedRecord}): the expired ones are one range at the front.
     */
    public static final StoreFamily MAIL_EXPUNGED = new StoreFamily("mail-expunged", false, Placement.SHARED);
    /** Message content, keyed by address and content id. */
    public static final StoreFamily MAILBOX_CONTENT = new StoreFamily("mailbox-content", true, Placement.SHARED);
    /** How many messages share a content, keyed by address and content id; absent means one. */
    public static final StoreFamily MAIL_CONTENT_REFS = new StoreFamily("mail-content-refs", false, Placement.SHARED);
    /** (address, queue id, recipient) already delivered, valued by content id, for idempotent redelivery. */
    public static final StoreFamily MAILBOX_DELIVERIES = new StoreFamily("mailbox-deliveries", false, Placement.SHARED);
    /**
     * The first model's per-message summaries keyed by (address, uid), and its uid counter per
     * address: read only to move a mailbox into folders, then emptied ({@code MailboxState}).
     */
    static final StoreFamily LEGACY_INDEX = new StoreFamily("mailbox-index", false, Placement.SHARED);
    static final StoreFamily LEGACY_STATE = new StoreFamily("mailbox-state", false, Placement.SHARED);
    /**
     * When each sender was last answered by a responder, keyed by address and sender, so that a
     * sender gets at most one auto-reply per interval (RFC 3834 section 2) and deleting an address
     * forgets its senders with one range deletion.
     */
    public static final StoreFamily RESPONDER_MEMORY = new StoreFamily("responder-memory", false, Placement.SHARED);

    /**
     * The text of addresses' Sieve scripts, keyed by address and script id ({@link AddressSieve}):
     * deleting an address deletes them with one range deletion.
     */
    public static final StoreFamily SIEVE_SCRIPTS = new StoreFamily("sieve-scripts", false, Placement.SHARED);

    public static final List<StoreFamily> ALL = List.of(DIRECTORY, MAIL_ACCOUNT, MAIL_FOLDERS, MAIL_MESSAGES,
            MAIL_UIDS, MAIL_CHANGES, MAIL_EXPUNGED, MAILBOX_CONTENT, MAIL_CONTENT_REFS, MAILBOX_DELIVERIES,
            RESPONDER_MEMORY, SIEVE_SCRIPTS, LEGACY_INDEX, LEGACY_STATE);

    private MailboxFamilies() {}
}
