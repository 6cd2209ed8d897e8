package dev.postillion.mailbox;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.MessageHeaders;
import dev.postillion.sieve.SieveMessage;
import java.util.List;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;

/**
 * A delivery as a Sieve script reads it: the envelope's sender and the recipient as it was
 * addressed, detail and all (so that {@code :detail} sees it, RFC 5233 section 4), the header
 * fields unfolded with their encoded words decoded (RFC 5228 section 2.7.2 compares decoded text),
 * and the content as the queue holds it.
 */
final class SieveDelivery implements SieveMessage {

    private final MailboxActor.Deliver deliver;
    private final MessageHeaders headers;

    SieveDelivery(MailboxActor.Deliver deliver) {
        this.deliver = deliver;
        this.headers = MessageHeaders.parse(deliver.content());
    }

    @Override
    public String envelopeFrom() {
        return deliver.envelope().sender().map(EmailAddress::toString).orElse("");
    }

    @Override
    public String envelopeTo() {
        return deliver.envelope().recipients().get(deliver.recipient()).address().toString();
    }

    @Override
    public List<String> headers(String name) {
        return headers.fields().stream().filter(field -> field.name().equalsIgnoreCase(name))
                .map(field -> DecoderUtil.decodeEncodedWords(field.value(), DecodeMonitor.SILENT)).toList();
    }

    @Override
    public byte[] content() {
        return deliver.content();
    }

    @Override
    public long size() {
        return deliver.content().length;
    }
}
