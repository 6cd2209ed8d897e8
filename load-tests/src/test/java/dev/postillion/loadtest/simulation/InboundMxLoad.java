package dev.postillion.loadtest.simulation;

import static dev.postillion.loadtest.smtp.SmtpDsl.enhancedStatus;
import static dev.postillion.loadtest.smtp.SmtpDsl.queuedAs;
import static dev.postillion.loadtest.smtp.SmtpDsl.replyCode;
import static dev.postillion.loadtest.smtp.SmtpDsl.smtp;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.listFeeder;
import static io.gatling.javaapi.core.CoreDsl.onCase;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import dev.postillion.loadtest.smtp.SmtpDsl;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Choice;
import io.gatling.javaapi.core.FeederBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Inbound MX load: other servers deliver to mailboxes of a domain hosted on the target, each user
 * one connection with one message. Messages are 2 KB, 20 KB or 200 KB (7:2:1, mostly text and a
 * few attachments); every tenth user names an unknown address instead and must be refused at RCPT
 * with 550 5.1.1. Where the target greylists the load ({@link Target#greylistRetry()}), the fifth
 * of every ten is a sender the node has never seen: deferred at RCPT with 451 4.7.1, it retries
 * after the greylist delay and its message must pass. {@link #prepare()} hosts the domain and its
 * mailboxes.
 */
final class InboundMxLoad implements Workload {

    public static final String DOMAIN = "inbound.load.test";
    public static final List<String> MAILBOXES = IntStream.rangeClosed(1, 20)
            .mapToObj(i -> "user" + i + "@" + DOMAIN).toList();
    /** The request whose OK count is the number of messages accepted. */
    public static final String DELIVERY = "mx";
    /** The request whose OK count is the number of greylisted messages accepted on their retry. */
    public static final String GREYLISTED_RETRY = "greylisted retry";
    /** The domain of the senders that are not greylisted: a sender a node has long known. */
    static final String SENDER_DOMAIN = "sender.load.test";

    static final String SENDER = "loadgen@" + SENDER_DOMAIN;
    /** Users are counted, not drawn, so that even a run of seconds has each kind. */
    private static final int EVERY = 10;

    /** What a user does: deliver, name an unknown recipient, or be a sender new to the node. */
    private enum Arrival { DELIVERY, UNKNOWN, GREYLISTED }

    private final Target target;

    InboundMxLoad(Target target) {
        this.target = target;
    }

    @Override
    public PopulationBuilder population(Load load) {
        var mx = SmtpDsl.smtp.host(target.smtpHost()).port(target.smtpPort()).ehloName("loadgen.test");
        Optional<Duration> greylistRetry = target.greylistRetry();
        List<Choice.WithKey> kinds = new ArrayList<>(List.of(
                onCase(Arrival.DELIVERY.name()).then(delivery()), onCase(Arrival.UNKNOWN.name()).then(unknownRecipient())));
        greylistRetry.ifPresent(retry -> kinds.add(onCase(Arrival.GREYLISTED.name()).then(greylisted(retry))));
        return scenario("inbound MX").feed(arrivals(greylistRetry.isPresent())).doSwitch("#{arrival}").on(kinds)
                .injectOpen(load.openModel()).protocols(mx);
    }

    /** One message to one of the mailboxes, of a size from the feeder; 250 with a queue id. */
    private static ChainBuilder delivery() {
        return feed(recipients()).feed(sizes()).exec(smtp(DELIVERY).sendMessage().from(SENDER).to("#{recipient}")
                .subject("#{size} message").body("#{text}").attachmentSize("#{attachment}")
                .check(replyCode().is(250), queuedAs().saveAs("queueId")));
    }

    /** RCPT to an address the domain does not have: 550 5.1.1 (README, "SMTP replies"), then RSET and QUIT. */
    private static ChainBuilder unknownRecipient() {
        AtomicLong strangers = new AtomicLong();
        Iterator<Map<String, Object>> unknown = Stream.generate(
                () -> Map.<String, Object>of("stranger", "nobody" + strangers.incrementAndGet() + "@" + DOMAIN)).iterator();
        return feed(unknown).exec(
                smtp("unknown: connect").connect(),
                smtp("unknown: EHLO").ehlo(),
                smtp("unknown: MAIL").mailFrom(SENDER),
                smtp("unknown: RCPT").rcptTo("#{stranger}").check(replyCode().is(550), enhancedStatus().is("5.1.1")),
                smtp("unknown: RSET").rset(),
                smtp("unknown: QUIT").quit());
    }

    /**
     * A sender the node has not seen (SPEC section 4): 451 4.7.1 at RCPT, QUIT, and after {@code
     * retry} the same sender and recipient again, with the message: 250 with a queue id.
     */
    private static ChainBuilder greylisted(Duration retry) {
        AtomicLong newcomers = new AtomicLong();
        // the run's own part: a triplet passed in an earlier run passes for the node's max-age
        String run = letters(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE));
        Iterator<Map<String, Object>> senders = Stream.generate(() -> Map.<String, Object>of("newcomer",
                "newcomer-" + run + "-" + letters(newcomers.incrementAndGet()) + "@greylisted.load.test")).iterator();
        return feed(senders).feed(recipients()).exec(
                        smtp("greylisted: connect").connect(),
                        smtp("greylisted: EHLO").ehlo(),
                        smtp("greylisted: MAIL").mailFrom("#{newcomer}"),
                        smtp("greylisted: RCPT").rcptTo("#{recipient}")
                                .check(replyCode().is(451), enhancedStatus().is("4.7.1")),
                        smtp("greylisted: QUIT").quit())
                .pause(retry)
                .exec(smtp(GREYLISTED_RETRY).sendMessage().from("#{newcomer}").to("#{recipient}")
                        .subject("a retried message").body("Sent again after the greylist delay.")
                        .check(replyCode().is(250), queuedAs().saveAs("queueId")));
    }

    /**
     * {@code n} in letters (1 is "b", 26 is "ba"): greylisting folds a sender's runs of digits, so
     * that VERP senders match their retries, and senders told apart by a number alone would be
     * one sender to it.
     */
    private static String letters(long n) {
        StringBuilder letters = new StringBuilder();
        for (long rest = n; rest > 0 || letters.isEmpty(); rest /= 26) {
            letters.insert(0, (char) ('a' + rest % 26));
        }
        return letters.toString();
    }

    /** The fifth of every ten users is greylisted (when the load has greylisting), the tenth names an unknown recipient. */
    private static Iterator<Map<String, Object>> arrivals(boolean greylisting) {
        AtomicLong users = new AtomicLong();
        return Stream.generate(() -> {
            long place = users.incrementAndGet() % EVERY;
            Arrival arrival = place == 0 ? Arrival.UNKNOWN
                    : place == EVERY / 2 && greylisting ? Arrival.GREYLISTED : Arrival.DELIVERY;
            return Map.<String, Object>of("arrival", arrival.name());
        }).iterator();
    }

    private static Iterator<Map<String, Object>> recipients() {
        return Stream.generate(() -> Map.<String, Object>of("recipient",
                MAILBOXES.get(ThreadLocalRandom.current().nextInt(MAILBOXES.size())))).iterator();
    }

    /**
     * A text of 2 KB, alone or with an attachment that base64 makes 18 KB or 198 KB on the wire;
     * seven small messages for two medium and one large.
     */
    private static FeederBuilder<Object> sizes() {
        String text = String.join("\n", Collections.nCopies(24,
                "Please find the figures for the quarter below; the details follow in the attachment."));
        Map<String, Object> small = Map.of("size", "2 KB", "text", text, "attachment", 0);
        Map<String, Object> medium = Map.of("size", "20 KB", "text", text, "attachment", 13_500);
        Map<String, Object> large = Map.of("size", "200 KB", "text", text, "attachment", 145_000);
        return listFeeder(List.of(small, small, small, small, small, small, small, medium, medium, large)).random();
    }

    @Override
    public void prepare() {
        AdminApi admin = new AdminApi(target);
        admin.hostDomain(DOMAIN);
        for (String mailbox : MAILBOXES) {
            // nobody logs in to them: a password of its own for each, never a guessable one
            admin.createMailbox(DOMAIN, mailbox.substring(0, mailbox.indexOf('@')), UUID.randomUUID().toString());
        }
    }
}
