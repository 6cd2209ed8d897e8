package dev.postillion.mta;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Concurrent SMTP senders that keep sending to hosted mailboxes through a cluster's nodes, one
 * message a session, until stopped: a sender's sessions go to the nodes in turn, and its messages
 * to the mailboxes in turn. Every message that gets the 250 of its DATA is recorded, and so is every
 * reply that ends a session early, so that a test can hold the service to what it answered.
 *
 * <p>A message may begin only with a permit, and permits come at a steady rate, a session's worth
 * at most in store: without them eight sessions on loopback send thousands of messages a
 * second, and the test would spend its time waiting for them to be delivered.
 */
final class OutageLoad implements AutoCloseable {

    static final String QUEUED = "250 2.0.0 Ok: queued as ";

    /** A message the node promised to deliver: its DATA got {@link #QUEUED}. */
    record Acknowledged(String mailbox, String messageId, int node, Instant at) {}

    /** A reply that was not the one a session goes on after, and the command it answered. */
    record Refusal(String command, String reply, Instant at) {}

    private final List<TestNode> nodes;
    private final List<String> mailboxes;
    private final AtomicBoolean sending = new AtomicBoolean(true);
    private final Queue<Acknowledged> acknowledged = new ConcurrentLinkedQueue<>();
    private final Queue<Refusal> refusals = new ConcurrentLinkedQueue<>();
    private final Semaphore permits = new Semaphore(0);
    private final ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService senders;
    private final List<Future<?>> running = new ArrayList<>();

    private OutageLoad(List<TestNode> nodes, List<String> mailboxes, int sessions) {
        this.nodes = List.copyOf(nodes);
        this.mailboxes = List.copyOf(mailboxes);
        this.senders = Executors.newFixedThreadPool(sessions);
    }

    /**
     * Starts {@code sessions} senders, each with one session open at a time, that together begin
     * at most {@code perSecond} messages a second.
     */
    static OutageLoad start(List<TestNode> nodes, List<String> mailboxes, int sessions, int perSecond) {
        OutageLoad load = new OutageLoad(nodes, mailboxes, sessions);
        load.pace.scheduleAtFixedRate(() -> {
            if (load.permits.availablePermits() < sessions) {
                load.permits.release();
            }
        }, 0, 1_000_000 / perSecond, TimeUnit.MICROSECONDS);
        for (int sender = 0; sender < sessions; sender++) {
            int number = sender;
            load.running.add(load.senders.submit(() -> load.sendUntilStopped(number)));
        }
        return load;
    }

    List<Acknowledged> acknowledged() {
        return List.copyOf(acknowledged);
    }

    List<Refusal> refusals() {
        return List.copyOf(refusals);
    }

    /** The Message-IDs acknowledged for {@code mailbox}, sorted. */
    List<String> acknowledgedFor(String mailbox) {
        return acknowledged.stream().filter(message -> message.mailbox().equals(mailbox))
                .map(Acknowledged::messageId).sorted().toList();
    }

    /**
     * Ends the load once each session in progress is over, and fails with what failed a sender: a
     * broken connection or a reply that never came would leave a message whose fate nobody knows.
     */
    void stop(Duration deadline) throws InterruptedException, ExecutionException, TimeoutException {
        sending.set(false);
        for (Future<?> sender : running) {
            sender.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        sending.set(false);
        pace.shutdownNow();
        senders.shutdownNow();
    }

    private Void sendUntilStopped(int sender) throws IOException, InterruptedException {
        int message = 0;
        while (sending.get()) {
            // A tenth of a second at a time, so that a stopped load ends soon.
            if (permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                int turn = sender + message;
                sendOne(turn % nodes.size(), mailboxes.get(turn % mailboxes.size()),
                        "<s" + sender + "-m" + message + "@outage.test>");
                message++;
            }
        }
        return null;
    }

    /** One session: each command in turn, until one is not answered as a session goes on. */
    private void sendOne(int node, String mailbox, String messageId) throws IOException {
        String[][] steps = {
            {"EHLO client.test", "250-mx.test\n"},
            {"MAIL FROM:<sender@remote.test>", "250 2.1.0 Ok"},
            {"RCPT TO:<" + mailbox + ">", "250 2.1.5 Ok"},
            {"DATA", "354 "},
            {"Message-ID: " + messageId + "\r\nSubject: load\r\n\r\nHello.\r\n.", QUEUED},
        };
        try (SmtpClient smtp = new SmtpClient(nodes.get(node).smtpPort())) {
            String greeting = smtp.reply();
            if (!greeting.startsWith("220 ")) {
                refusals.add(new Refusal("(connect)", greeting, Instant.now()));
                return;
            }
            for (String[] step : steps) {
                String reply = smtp.command(step[0]);
                if (!reply.startsWith(step[1])) {
                    refusals.add(new Refusal(step[0].lines().findFirst().orElseThrow(), reply, Instant.now()));
                    return;
                }
            }
            acknowledged.add(new Acknowledged(mailbox, messageId, node, Instant.now()));
        }
    }
}
