package dev.postillion.mailbox;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.Envelope;
import dev.postillion.core.MessageHeaders;
import dev.postillion.core.QueueId;
import dev.postillion.core.Store;
import dev.postillion.core.Store.Durability;
import dev.postillion.core.StoreBatch;
import dev.postillion.core.proto.AddressRecord;
import dev.postillion.core.proto.StoredMessage;
import dev.postillion.queue.Spool;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.pekko.pattern.StatusReply;

/**
 * Delivers into one address's mailbox, and is the only writer of it (cf. Postfix virtual(8)):
 * files the copy in INBOX or Spam, and sends on what the address's settings ask for — redirect
 * forwards, the backup copy, the responder's answer — as new messages spooled in the same write
 * (SPEC sections 2 to 4). Reached through Cluster Sharding, keyed by the address in canonical form.
 *
 * <p>Deliveries that arrive while a write is in flight are written together in the next batch, so
 * a busy mailbox stores many messages per store round trip.
 */
public final class MailboxActor extends AbstractBehavior<MailboxActor.Command> {

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "Mailbox");
    public static final String INBOX = "INBOX";

    public sealed interface Command {}

    /**
     * Deliver a message to this address: store it, forward it, answer it, as the address's settings
     * say. Idempotent on (queue id, recipient): a redelivery after a crash answers with the uid
     * stored the first time, and spools no forward or reply again.
     */
    public record Deliver(QueueId queueId, int recipient, Envelope envelope, byte[] content,
            ActorRef<Delivered> replyTo) implements Command {}

    /**
     * The answer to {@link Deliver}: {@code uid} of the stored message ({@link #NOT_KEPT} when a
     * redirect kept no copy), or a failure to retry.
     */
    public record Delivered(QueueId queueId, int recipient, long uid, String failure) {
        public boolean stored() {
            return failure == null;
        }
    }

    /** The uid of a delivery that was forwarded without keeping a copy. */
    public static final long NOT_KEPT = 0;

    /**
     * Destroys every message of the address (SPEC section 1: deleting an address destroys its content).
     * Answered with an ack once written, or an error when the store refused the write.
     */
    public record Purge(ActorRef<StatusReply<Done>> replyTo) implements Command {}

    /**
     * Sharding's stop message on passivation: the actor stops only once its writes have landed, so
     * that the next incarnation reads the uid counter those writes advanced.
     */
    public record Passivate() implements Command {}

    private record Written(List<Deliver> batch, List<Long> uids, List<Spool.Staged> spooled, Throwable failure)
            implements Command {}

    private record Purged(ActorRef<StatusReply<Done>> replyTo, Throwable failure) implements Command {}

    private static final int MAX_BATCH = 512;
    private static final Logger log = LoggerFactory.getLogger(MailboxActor.class);

    private final String address;
    private final MailboxContext context;
    private final Store store;
    private final MailStore mailStore;
    private final Clock clock;
    private final Queue<Command> waiting = new ArrayDeque<>();
    private long nextUid;
    private boolean writing;
    private boolean stopWhenIdle;

    /** @param address the canonical form of the address, {@code EmailAddress.key()} */
    public static Behavior<Command> create(String address, MailboxContext context) {
        return Behaviors.setup(ctx -> new MailboxActor(ctx, address, context));
    }

    private MailboxActor(ActorContext<Command> ctx, String address, MailboxContext context) {
        super(ctx);
        this.address = address;
        this.context = context;
        this.store = context.store();
        this.mailStore = new MailStore(store);
        this.clock = context.clock();
        this.nextUid = mailStore.nextUid(address);
        forgetOldDeliveries(context.settings().deliveryMemory());
    }

    /**
     * Prunes idempotency records past their use, once per activation. Queued ahead of any delivery
     * of this incarnation, it never touches a record a redelivery could still need.
     */
    private void forgetOldDeliveries(Duration deliveryMemory) {
        StoreBatch batch = new StoreBatch();
        mailStore.forgetDeliveriesBefore(batch, address, QueueId.firstAt(clock.instant().minus(deliveryMemory)));
        store.commit(batch, Durability.BUFFERED).whenComplete((ok, failure) -> {
            if (failure != null) {
                log.warn("{}: pruning old delivery records failed: {}", address, failure.getMessage());
            }
        });
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Deliver.class, this::enqueue)
                .onMessage(Purge.class, this::enqueue)
                .onMessage(Written.class, this::onWritten)
                .onMessage(Purged.class, this::onPurged)
                .onMessage(Passivate.class, passivate -> {
                    stopWhenIdle = true;
                    return idleOrStop();
                })
                .build();
    }

    private Behavior<Command> idleOrStop() {
        return stopWhenIdle && !writing && waiting.isEmpty() ? Behaviors.stopped() : this;
    }

    private Behavior<Command> enqueue(Command command) {
        waiting.add(command);
        if (!writing) {
            writeNext();
        }
        return this;
    }

    /** Starts the next write: a purge alone, or a batch of deliveries up to the next purge. */
    private void writeNext() {
        if (waiting.isEmpty()) {
            return;
        }
        writing = true;
        if (waiting.peek() instanceof Purge purge) {
            waiting.poll();
            StoreBatch batch = new StoreBatch();
            mailStore.purge(batch, address);
            getContext().pipeToSelf(store.commit(batch, Durability.SYNC),
                    (ok, failure) -> new Purged(purge.replyTo(), failure));
            return;
        }
        List<Deliver> deliveries = new ArrayList<>();
        List<Long> uids = new ArrayList<>();
        // The same delivery twice in one batch (a retry that overtook its first attempt) is stored once.
        Map<DeliveryKey, Long> inBatch = new HashMap<>();
        BatchWrite write = new BatchWrite(currentSettings());
        while (deliveries.size() < MAX_BATCH && waiting.peek() instanceof Deliver deliver) {
            waiting.poll();
            DeliveryKey key = new DeliveryKey(deliver.queueId(), deliver.recipient());
            long uid = mailStore.deliveredUid(address, deliver.queueId(), deliver.recipient());
            if (uid < 0) {
                uid = inBatch.computeIfAbsent(key, k -> accept(write, deliver));
            }
            deliveries.add(deliver);
            uids.add(uid);
        }
        // Buffered: the spool entry stays until this is written, and a crash before the WAL reaches
        // disk means redelivery, which the idempotency record turns into the same uid. Forwards and
        // replies are in the same batch, so they exist exactly when the delivery does.
        getContext().pipeToSelf(store.commit(write.batch, Durability.BUFFERED),
                (ok, failure) -> new Written(deliveries, uids, write.spooled, failure));
    }

    /** The writes of one batch, and what the deliveries in it need to know of the address. */
    private static final class BatchWrite {
        final StoreBatch batch = new StoreBatch();
        final List<Spool.Staged> spooled = new ArrayList<>();
        /** Senders answered by the responder in this batch: its memory is not written yet. */
        final Set<String> answered = new HashSet<>();
        final AddressRecord settings;

        BatchWrite(AddressRecord settings) {
            this.settings = settings;
        }
    }

    /**
     * The address's settings as the directory has them now; an address removed since the queue
     * routed the message gets its mail stored plainly (the queue stops routing to it).
     */
    private AddressRecord currentSettings() {
        EmailAddress parsed = EmailAddress.parse(address, true);
        return context.directory().address(parsed).orElseGet(() -> AddressRecord.newBuilder()
                .setLocalPart(parsed.localPart()).setDomain(parsed.domain()).build());
    }

    /** Adds one delivery's writes to the batch: the copy kept, the forwards, the responder's reply. */
    private long accept(BatchWrite write, Deliver deliver) {
        EmailAddress mailbox = EmailAddress.parse(address, true);
        MessageHeaders headers = MessageHeaders.parse(deliver.content());
        String sender = deliver.envelope().sender().map(EmailAddress::toString).orElse("");
        boolean spam = SenderLists.verdict(write.settings, sender) == SenderLists.Verdict.BLOCKED;
        MailDisposition disposition = MailDisposition.decide(context.dispositionRules(), write.settings, mailbox,
                deliver.envelope(), deliver.content(), headers, spam);
        if (!disposition.note().isEmpty()) {
            log.info("{}: to=<{}>, {}", deliver.queueId(), address, disposition.note());
        }
        long uid = disposition.folder().map(folder -> store(write.batch, deliver, folder, headers)).orElse(NOT_KEPT);
        if (uid == NOT_KEPT) {
            mailStore.markDelivered(write.batch, address, deliver.queueId(), deliver.recipient(), NOT_KEPT);
        }
        for (OutgoingMessage forward : disposition.forwards()) {
            write.spooled.add(context.spool().stage(write.batch, forward.envelope(), forward.content()));
        }
        context.responders().answer(write.settings, mailbox, deliver, headers, spam, write.answered)
                .ifPresent(reply -> {
                    write.spooled.add(context.spool().stage(write.batch, reply.envelope(), reply.content()));
                    context.responders().remember(write.batch, address, sender, clock.instant());
                    log.info("{}: to=<{}>, responder answered <{}>", deliver.queueId(), address, sender);
                });
        return uid;
    }

    private record DeliveryKey(QueueId queueId, int recipient) {}

    private long store(StoreBatch batch, Deliver deliver, String folder, MessageHeaders headers) {
        long uid = nextUid++;
        byte[] content = withDeliveryHeaders(deliver);
        StoredMessage message = StoredMessage.newBuilder()
                .setUid(uid)
                .setFolder(folder)
                .setFrom(headers.first("From").orElse(""))
                .setSubject(headers.first("Subject").orElse(""))
                .setMessageId(headers.first("Message-ID").orElse(""))
                .setSize(content.length)
                .setReceivedEpochMillis(clock.millis())
                .setReturnPath(deliver.envelope().returnPath())
                .setQueueId(deliver.queueId().toString())
                .build();
        mailStore.addMessage(batch, address, message, content, deliver.recipient());
        return uid;
    }

    /** RFC 5321 section 4.4: the final delivery adds Return-Path; Delivered-To records the mailbox. */
    private byte[] withDeliveryHeaders(Deliver deliver) {
        byte[] headers = ("Return-Path: " + deliver.envelope().returnPath() + "\r\nDelivered-To: " + address + "\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] content = new byte[headers.length + deliver.content().length];
        System.arraycopy(headers, 0, content, 0, headers.length);
        System.arraycopy(deliver.content(), 0, content, headers.length, deliver.content().length);
        return content;
    }

    private Behavior<Command> onWritten(Written written) {
        for (int i = 0; i < written.batch().size(); i++) {
            Deliver deliver = written.batch().get(i);
            String failure = written.failure() == null ? null : "mailbox write failed: " + written.failure().getMessage();
            deliver.replyTo().tell(new Delivered(deliver.queueId(), deliver.recipient(), written.uids().get(i), failure));
        }
        if (written.failure() != null) {
            nextUid = mailStore.nextUid(address); // the uids handed out in the failed batch were not stored
        } else {
            written.spooled().forEach(context.spool()::handOver);
        }
        writing = false;
        writeNext();
        return idleOrStop();
    }

    private Behavior<Command> onPurged(Purged purged) {
        if (purged.failure() == null) {
            nextUid = 1;
            purged.replyTo().tell(StatusReply.ack());
        } else {
            // The messages are still there: uids go on from where they were, never over them.
            purged.replyTo().tell(StatusReply.error("mailbox purge failed: " + purged.failure().getMessage()));
        }
        writing = false;
        writeNext();
        return idleOrStop();
    }
}
