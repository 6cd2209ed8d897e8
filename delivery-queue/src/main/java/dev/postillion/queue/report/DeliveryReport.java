package dev.postillion.queue.report;

import dev.postillion.core.Envelope;

/**
 * A report ready for the spool.
 *
 * @param envelope from the null sender to the sender of the message reported on
 * @param message the complete RFC 5322 message, CRLF line endings
 */
public record DeliveryReport(Envelope envelope, byte[] message) {}
