package dev.postillion.loadtest.simulation;

import static dev.postillion.loadtest.smtp.SmtpDsl.enhancedStatus;
import static dev.postillion.loadtest.smtp.SmtpDsl.queuedAs;
import static dev.postillion.loadtest.smtp.SmtpDsl.replyCode;
import static dev.postillion.loadtest.smtp.SmtpDsl.smtp;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.feed;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.listFeeder;
import static io.gatling.javaapi.core.CoreDsl.percent;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import dev.postillion.loadtest.smtp.SmtpDsl;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.FeederBuilder;
import io.gatling.javaapi.core.Simulation;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Inbound MX load: other servers deliver to mailboxes of a domain hosted on the target, an open
 * model of {@code load.rate} new users per second for {@code load.duration} (see {@link Load}),
 * each user one connection with one message. Messages are 2 KB, 20 KB or 200 KB (7:2:1, mostly
 * text and a few attachments); one user in ten names an unknown address instead and must be
 * refused at RCPT with 550 5.1.1. The target is the node the {@code target.*} properties name, or
 * one started for the run (see {@link Target}); {@code before()} hosts the domain and its mailboxes.
 *
 * <p>Assertions: no request failed (a refused unknown recipient is a passed check), and the 99th
 * percentile of every phase's response time within {@value #P99_MILLIS} ms.
 */
public class InboundMxSimulation extends Simulation {

    public static final String DOMAIN = "inbound.load.test";
    public static final List<String> MAILBOXES = IntStream.rangeClosed(1, 20)
            .mapToObj(i -> "user" + i + "@" + DOMAIN).toList();
    /** The request whose OK count is the number of messages accepted. */
    public static final String DELIVERY = "mx";

    static final String SENDER = "loadgen@sender.load.test";
    static final int P99_MILLIS = 5_000;
    private static final double UNKNOWN_PERCENT = 10;

    // the load first: a mistyped load.* fails before a node is started for nothing
    private final Load load = Load.fromSystemProperties();
    private final Target target = Target.fromSystemProperties();

    {
        var mx = SmtpDsl.smtp.host(target.smtpHost()).port(target.smtpPort()).ehloName("loadgen.test");
        var inbound = scenario("inbound MX").randomSwitch().on(
                percent(100 - UNKNOWN_PERCENT).then(delivery()),
                percent(UNKNOWN_PERCENT).then(unknownRecipient()));

        setUp(inbound.injectOpen(constantUsersPerSec(load.rate()).during(load.duration()))).protocols(mx).assertions(
                global().failedRequests().count().is(0L),
                global().responseTime().percentile(99.0).lt(P99_MILLIS));
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
    public void before() {
        AdminApi admin = new AdminApi(target);
        admin.hostDomain(DOMAIN);
        for (String mailbox : MAILBOXES) {
            // nobody logs in to them: a password of its own for each, never a guessable one
            admin.createMailbox(DOMAIN, mailbox.substring(0, mailbox.indexOf('@')), UUID.randomUUID().toString());
        }
    }

    @Override
    public void after() {
        target.close();
    }
}
