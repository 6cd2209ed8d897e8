package dev.postillion.mailbox.srs;

/** What {@link Srs#reverse} made of a recipient address. */
public sealed interface Reversal {

    /** A valid SRS address of ours; {@code address} is where the bounce goes. */
    record Original(String address) implements Reversal {}

    /**
     * Not an SRS address of ours: an ordinary address, or an SRS address at a domain we do not host,
     * which belongs to another forwarder and is none of our business.
     */
    record NotSrs() implements Reversal {}

    /**
     * An SRS address at one of our domains that we must not reverse: malformed, forged (the hash does
     * not match) or stale. {@code reason} is fit for the SMTP reply that refuses the recipient.
     */
    record Invalid(String reason) implements Reversal {}
}
