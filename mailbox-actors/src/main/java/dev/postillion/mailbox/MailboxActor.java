package dev.postillion.mailbox;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.Envelope;
import dev.postillion.core.Keys;
import dev.postillion.core.MessageHeaders;
import dev.postillion.core.QueueId;
import dev.postillion.core.Store;
import dev.postillion.core.Store.Durability;
import dev.postillion.core.StoreBatch;
import dev.postillion.core.StoreConflictException;
import dev.postillion.mailbox.proto.MessageRecord;
import dev.postillion.queue.Spool;
import java.nio.ByteBuffer;
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
 * files the copy in INBOX or Junk, and sends on what the address's settings ask for — redirect
 * forwards, the backup copy, the responder's answer — as new messages spooled with the write
 * (SPEC sections 2 to 4). Reached through Cluster Sharding, keyed by the address in canonical form.
 *
 * <p>Deliveries that arrive while a write is in flight are written together in the next batch, so
 * a busy mailbox stores many messages per store round trip. What a batch needs from the store
 * (the address's settings, the delivery records, the responder's memory) is read ahead on the
 * store's reader threads ({@link BatchReads}); the actor never waits for a read (ARCHITECTURE
 * rule 2). One batch is read, built and written at a time, in the order the deliveries came.
 *
 * <p>Readers' changes ({@link MailboxEdit}: IMAP's, POP3's, the admin API's restore) take their
 * turn in the same order, one write each: deliveries and edits never interleave within a write,
 * and the {@link MailboxState} each is built from is the one the write before left.
 */
