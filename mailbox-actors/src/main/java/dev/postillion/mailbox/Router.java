package dev.postillion.mailbox;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.Envelope;
import dev.postillion.queue.DeliveryRequest;
import dev.postillion.queue.RecipientOutcome;
import dev.postillion.queue.RecipientOutcome.Status;
import dev.postillion.queue.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Routes each recipient at delivery time, from the stored directory: hosted addresses to their
 * mailbox, other domains to the remote transport. Recipients were checked at RCPT; a hosted
 * address removed since then is returned as unknown.
 */
public final class Router implements Transport {

    private static final String LOCAL = "local";

    private final Directory directory;
    private final Mailboxes mailboxes;
    private final Transport remote;

    /** @param remote takes the recipients at domains not hosted here (outbound SMTP) */
    public Router(Directory directory, Mailboxes mailboxes, Transport remote) {
        this.directory = directory;
        this.mailboxes = mailboxes;
        this.remote = remote;
    }

    @Override
    public CompletionStage<List<RecipientOutcome>> deliver(DeliveryRequest request) {
        List<CompletableFuture<List<RecipientOutcome>>> parts = new ArrayList<>();
        List<Integer> remoteRecipients = new ArrayList<>();
        for (int recipient : request.recipients()) {
            Directory.Lookup lookup;
            try {
                lookup = directory.lookup(request.envelope().recipients().get(recipient).address());
            } catch (RuntimeException e) {
                parts.add(CompletableFuture.completedFuture(List.of(RecipientOutcome.local(recipient, Status.DEFERRED,
                        LOCAL, "4.3.0", "directory unavailable: " + e.getMessage()))));
                continue;
            }
            if (lookup == Directory.Lookup.NOT_HOSTED) {
                remoteRecipients.add(recipient);
            } else {
                parts.add(deliver(request, recipient, lookup).thenApply(List::of).toCompletableFuture());
            }
        }
        if (!remoteRecipients.isEmpty()) {
            parts.add(remote.deliver(new DeliveryRequest(request.id(), request.envelope(), remoteRecipients,
                    request.content())).toCompletableFuture());
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                .thenApply(done -> parts.stream().flatMap(part -> part.join().stream()).toList());
    }

    private CompletionStage<RecipientOutcome> deliver(DeliveryRequest request, int recipient, Directory.Lookup lookup) {
        Envelope envelope = request.envelope();
        EmailAddress address = envelope.recipients().get(recipient).address();
        if (lookup != Directory.Lookup.MAILBOX) {
            return CompletableFuture.completedFuture(RecipientOutcome.local(recipient, Status.BOUNCED, LOCAL, "5.1.1",
                    "user unknown in virtual mailbox table"));
        }
        return mailboxes.mailbox(address.key())
                .<MailboxActor.Delivered>ask(replyTo -> new MailboxActor.Deliver(request.id(), recipient,
                        envelope.returnPath(), request.content(), replyTo), mailboxes.askTimeout())
                // Pekko's ask completes a Scala-converted future whose plain handle() runs on the
                // JDK's default async executor, which on a two-core machine starts a thread per call:
                // run the mapping on the completing thread instead.
                .handleAsync((delivered, failure) -> {
                    if (failure != null) {
                        return RecipientOutcome.local(recipient, Status.DEFERRED, LOCAL, "4.3.0",
                                "mailbox did not answer: " + failure.getMessage());
                    }
                    if (!delivered.stored()) {
                        return RecipientOutcome.local(recipient, Status.DEFERRED, LOCAL, "4.3.0", delivered.failure());
                    }
                    return RecipientOutcome.local(recipient, Status.SENT, LOCAL, "2.0.0",
                            "delivered to mailbox, uid " + delivered.uid());
                }, Runnable::run);
    }
}
