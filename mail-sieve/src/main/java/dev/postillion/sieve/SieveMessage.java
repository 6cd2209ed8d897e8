package dev.postillion.sieve;

import java.util.List;

/** What a script may read of the message being delivered; the caller implements it. */
public interface SieveMessage {

    /** The envelope's sender (SMTP MAIL FROM), {@code ""} for the null sender. */
    String envelopeFrom();

    /** The original recipient as addressed (SMTP RCPT TO), e.g. {@code anna+news@example.test}. */
    String envelopeTo();

    /**
     * The values of the header fields named {@code name} (case-insensitive), in the message's order,
     * unfolded and with RFC 2047 encoded words decoded; empty if there is none.
     */
    List<String> headers(String name);

    /** The whole message, header and body, as received; the body test (RFC 5173) reads it. */
    byte[] content();

    /** The message's size in octets, what the size test compares (RFC 5228 s5.9). */
    long size();
}