public final class MailboxActor extends AbstractBehavior<MailboxActor.Command> {

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "Mailbox");
    public sealed interface Command {}

    /**
     * Deliver a message to this address: store it, forward it, answer it, as the address's settings
     * say. Idempotent on (queue id, recipient): a redelivery after a crash answers with the uid
     * stored the first time, and spools no forward or reply again.
     */
    public record Deliver(QueueId queueId, int recipient, Envelope envelope, byte[] content,
            ActorRef<Delivered> replyTo) implements Command {}

    /**
     * The answer to {@link Deliver}: the content id of the stored message ({@link #NOT_KEPT} when a
     * redirect kept no copy), or a failure to retry.
     */
    public record Delivered(QueueId queueId, int recipient, long contentId, String failure) {
        public boolean stored() {
            return failure == null;
        }
    }

    /** The content id of a delivery that was forwarded without keeping a copy. */
    public static final long NOT_KEPT = 0;

    /**
     * Destroys every message of the address and its responder's memory (SPEC section 1: deleting an
     * address destroys its content). Answered with an ack once written, or an error when the store
     * refused the write.
     */
    public record Purge(ActorRef<StatusReply<Done>> replyTo) implements Command {}

    /** A reader's change; answered once written, or with why it was not made. */
    public record Edit(MailboxEdit edit, ActorRef<MailboxEdit.Edited> replyTo) implements Command {}

    /**
     * Sharding's stop message on passivation: the actor stops only once its writes have landed, so
     * that the next incarnation reads the uid counter those writes advanced.
     */
    public record Passivate() implements Command {}

    /** The reads of the next batch have answered: it can be built. */
    private record BatchRead(List<Deliver> batch, BatchReads reads, Throwable failure) implements Command {}

    private record Written(List<Deliver> batch, List<Outcome> outcomes, byte[] account, Throwable failure)
            implements Command {}

    private record EditRead(Edit edit, MailboxEditor.Reads reads, Throwable failure) implements Command {}

    private record EditWritten(Edit edit, MailboxEdit.Edited edited, byte[] account, Throwable failure)
            implements Command {}

    /** Removes the deleted messages whose retention ended, a batch at a time. */
    private record PruneDeleted() implements Command {}

    private record PruneRead(MailboxEditor.Reads expired, Throwable failure) implements Command {}

    private record Pruned(int count, byte[] account, Throwable failure) implements Command {}

    /** What a delivery of a batch came to before the write: a uid, or why it was not taken. */
    private record Outcome(long uid, String failure) {
        static Outcome stored(long uid) {
            return new Outcome(uid, null);
        }

        static Outcome failed(String failure) {
            return new Outcome(-1, failure);
        }
    }

    private record Purged(ActorRef<StatusReply<Done>> replyTo, Throwable failure) implements Command {}

    /**
     * The mailbox's state as stored, read at activation (with the pruning of old records, written
     * ahead of anything else) and after a failed write; no write starts before it is known.
     */
    private record StateRead(Reading reading, Throwable failure) implements Command {}

    private record Reading(MailboxState state, StoreBatch pruning) {}

    private static final int MAX_BATCH = 512;
    private static final Logger log = LoggerFactory.getLogger(MailboxActor.class);

    private final String address;
    private final MailboxContext context;
    private final Store store;
    private final MailStore mailStore;
    private final MailboxEditor editor;
    private final Clock clock;
    private final Queue<Command> waiting = new ArrayDeque<>();
    private MailboxState state;
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
        this.editor = new MailboxEditor(address, mailStore, context.directory());
        this.clock = context.clock();
        this.writing = true; // until the state is read
        Duration deliveryMemory = context.settings().deliveryMemory();
        waiting.add(new PruneDeleted());
        getContext().pipeToSelf(context.responders().forgetExpired(address)
                .thenCombine(MailboxState.load(store, address, clock.instant()), (pruning, state) -> new Reading(
                        state, pruning.addAll(oldDeliveries(deliveryMemory)))), StateRead::new);
    }

    /**
     * Idempotency records older than any message can be queued, pruned once per activation with the
     * responder answers older than the answer interval. Queued ahead of any write of this
     * incarnation (the store commits in order), it never touches a record a redelivery or the
     * responder could still need.
     */
    private StoreBatch oldDeliveries(Duration deliveryMemory) {
        StoreBatch batch = new StoreBatch();
        byte[] prefix = Keys.text(address);
        byte[] end = ByteBuffer.allocate(prefix.length + QueueId.BYTES).put(prefix)
                .put(QueueId.firstAt(clock.instant().minus(deliveryMemory)).bytes()).array();
        batch.deleteRange(MailboxFamilies.MAILBOX_DELIVERIES, prefix, end);
        return batch;
    }

    private Behavior<Command> onStateRead(StateRead read) {
        if (read.failure() != null) {
            // The store does not answer (a cluster's PostgreSQL may be down): the deliveries waiting
            // are deferred now, not when the queue's ask times out, so that they are retried as soon
            // as the store answers again; the next delivery starts a new incarnation.
            log.error("{}: the mailbox cannot read its state, stopping: {}", address, read.failure().toString());
            for (Command waiting : this.waiting) {
                if (waiting instanceof Deliver deliver) {
                    deliver.replyTo().tell(new Delivered(deliver.queueId(), deliver.recipient(), NOT_KEPT,
                            "mailbox unavailable"));
                } else if (waiting instanceof Purge purge) {
                    purge.replyTo().tell(StatusReply.error("mailbox unavailable, try again"));
                } else if (waiting instanceof Edit edit) {
                    edit.replyTo().tell(unavailable());
                }
            }
            return Behaviors.stopped();
        }
        state = read.reading().state();
        if (!read.reading().pruning().isEmpty()) {
            store.commit(read.reading().pruning(), Durability.BUFFERED).whenComplete((ok, failure) -> {
                if (failure != null) {
                    log.warn("{}: pruning old records failed: {}", address, failure.getMessage());
                }
            });
        }
        writing = false;
        writeNext();
        return idleOrStop();
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Deliver.class, this::enqueue)
                .onMessage(Purge.class, this::enqueue)
                .onMessage(Edit.class, this::enqueue)
                .onMessage(StateRead.class, this::onStateRead)
                .onMessage(BatchRead.class, this::onBatchRead)
                .onMessage(Written.class, this::onWritten)
                .onMessage(EditRead.class, this::onEditRead)
                .onMessage(EditWritten.class, this::onEditWritten)
                .onMessage(PruneRead.class, this::onPruneRead)
                .onMessage(Pruned.class, this::onPruned)
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

    /**
     * Starts the next write: a purge, an edit or a pruning alone, or the reads of a batch of
     * deliveries up to the next of those; a batch is built and written once its reads answer.
     */
    private void writeNext() {
        if (waiting.isEmpty()) {
            return;
        }
        writing = true;
        if (waiting.peek() instanceof Purge purge) {
            waiting.poll();
            StoreBatch batch = state.begin();
            MailboxState.purge(batch, address);
            context.responders().forget(batch, address);
            getContext().pipeToSelf(store.commit(batch, Durability.SYNC),
                    (ok, failure) -> new Purged(purge.replyTo(), failure));
            return;
        }
        if (waiting.peek() instanceof Edit edit) {
            waiting.poll();
            getContext().pipeToSelf(editor.read(state, edit.edit()), (reads, failure) -> new EditRead(edit, reads,
                    failure));
            return;
        }
        if (waiting.peek() instanceof PruneDeleted) {
            waiting.poll();
            getContext().pipeToSelf(editor.readExpired(clock.instant().minus(context.settings().deletedRetention())),
                    PruneRead::new);
            return;
        }
        List<Deliver> deliveries = new ArrayList<>();
        while (deliveries.size() < MAX_BATCH && waiting.peek() instanceof Deliver deliver) {
            waiting.poll();
            deliveries.add(deliver);
        }
        getContext().pipeToSelf(BatchReads.read(context, mailStore, address, deliveries),
                (reads, failure) -> new BatchRead(deliveries, reads, failure));
    }

    private Behavior<Command> onBatchRead(BatchRead read) {
        List<Outcome> outcomes = new ArrayList<>();
        if (read.failure() != null) {
            // A bug, as a failed read only fails the deliveries that need it: the batch is deferred.
            log.error("{}: reading ahead of {} deliveries failed, deferred", address, read.batch().size(),
                    read.failure());
            read.batch().forEach(deliver -> outcomes.add(Outcome.failed("mailbox could not take the message")));
            return onWritten(new Written(read.batch(), outcomes, null, null));
        }
        // The same delivery twice in one batch (a retry that overtook its first attempt) is stored once.
        Map<DeliveryKey, Outcome> inBatch = new HashMap<>();
        BatchWrite write = new BatchWrite(state.begin(), read.reads());
        for (Deliver deliver : read.batch()) {
            outcomes.add(inBatch.computeIfAbsent(DeliveryKey.of(deliver), key -> outcome(write, deliver)));
        }
        byte[] account = state.finish(write.batch);
        // Buffered: the spool entry stays until this is written, and a crash before the WAL reaches
        // disk means redelivery, which the idempotency record turns into the same uid. Forwards and
        // replies enter the spool exactly when the delivery is written (Spool.spoolWith).
        getContext().pipeToSelf(context.spool().spoolWith(write.outgoing,
                        () -> store.commit(write.batch, Durability.BUFFERED)),
                (ok, failure) -> new Written(read.batch(), outcomes, account, failure));
        return this;
    }

    /** The writes of one batch, and what was read for it. */
    private static final class BatchWrite {
        final StoreBatch batch;
        final List<Spool.Outgoing> outgoing = new ArrayList<>();
        /** Senders answered by the responder in this batch: its memory is not written yet. */
        final Set<String> answered = new HashSet<>();
        final BatchReads reads;

        BatchWrite(StoreBatch batch, BatchReads reads) {
            this.batch = batch;
            this.reads = reads;
        }
    }

    /**
     * One delivery's part of the batch. A redelivery answers the uid stored the first time. Mail
     * for an address deleted or disabled since the queue routed it is not taken: the queue's next
     * attempt finds the address gone and returns the mail. A delivery whose handling fails (a bug,
     * a store read) is deferred alone; the others of the batch go on.
     */
    private Outcome outcome(BatchWrite write, Deliver deliver) {
        try {
            long delivered = write.reads.deliveredContent(deliver);
            if (delivered >= 0) {
                return Outcome.stored(delivered);
            }
            if (write.reads.address() == null) {
                return Outcome.failed(write.reads.refusal());
            }
            StoreBatch writes = new StoreBatch();
            List<Spool.Outgoing> outgoing = new ArrayList<>();
            long uid = accept(write, deliver, writes, outgoing);
            write.batch.addAll(writes);
            write.outgoing.addAll(outgoing);
            return Outcome.stored(uid);
        } catch (RuntimeException e) {
            log.error("{}: to=<{}>, delivery failed, deferred: {}", deliver.queueId(), address, e.toString(), e);
            return Outcome.failed("mailbox could not take the message");
        }
    }

    /**
     * Builds one delivery's writes: the forwards, the responder's answer, the copies kept, filed as
     * the Sieve script says ({@link SieveFiling}). The copies come last, so that a failure before
     * them leaves the state as it was.
     */
    private long accept(BatchWrite write, Deliver deliver, StoreBatch writes, List<Spool.Outgoing> outgoing) {
        Address settings = write.reads.address();
        EmailAddress mailbox = EmailAddress.parse(address, true);
        MessageHeaders headers = MessageHeaders.parse(deliver.content());
        String sender = deliver.envelope().sender().map(EmailAddress::toString).orElse("");
        SenderLists.Verdict listed = SenderLists.verdict(settings, sender);
        // Blocked senders, mail its sender's domain asked to quarantine (DMARC) and mail the spam
        // filter judged spam where the address has the filter on, are spam, unless the address
        // allow-lists the sender (SPEC section 4).
        boolean judged = deliver.envelope().quarantined() || deliver.envelope().spam() && settings.spamFilter();
        boolean spam = listed == SenderLists.Verdict.BLOCKED || judged && listed != SenderLists.Verdict.ALLOWED;
        MailDisposition disposition = MailDisposition.decide(context.dispositionRules(), settings, mailbox,
                deliver.envelope(), deliver.content(), headers, spam, write.reads);
        SieveFiling filing = SieveFiling.decide(context.dispositionRules(), disposition,
                write.reads.sieveVerdict(deliver), spam, new SieveFiling.Delivery(mailbox, deliver.envelope(),
                        deliver.content(), headers), write.reads);
        if (!filing.note().isEmpty()) {
            log.info("{}: to=<{}>, {}", deliver.queueId(), address, filing.note());
        }
        for (OutgoingMessage forward : filing.forwards()) {
            outgoing.add(spooledWith(deliver, forward));
        }
        if (!filing.discarded()) {
            context.responders().answer(settings, mailbox, deliver, headers, spam, write.reads, write.answered)
                    .ifPresent(reply -> {
                        outgoing.add(spooledWith(deliver, reply));
                        context.responders().remember(writes, address, sender, clock.instant());
                        log.info("{}: to=<{}>, responder answered <{}>", deliver.queueId(), address, sender);
                    });
        }
        long contentId = NOT_KEPT;
        for (SieveFiling.Filing copy : filing.filings()) {
            long stored = store(writes, deliver, copy, headers, write.reads);
            contentId = contentId == NOT_KEPT ? stored : contentId;
        }
        writes.put(MailboxFamilies.MAILBOX_DELIVERIES, MailStore.deliveryKey(address, deliver.queueId(),
                deliver.recipient()), MailStore.longValue(contentId));
        return contentId;
    }

    /** A message to spool when {@code deliver} is stored: its idempotency record is the mark. */
    private Spool.Outgoing spooledWith(Deliver deliver, OutgoingMessage message) {
        return new Spool.Outgoing(message.envelope(), message.content(), MailboxFamilies.MAILBOX_DELIVERIES,
                MailStore.deliveryKey(address, deliver.queueId(), deliver.recipient()));
    }

    /** A delivery's identity: the queue's message and which of its recipients this address is. */
    record DeliveryKey(QueueId queueId, int recipient) {
        static DeliveryKey of(Deliver deliver) {
            return new DeliveryKey(deliver.queueId(), deliver.recipient());
        }
    }

    /**
     * Keeps a copy in its folder with its flags, the folder made if missing (again if the user
     * deleted it); returns its content id.
     */
    private long store(StoreBatch batch, Deliver deliver, SieveFiling.Filing copy, MessageHeaders headers,
            BatchReads reads) {
        String folder = copy.folder();
        if (state.folder(folder).isEmpty()) {
            state.createFolder(folder, folder.equals(FolderName.JUNK) ? "Junk" : "");
        }
        long contentId = state.newContentId();
        byte[] content = withDeliveryHeaders(address, deliver);
        // An encrypted mailbox keeps the OpenPGP message; the record keeps the size a reader gets.
        batch.put(MailboxFamilies.MAILBOX_CONTENT, MailStore.contentKey(address, contentId),
                reads.encryptedCopy(deliver).orElse(content));
        state.add(batch, folder, MessageRecord.newBuilder()
                .setContentId(contentId)
                .setFlags(copy.flags().system())
                .addAllKeywords(copy.flags().keywords())
                .setFrom(headers.first("From").orElse(""))
                .setSubject(headers.first("Subject").orElse(""))
                .setMessageId(headers.first("Message-ID").orElse(""))
                .setSize(content.length)
                .setInternalDateMillis(clock.millis())
                .setReturnPath(deliver.envelope().returnPath())
                .setQueueId(deliver.queueId().toString()));
        return contentId;
    }

    /** RFC 5321 section 4.4: the final delivery adds Return-Path; Delivered-To records the mailbox. */
    static byte[] withDeliveryHeaders(String address, Deliver deliver) {
        byte[] headers = ("Return-Path: " + deliver.envelope().returnPath() + "\r\nDelivered-To: " + address + "\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] content = new byte[headers.length + deliver.content().length];
        System.arraycopy(headers, 0, content, 0, headers.length);
        System.arraycopy(deliver.content(), 0, content, headers.length, deliver.content().length);
        return content;
    }

    private Behavior<Command> onWritten(Written written) {
        if (written.failure() == null && written.account() != null) {
            afterWrite(written.account());
        }
        for (int i = 0; i < written.batch().size(); i++) {
            Deliver deliver = written.batch().get(i);
            Outcome outcome = written.outcomes().get(i);
            String failure = written.failure() != null ? "mailbox write failed" : outcome.failure();
            deliver.replyTo().tell(new Delivered(deliver.queueId(), deliver.recipient(), outcome.uid(), failure));
        }
        if (written.failure() instanceof StoreConflictException) {
            // Another writer of this mailbox, on another node while the shard moves, stored since
            // the counter was read: nothing of this batch was written, and no uid is given twice.
            log.warn("{}: the mailbox changed under this writer, {} deliveries deferred", address,
                    written.batch().size());
        } else if (written.failure() != null) {
            log.error("{}: mailbox write failed, {} deliveries deferred", address, written.batch().size(),
                    written.failure());
        }
        return written.failure() != null ? reread() : next();
    }

    /**
     * After a failed write: the state holds that write's changes (uids, counts) which the store
     * does not, so it is read again before the next write.
     */
    private Behavior<Command> reread() {
        getContext().pipeToSelf(MailboxState.load(store, address, clock.instant())
                .thenApply(read -> new Reading(read, new StoreBatch())), StateRead::new);
        return this;
    }

    /** The batch last built is stored: the next expects its account, and readers hear what changed. */
    private void afterWrite(byte[] account) {
        state.written(account);
        if (!state.lastChanged().isEmpty()) {
            MailboxChanges.get(getContext().getSystem()).published(address, state.lastChanged());
        }
    }

    private Behavior<Command> next() {
        writing = false;
        writeNext();
        return idleOrStop();
    }

    private Behavior<Command> onEditRead(EditRead read) {
        if (read.failure() != null) {
            log.warn("{}: reading for {} failed: {}", address, read.edit().edit().getClass().getSimpleName(),
                    read.failure().toString());
            read.edit().replyTo().tell(unavailable());
            return next();
        }
        boolean stored = state.stored();
        StoreBatch batch = state.begin();
        MailboxEdit.Edited edited = editor.build(state, batch, read.edit().edit(), read.reads(), clock.instant());
        if (!edited.succeeded() && stored) {
            read.edit().replyTo().tell(edited);
            return next();
        }
        byte[] account = state.finish(batch);
        getContext().pipeToSelf(store.commit(batch, Durability.SYNC),
                (ok, failure) -> new EditWritten(read.edit(), edited, account, failure));
        return this;
    }

    private Behavior<Command> onEditWritten(EditWritten written) {
        if (written.failure() instanceof StoreConflictException) {
            log.warn("{}: the mailbox changed under this writer, {} refused", address,
                    written.edit().edit().getClass().getSimpleName());
        } else if (written.failure() != null) {
            log.error("{}: writing {} failed: {}", address, written.edit().edit().getClass().getSimpleName(),
                    written.failure().toString());
        }
        if (written.failure() != null) {
            written.edit().replyTo().tell(unavailable());
            return reread();
        }
        afterWrite(written.account());
        written.edit().replyTo().tell(written.edited());
        return next();
    }

    private static MailboxEdit.Edited unavailable() {
        return MailboxEdit.Edited.refused(MailboxEdit.Refusal.Reason.UNAVAILABLE,
                "the mailbox is unavailable, try again");
    }

    private Behavior<Command> onPruneRead(PruneRead read) {
        if (read.failure() != null || read.expired().expunged().isEmpty()) {
            if (read.failure() != null) {
                log.warn("{}: reading expired deleted messages failed: {}", address, read.failure().toString());
            }
            return next();
        }
        StoreBatch batch = state.begin();
        editor.prune(batch, read.expired());
        byte[] account = state.finish(batch);
        int count = read.expired().expunged().size();
        getContext().pipeToSelf(store.commit(batch, Durability.BUFFERED),
                (ok, failure) -> new Pruned(count, account, failure));
        return this;
    }

    private Behavior<Command> onPruned(Pruned pruned) {
        if (pruned.failure() != null) {
            log.warn("{}: removing expired deleted messages failed: {}", address, pruned.failure().toString());
            return reread();
        }
        afterWrite(pruned.account());
        log.info("{}: removed {} deleted messages past their retention", address, pruned.count());
        if (pruned.count() == MailboxEditor.PRUNE_BATCH) {
            waiting.add(new PruneDeleted());
        }
        return next();
    }

    private Behavior<Command> onPurged(Purged purged) {
        if (purged.failure() == null) {
            state = MailboxState.fresh(address, clock.instant());
            purged.replyTo().tell(StatusReply.ack());
            return next();
        }
        // The messages are still there: uids go on from where they were, never over them. The
        // cause goes to the log, not into the answer.
        log.error("{}: mailbox purge failed", address, purged.failure());
        purged.replyTo().tell(StatusReply.error("mailbox purge failed; the node's log has the cause"));
        return reread();
    }
}
