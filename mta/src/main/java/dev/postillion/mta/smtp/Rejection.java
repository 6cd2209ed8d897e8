package dev.postillion.mta.smtp;

/**
 * Why the node refused something a client sent, temporarily or for good: the {@code reason}
 * label of {@code postillion_smtp_rejections_total}, which dashboards and alerts name.
 */
public enum Rejection {
    /** RCPT to no mailbox here: unknown, disabled, sending-only, or a forged SRS address. */
    UNKNOWN_RECIPIENT,
    /** RCPT to another domain from a client that may not relay. */
    RELAY_DENIED,
    GREYLISTED,
    /** The From domain's DMARC policy refuses the message, or could not be checked yet. */
    DMARC,
    /** A content rule (SPEC section 4): an attachment, a header, a mail loop. */
    CONTENT,
    /** The message or its header is larger than allowed. */
    SIZE,
    /** Connections or messages over a client's limits. */
    RATE_LIMIT,
    /** MAIL on a submission port before AUTH, or AUTH before TLS. */
    AUTH_REQUIRED,
    /** A wrong password, a disabled address, too many failed attempts, a password changed. */
    AUTH_FAILED,
    /** A submitted message whose sender the logged-in user may not use. */
    SENDER_GUARD,
    /** The recipient's block list holds the sender (SPEC section 4). */
    BLOCKED_SENDER,
    /** The spam filter scored the message over its reject score (SPEC section 4). */
    SPAM,
    /** Commands out of order, bad syntax, unsupported options, unsafe line endings. */
    PROTOCOL,
    /** A fault of ours (a store, lookup or check that failed): always temporary. */
    LOCAL_ERROR;

    /** The label value: the name in lower case ({@code unknown_recipient}). */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
