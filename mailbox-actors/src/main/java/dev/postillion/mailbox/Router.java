package dev.postillion.mailbox;

import static dev.postillion.queue.RecipientOutcome.LOCAL_RELAY;

import dev.postillion.core.AddressSyntaxException;
import dev.postillion.core.EmailAddress;
import dev.postillion.core.Envelope;
import dev.postillion.core.QueueId;
import dev.postillion.mailbox.srs.Reversal;
import dev.postillion.mailbox.srs.Srs;
import dev.postillion.queue.DeliveryRequest;
import dev.postillion.queue.RecipientOutcome;
import dev.postillion.queue.RecipientOutcome.Status;
import dev.postillion.queue.Transport;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes each recipient at delivery time, from the stored directory (the second expansion; the
 * first was at RCPT): hosted recipients to the mailbox of the address that owns them, other
 * domains to the remote transport. Delivery is per envelope recipient: an address and its alias
 * on one message are two deliveries (SPEC section 2). Recipients that reach one mailbox through
 * its domain's catch-all are one delivery, whatever their number (issue 12, defect 19: a
 * transaction to 1,000 made-up addresses stored 1,000 copies), each settled with its outcome.
 *
 * <p>A recipient that is a valid SRS address of ours goes to the original sender it reverses to, as
 * at RCPT: the node's own reports and answers to a forward's envelope sender reach that sender.
 *
 * <p>Each mailbox stores a copy of the message (with its own delivery fields), so the mailboxes of
 * one message are handed it a few at a time: as many as {@value #COPY_BYTES} bytes of copies allow,
 * at least one. A large message to many mailboxes then cannot fill the heap with copies.
 */
public final class Router implements Transport {

    private static final Logger log = LoggerFactory.getLogger(Router.class);

    /** Content copied for mailboxes at once, per message. */
    private static final long COPY_BYTES = 32L << 20;

    private final Directory directory;
    private final Srs srs;
    private final Mailboxes mailboxes;
    private final Transport remote;

    /** @param remote takes the recipients at domains not hosted here (outbound SMTP) */
    public Router(Directory directory, Srs srs, Mailboxes mailboxes, Transport remote) {
        this.directory = directory;
        this.srs = srs;
        this.mailboxes = mailboxes;
        this.remote = remote;
    }

    @Override
    public CompletionStage<List<RecipientOutcome>> deliver(DeliveryRequest request) {
        Map<Integer, CompletableFuture<Lookup>> lookups = new LinkedHashMap<>();
        for (int recipient : request.recipients()) {
            lookups.put(recipient, lookUp(request, recipient));
        }
        // The directory answers on the store's reader threads (ARCHITECTURE rule 2); routing goes on
        // once every recipient is resolved.
        return CompletableFuture.allOf(lookups.values().toArray(CompletableFuture[]::new))
                .thenCompose(resolved -> route(request, lookups));
    }

    /**
     * A recipient as routed (an SRS address of ours replaced by the original sender) and its
     * resolution, or the outcome it already has (an invalid SRS address, a failed read).
     */
    private record Lookup(Envelope.Recipient routed, Directory.Resolution resolution, RecipientOutcome outcome) {}

    private CompletableFuture<Lookup> lookUp(DeliveryRequest request, int recipient) {
        Envelope.Recipient addressed = request.envelope().recipients().get(recipient);
        try {
            return srs.reverse(addressed.address().toString()).thenCompose(reversal -> {
                Routed routed = reversed(recipient, addressed, reversal);
                if (routed.refused() != null) {
                    return CompletableFuture.completedFuture(new Lookup(null, null, routed.refused()));
                }
                return directory.resolve(routed.recipient().address())
                        .thenApply(resolution -> new Lookup(routed.recipient(), resolution, null));
            }).handle((lookup, failure) -> failure == null ? lookup : lookupFailed(request.id(), recipient, failure))
                    .toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(lookupFailed(request.id(), recipient, e));
        }
    }

    /**
     * Our fault (the store, a bug): a temporary failure, retried (ARCHITECTURE rule 7). The outcome
     * is quoted in reports: the cause goes to the log only.
     */
    private static Lookup lookupFailed(QueueId id, int recipient, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        log.error("{}: recipient lookup failed, deferred", id, cause);
        return new Lookup(null, null, RecipientOutcome.local(recipient, Status.DEFERRED, LOCAL_RELAY, "4.3.0",
                "recipient lookup failed"));
    }

    private CompletionStage<List<RecipientOutcome>> route(DeliveryRequest request,
            Map<Integer, CompletableFuture<Lookup>> lookups) {
        List<Envelope.Recipient> routed = new ArrayList<>(request.envelope().recipients());
        List<CompletableFuture<List<RecipientOutcome>>> parts = new ArrayList<>();
        List<Integer> remoteRecipients = new ArrayList<>();
        Map<String, CompletableFuture<RecipientOutcome>> catchAllCopies = new HashMap<>();
        CopyWindow copies = new CopyWindow((int) Math.max(1, COPY_BYTES / Math.max(1, request.content().length)));
        for (Map.Entry<Integer, CompletableFuture<Lookup>> lookup : lookups.entrySet()) {
            int recipient = lookup.getKey();
            Lookup found = lookup.getValue().join(); // complete: routing starts once all are
            if (found.outcome() != null) {
                parts.add(CompletableFuture.completedFuture(List.of(found.outcome())));
                continue;
            }
            routed.set(recipient, found.routed());
            Directory.Resolution resolution = found.resolution();
            if (resolution.lookup() == Directory.Lookup.NOT_HOSTED) {
                remoteRecipients.add(recipient);
            } else if (resolution.throughCatchAll() && resolution.lookup() == Directory.Lookup.MAILBOX) {
                // One copy per mailbox for all the catch-all's recipients of a transaction, settled
                // for each of them; the first is the one the mailbox keeps it under (idempotence).
                CompletableFuture<RecipientOutcome> copy = catchAllCopies.computeIfAbsent(resolution.mailbox().key(),
                        mailbox -> copies.start(() -> deliver(request, recipient, resolution)));
                parts.add(copy.thenApply(outcome -> List.of(outcome.forRecipient(recipient))));
            } else {
                parts.add(copies.start(() -> deliver(request, recipient, resolution)).thenApply(List::of));
            }
        }
        if (!remoteRecipients.isEmpty()) {
            Envelope envelope = request.envelope();
            // Still ours or still not: whether it is DKIM-signed on the way out does not change.
            Envelope remoteEnvelope = new Envelope(envelope.sender(), envelope.mailParameters(), routed,
                    envelope.heloName(), envelope.clientAddress(), envelope.arrival(), envelope.smtputf8(), false,
                    envelope.originatedHere());
            parts.add(remote.deliver(new DeliveryRequest(request.id(), remoteEnvelope, remoteRecipients,
                    request.content())).toCompletableFuture());
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                .thenApply(done -> parts.stream().flatMap(part -> part.join().stream()).toList());
    }

    /** The recipient to route, or why it is returned: exactly one of them. */
    private record Routed(Envelope.Recipient recipient, RecipientOutcome refused) {}

    /**
     * A valid SRS address of ours stands for the original sender, as the SMTP session finds at
     * RCPT; a forged, expired or empty one is returned with the reason.
     */
    private static Routed reversed(int recipient, Envelope.Recipient addressed, Reversal reversal) {
        if (reversal instanceof Reversal.Invalid invalid) {
            return new Routed(null, RecipientOutcome.local(recipient, Status.BOUNCED, LOCAL_RELAY, "5.1.1",
                    "invalid SRS address: " + invalid.reason()));
        }
        if (reversal instanceof Reversal.Original original) {
            try {
                return new Routed(new Envelope.Recipient(EmailAddress.parse(original.address(), true),
                        addressed.parameters()), null);
            } catch (AddressSyntaxException e) {
                return new Routed(null, RecipientOutcome.local(recipient, Status.BOUNCED, LOCAL_RELAY, "5.1.3",
                        "SRS address holds no valid address: " + e.getMessage()));
            }
        }
        return new Routed(addressed, null);
    }

    /**
     * Hands the recipient to the mailbox that owns it (through an alias, an alias domain or the
     * catch-all). A recipient that stopped receiving since RCPT is returned, as Postfix's virtual(8)
     * returns a user removed from its table.
     */
    private CompletionStage<RecipientOutcome> deliver(DeliveryRequest request, int recipient,
            Directory.Resolution resolution) {
        String refusal = switch (resolution.lookup()) {
            case UNKNOWN_ADDRESS -> "user unknown in virtual mailbox table";
            case NO_REPLY -> "address does not receive mail";
            case DISABLED -> "account disabled";
            case MAILBOX, NOT_HOSTED -> null;
        };
        if (refusal != null) {
            return CompletableFuture.completedFuture(
                    RecipientOutcome.local(recipient, Status.BOUNCED, LOCAL_RELAY, "5.1.1", refusal));
        }
        String mailbox = resolution.mailbox().key();
        return mailboxes.mailbox(mailbox)
                .<MailboxActor.Delivered>ask(replyTo -> new MailboxActor.Deliver(request.id(), recipient,
                        request.envelope(), request.content(), replyTo), mailboxes.askTimeout())
                // Pekko's ask completes a Scala-converted future whose plain handle() runs on the
                // JDK's default async executor, which on a two-core machine starts a thread per call:
                // run the mapping on the completing thread instead.
                .handleAsync((delivered, failure) -> {
                    if (failure != null) {
                        log.warn("{}: mailbox {} did not answer, deferred", request.id(), mailbox, failure);
                        return RecipientOutcome.local(recipient, Status.DEFERRED, LOCAL_RELAY, "4.3.0",
                                "mailbox did not answer");
                    }
                    if (!delivered.stored()) {
                        return RecipientOutcome.local(recipient, Status.DEFERRED, LOCAL_RELAY, "4.3.0",
                                delivered.failure());
                    }
                    // Success reports quote this: the mailbox behind an alias and its uids stay ours.
                    return RecipientOutcome.local(recipient, Status.SENT, LOCAL_RELAY, "2.0.0",
                            delivered.contentId() == MailboxActor.NOT_KEPT ? "forwarded, no copy kept"
                                    : "delivered to mailbox");
                }, Runnable::run);
    }

    /** Deliveries of one message under way at most {@code size} at a time; the rest start as they end. */
    private static final class CopyWindow {
        private final int size;
        private int running;
        private final Deque<Runnable> waiting = new ArrayDeque<>();

        CopyWindow(int size) {
            this.size = size;
        }

        CompletableFuture<RecipientOutcome> start(Supplier<CompletionStage<RecipientOutcome>> delivery) {
            CompletableFuture<RecipientOutcome> outcome = new CompletableFuture<>();
            Runnable run = () -> {
                try {
                    delivery.get().whenComplete((done, failure) -> {
                        ended();
                        if (failure != null) {
                            outcome.completeExceptionally(failure);
                        } else {
                            outcome.complete(done);
                        }
                    });
                } catch (RuntimeException e) {
                    ended();
                    outcome.completeExceptionally(e);
                }
            };
            boolean now;
            synchronized (this) {
                now = running < size;
                if (now) {
                    running++;
                } else {
                    waiting.add(run);
                }
            }
            if (now) {
                run.run();
            }
            return outcome;
        }

        /** A delivery ended: the next waiting one takes its place. */
        private void ended() {
            Runnable next;
            synchronized (this) {
                next = waiting.poll();
                if (next == null) {
                    running--;
                }
            }
            if (next != null) {
                next.run();
            }
        }
    }
}
