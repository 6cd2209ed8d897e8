package dev.postillion.mailbox;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.Envelope;
import dev.postillion.core.MessageHeaders;
import dev.postillion.core.Store;
import dev.postillion.core.StoreBatch;
import dev.postillion.mailbox.responder.AutoReply;
import dev.postillion.mailbox.responder.AutoReplyPolicy;
import dev.postillion.mailbox.responder.IncomingMessage;
import dev.postillion.mailbox.responder.Responder;
import dev.postillion.mailbox.responder.ResponderMemory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The responder of a mailbox at work (SPEC section 3): whether the active responder answers a
 * message, the answer as a new message from the null sender, and the durable memory of whom it
 * answered when.
 */
final class Responders {

    private static final Logger log = LoggerFactory.getLogger(Responders.class);

    private final ResponderMemory memory;
    private final AutoReplyPolicy policy;
    private final AutoReply replies;
    private final String hostname;
    private final Clock clock;
    private final Duration interval;
    private final Directory directory;

    Responders(Store store, String hostname, Clock clock, Duration interval, Directory directory) {
        this.memory = new ResponderMemory(store);
        this.policy = new AutoReplyPolicy(interval);
        this.replies = AutoReply.withRandomIds(hostname, clock);
        this.hostname = hostname;
        this.clock = clock;
        this.interval = interval;
        this.directory = directory;
    }

    /**
     * The active responder's answer to one delivery, if it gives one.
     *
     * @param reads the address's own addresses and the responder's memory, read before the batch
     * @param answered senders answered earlier in the same write batch, whose memory is not yet
     *     stored; the sender is added when answered
     */
    Optional<OutgoingMessage> answer(Address address, EmailAddress mailbox, MailboxActor.Deliver deliver,
            MessageHeaders headers, boolean spam, BatchReads reads, Set<String> answered) {
        Optional<Responder> active = address.activeResponder();
        if (active.isEmpty()) {
            return Optional.empty();
        }
        Responder responder = active.get();
        Envelope envelope = deliver.envelope();
        String sender = envelope.sender().map(EmailAddress::toString).orElse("");
        String senderKey = sender.toLowerCase(Locale.ROOT);
        Instant now = clock.instant();
        Optional<Instant> lastReply = answered.contains(senderKey) ? Optional.of(now) : reads.lastReply(senderKey);
        IncomingMessage incoming = new IncomingMessage(sender, headers, spam);
        AutoReplyPolicy.Decision decision = policy.decide(responder, incoming,
                addressedTo(reads.ownAddresses(), deliver), address.timeZone(), now, lastReply);
        if (decision instanceof AutoReplyPolicy.Skip skip) {
            log.debug("{}: to=<{}>, responder not answering: {}", deliver.queueId(), mailbox, skip.reason());
            return Optional.empty();
        }
        answered.add(senderKey);
        byte[] reply = replies.build(responder, mailbox.toString(), incoming);
        Envelope replyEnvelope = new Envelope(Optional.empty(), Map.of(),
                List.of(new Envelope.Recipient(envelope.sender().orElseThrow(), Map.of())), hostname, "127.0.0.1",
                now, envelope.smtputf8()).withOriginatedHere();
        return Optional.of(new OutgoingMessage(replyEnvelope, reply));
    }

    /**
     * The address's own addresses, and the subaddress this delivery came to when it is one of
     * theirs (RFC 5233): a message naming {@code anna+news@} in its To field is addressed to anna.
     */
    private Set<String> addressedTo(Set<String> own, MailboxActor.Deliver deliver) {
        EmailAddress recipient = deliver.envelope().recipients().get(deliver.recipient()).address();
        if (directory.withoutDetail(recipient).filter(user -> own.contains(user.key())).isEmpty()) {
            return own;
        }
        Set<String> addressed = new HashSet<>(own);
        addressed.add(recipient.key());
        return addressed;
    }

    /** When the address last answered the sender (in lower case), if ever; read on the store's threads. */
    CompletionStage<Optional<Instant>> lastReply(String mailbox, String senderKey) {
        return memory.lastReply(mailbox, senderKey);
    }

    /** Adds "answered {@code sender} at {@code at}" to the batch that spools the answer. */
    void remember(StoreBatch batch, String mailbox, String sender, Instant at) {
        memory.remember(batch, mailbox, sender.toLowerCase(Locale.ROOT), at);
    }

    /** Adds the deletion of everything the address's responder remembers: the address is purged. */
    void forget(StoreBatch batch, String mailbox) {
        memory.forget(batch, mailbox);
    }

    /** The deletion of answers older than the interval, which no longer decide anything. */
    CompletionStage<StoreBatch> forgetExpired(String mailbox) {
        return memory.forgetBefore(mailbox, clock.instant().minus(interval));
    }
}
