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
 * Expands each recipient from the stored directory at delivery time and takes it to its mailbox.
 * Recipients were checked at RCPT; one removed since then is returned as unknown.
 */
public final class Router implements Transport {

    private static final String LOCAL = "local";

    private final Directory directory;
    private final Mailboxes mailboxes;

    public Router(Directory directory, Mailboxes mailboxes) {
        this.directory = directory;
        this.mailboxes = mailboxes;
    }

    @Override
    public CompletionStage<List<RecipientOutcome>> deliver(DeliveryRequest request) {
        List<CompletableFuture<RecipientOutcome>> outcomes = new ArrayList<>();
        for (int recipient : request.recipients()) {
            outcomes.add(deliver(request, recipient).toCompletableFuture());
        }
        return CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new))
                .thenApply(done -> outcomes.stream().map(CompletableFuture::join).toList());
    }

    private CompletionStage<RecipientOutcome> deliver(DeliveryRequest request, int recipient) {
        Envelope envelope = request.envelope();
        EmailAddress address = envelope.recipients().get(recipient).address();
        Directory.Lookup lookup;
        try {
            lookup = directory.lookup(address);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(RecipientOutcome.local(recipient, Status.DEFERRED, LOCAL, "4.3.0",
                    "directory unavailable: " + e.getMessage()));
        }
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
