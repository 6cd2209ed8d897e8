package dev.postillion.queue;

import dev.postillion.core.DomainName;
import dev.postillion.core.Envelope;
import dev.postillion.core.QueueId;
import dev.postillion.queue.SpoolStore.QueuedMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * What the operator can see of the queue and do to it (Postfix's mailq, postqueue and postsuper).
 * Reads go straight to the spool; changes go through the {@link QueueManager}, which owns every
 * message's schedule.
 */
public final class QueueAdmin {

    /** Postfix's queue names for what a message is waiting for. */
    public enum State {
        /** Not attempted yet, or being attempted. */
        ACTIVE,
        /** Attempted, and waiting for the next attempt. */
        DEFERRED,
        /** On hold by the operator. */
        HOLD;

        public String apiName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static State of(QueuedMessage message) {
            if (message.state().getHeld()) {
                return HOLD;
            }
            return message.state().getAttempts() > 0 ? DEFERRED : ACTIVE;
        }
    }

    /** Which messages a listing shows; empty means any. */
    public record Filter(Optional<State> state, Optional<String> domain, Optional<String> sender) {

        boolean matches(QueuedMessage message) {
            return state.map(s -> s == State.of(message)).orElse(true)
                    && domain.map(d -> pendingToDomain(message, d)).orElse(true)
                    && sender.map(s -> senderIs(message.envelope(), s)).orElse(true);
        }

        private static boolean senderIs(Envelope envelope, String sender) {
            String given = sender.equals("<>") ? "" : sender;
            return envelope.sender().map(a -> a.key().equals(given.toLowerCase(Locale.ROOT))).orElse(given.isEmpty());
        }
    }

    /**
     * One page of a listing.
     *
     * @param next where the next page starts, empty on the last page
     */
    public record Page(List<QueueEntry> messages, Optional<QueueId> next) {}

    /** Messages read per listing at most, matching or not, so that one request stays short. */
    private static final int SCAN_LIMIT = 10_000;
    private static final int READ_PAGE = 256;

    private final SpoolStore spool;
    private final ActorRef<QueueManager.Command> manager;
    private final Scheduler scheduler;
    private final Duration timeout;

    public QueueAdmin(SpoolStore spool, ActorRef<QueueManager.Command> manager, Scheduler scheduler,
            Duration timeout) {
        this.spool = spool;
        this.manager = manager;
        this.scheduler = scheduler;
        this.timeout = timeout;
    }

    /**
     * Messages after {@code after} in queue id (arrival) order that match the filter, read a page
     * of the spool at a time, each page continuing where the store's read of the last completes.
     */
    public CompletionStage<Page> list(Filter filter, Optional<QueueId> after, int limit) {
        return list(filter, after.orElse(null), limit, new ArrayList<>(), 0);
    }

    private CompletionStage<Page> list(Filter filter, QueueId from, int limit, List<QueueEntry> matching,
            int scannedBefore) {
        return spool.messages(from, READ_PAGE).thenCompose(read -> {
            QueueId position = from;
            int scanned = scannedBefore;
            for (QueuedMessage message : read) {
                position = message.id();
                scanned++;
                if (filter.matches(message)) {
                    matching.add(QueueEntry.of(message));
                    if (matching.size() == limit) {
                        return CompletableFuture.completedFuture(new Page(matching, Optional.of(position)));
                    }
                }
            }
            if (read.size() < READ_PAGE) {
                return CompletableFuture.completedFuture(new Page(matching, Optional.empty()));
            }
            if (scanned >= SCAN_LIMIT) {
                return CompletableFuture.completedFuture(new Page(matching, Optional.of(position)));
            }
            return list(filter, position, limit, matching, scanned);
        });
    }

    public CompletionStage<Optional<QueueEntry>> message(QueueId id) {
        return spool.message(id).thenApply(message -> Optional.ofNullable(message).map(QueueEntry::of));
    }

    /**
     * The size of the message as queued, or -1 when it is gone: the one its entry has from its
     * record, or, for a record written before the spool kept sizes, its content's.
     */
    public CompletionStage<Long> size(QueueEntry entry) {
        return entry.size().isPresent() ? CompletableFuture.completedFuture(entry.size().getAsLong())
                : spool.content(entry.id()).thenApply(content -> content == null ? -1L : content.length);
    }

    public CompletionStage<QueueManager.OperationResult> operate(QueueId id, QueueManager.Operation operation) {
        return AskPattern.ask(manager, replyTo -> new QueueManager.Operate(id, operation, replyTo), timeout, scheduler);
    }

    /** Retries now every message not on hold, or those with a recipient pending at {@code domain}. */
    public CompletionStage<Integer> flush(Optional<String> domain) {
        return retryNow(message -> !message.state().getHeld()
                && domain.map(d -> pendingToDomain(message, d)).orElse(true));
    }

    /**
     * Retries now every message not on hold with a recipient whose last attempt was deferred by
     * this cluster's mailboxes or directory: when the shared store answers again, those need not
     * wait out their backoff. Messages for remote destinations only keep theirs (a message with
     * both retries its remote recipients too, as its attempt is one).
     */
    public CompletionStage<Integer> retryLocalDeliveries() {
        return retryNow(message -> !message.state().getHeld() && message.pending().stream()
                .anyMatch(i -> message.recipient(i).getLastRelay().equals(RecipientOutcome.LOCAL_RELAY)));
    }

    /** Retries the spool's messages that are {@code wanted}; answers how many were. */
    private CompletionStage<Integer> retryNow(Predicate<QueuedMessage> wanted) {
        return matchingIds(wanted, null, new ArrayList<>())
                .thenCompose(ids -> AskPattern.ask(manager, replyTo -> new QueueManager.RetryNow(ids, replyTo),
                        timeout, scheduler));
    }

    /** The ids of the whole spool's messages that are {@code wanted}, a page at a time. */
    private CompletionStage<List<QueueId>> matchingIds(Predicate<QueuedMessage> wanted, QueueId from,
            List<QueueId> ids) {
        return spool.messages(from, READ_PAGE).thenCompose(read -> {
            QueueId position = from;
            for (QueuedMessage message : read) {
                if (wanted.test(message)) {
                    ids.add(message.id());
                }
                position = message.id();
            }
            return read.size() < READ_PAGE ? CompletableFuture.completedFuture(ids)
                    : matchingIds(wanted, position, ids);
        });
    }

    private static boolean pendingToDomain(QueuedMessage message, String domain) {
        String key = DomainName.key(domain);
        return message.pending().stream().anyMatch(i -> message.envelope().recipients().get(i).address().domainKey()
                .equals(key));
    }
}
