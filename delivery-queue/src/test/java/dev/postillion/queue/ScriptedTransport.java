package dev.postillion.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.postillion.core.QueueId;
import dev.postillion.queue.RecipientOutcome.Status;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * A transport the test answers by hand: each delivery attempt waits in a queue until the test
 * takes it with {@link #nextAttempt()} and answers it.
 */
final class ScriptedTransport implements Transport {

    /** The next hop of a deferral, which waits out the remote backoff. */
    static final String REMOTE = "mx.example.com[192.0.2.1]:25";

    /** One call of {@link #deliver}, waiting for the test's answer. */
    record Attempt(DeliveryRequest request, CompletableFuture<List<RecipientOutcome>> answer) {

        /** Answers every requested recipient with the status at its position in {@code statuses}. */
        void answer(Status... statuses) {
            List<Integer> recipients = request.recipients();
            answer.complete(IntStream.range(0, recipients.size())
                    .mapToObj(i -> outcome(recipients.get(i), statuses[i]))
                    .toList());
        }

        /** The content offered, as text: a report's, to read what it says. */
        String text() {
            return new String(request.content(), StandardCharsets.UTF_8);
        }

        void fail(Throwable failure) {
            answer.completeExceptionally(failure);
        }

        private static RecipientOutcome outcome(int recipient, Status status) {
            return switch (status) {
                case SENT -> RecipientOutcome.local(recipient, status, "local", "2.0.0", "delivered");
                case DEFERRED -> RecipientOutcome.local(recipient, status, REMOTE, "4.2.0", "451 mailbox busy");
                case BOUNCED -> RecipientOutcome.local(recipient, status, "local", "5.1.1", "550 no such user");
            };
        }
    }

    private final BlockingQueue<Attempt> attempts = new LinkedBlockingQueue<>();

    @Override
    public CompletionStage<List<RecipientOutcome>> deliver(DeliveryRequest request) {
        CompletableFuture<List<RecipientOutcome>> answer = new CompletableFuture<>();
        attempts.add(new Attempt(request, answer));
        return answer;
    }

    /** The next attempt the queue manager makes; fails the test if none comes within 10 seconds. */
    Attempt nextAttempt() throws InterruptedException {
        Attempt attempt = attempts.poll(10, TimeUnit.SECONDS);
        assertNotNull(attempt, "no delivery attempt within 10 seconds");
        return attempt;
    }

    /** The next attempt, which must be of message {@code expected}. */
    Attempt nextAttempt(QueueId expected) throws InterruptedException {
        Attempt attempt = nextAttempt();
        assertEquals(expected, attempt.request().id(), "an attempt of another message came first");
        return attempt;
    }

    boolean idle() {
        return attempts.isEmpty();
    }
}
