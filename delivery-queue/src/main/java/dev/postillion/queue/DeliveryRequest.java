package dev.postillion.queue;

import dev.postillion.core.Envelope;
import dev.postillion.core.QueueId;
import java.util.List;

/**
 * Deliver {@code recipients} (indexes into the envelope's recipient list) of one spooled message.
 *
 * @param content the message as accepted, with our Received header
 */
public record DeliveryRequest(QueueId id, Envelope envelope, List<Integer> recipients, byte[] content) {
    public DeliveryRequest {
        recipients = List.copyOf(recipients);
    }
}
