package dev.postillion.queue;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.Envelope;
import dev.postillion.queue.proto.EnvelopeRecord;
import dev.postillion.queue.proto.RecipientRecord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The spool's stored form of an {@link Envelope} ({@code spool.proto}), which the mailbox protocol
 * also carries between nodes: the record belongs to the spool, the envelope to every module.
 */
public final class EnvelopeRecords {

    private EnvelopeRecords() {}

    public static EnvelopeRecord toRecord(Envelope envelope) {
        EnvelopeRecord.Builder builder = EnvelopeRecord.newBuilder()
                .setSender(envelope.sender().map(EmailAddress::toString).orElse(""))
                .putAllMailParameters(envelope.mailParameters())
                .setHeloName(envelope.heloName())
                .setClientAddress(envelope.clientAddress())
                .setArrivalEpochMillis(envelope.arrival().toEpochMilli())
                .setSmtputf8(envelope.smtputf8())
                .setQuarantined(envelope.quarantined())
                .setOriginatedHere(envelope.originatedHere())
                .setSpam(envelope.spam());
        for (Envelope.Recipient recipient : envelope.recipients()) {
            builder.addRecipients(RecipientRecord.newBuilder()
                    .setAddress(recipient.address().toString())
                    .putAllParameters(recipient.parameters()));
        }
        return builder.build();
    }

    /** The envelope a record holds; its addresses were valid when spooled, SMTPUTF8 ones too. */
    public static Envelope fromRecord(EnvelopeRecord record) {
        Optional<EmailAddress> sender = record.getSender().isEmpty()
                ? Optional.empty()
                : Optional.of(EmailAddress.parse(record.getSender(), true));
        List<Envelope.Recipient> recipients = record.getRecipientsList().stream()
                .map(r -> new Envelope.Recipient(EmailAddress.parse(r.getAddress(), true), r.getParametersMap()))
                .toList();
        return new Envelope(sender, record.getMailParametersMap(), recipients, record.getHeloName(),
                record.getClientAddress(), Instant.ofEpochMilli(record.getArrivalEpochMillis()), record.getSmtputf8(),
                record.getQuarantined(), record.getOriginatedHere(), record.getSpam());
    }
}
