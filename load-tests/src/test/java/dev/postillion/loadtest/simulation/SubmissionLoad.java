package dev.postillion.loadtest.simulation;

import static dev.postillion.loadtest.smtp.SmtpDsl.enhancedStatus;
import static dev.postillion.loadtest.smtp.SmtpDsl.queuedAs;
import static dev.postillion.loadtest.smtp.SmtpDsl.replyCode;
import static dev.postillion.loadtest.smtp.SmtpDsl.replyText;
import static dev.postillion.loadtest.smtp.SmtpDsl.smtp;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import dev.postillion.loadtest.smtp.SmtpDsl;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Submission load: users of a domain hosted on the target send through its submission listener,
 * each one connection with one message. Each logs in as one of
 * {@value #USER_COUNT} users (STARTTLS, accepting the node's self-signed certificate, then AUTH
 * PLAIN) and sends from its own address to another of them, checked for 250 with a queue id. Every
 * tenth gives another user's address in MAIL FROM instead and must be refused there by the
 * sender guard with {@code 553 5.7.1} (README, "SMTP AUTH and the sender guard").
 * {@link #prepare()} hosts the domain and creates the users afresh, with passwords of this run.
 */
final class SubmissionLoad implements Workload {

    public static final String DOMAIN = "submission.load.test";
    static final int USER_COUNT = 20;
    public static final List<String> USERS = IntStream.rangeClosed(1, USER_COUNT)
            .mapToObj(i -> "sender" + i + "@" + DOMAIN).toList();
    /** The request whose OK count is the number of messages accepted. */
    public static final String SUBMISSION = "submission";
    /** The request whose OK count is the number of impostors the sender guard refused. */
    public static final String IMPOSTOR = "impostor";

    /** Every tenth user is an impostor: counted, not drawn, so that even a run of seconds has one. */
    private static final int IMPOSTOR_EVERY = 10;

    private final Target target;
    // a password of this run for each user, never a guessable one
    private final Map<String, String> passwords = USERS.stream()
            .collect(Collectors.toUnmodifiableMap(user -> user, user -> UUID.randomUUID().toString()));

    SubmissionLoad(Target target) {
        this.target = target;
    }

    @Override
    public PopulationBuilder population(Load load) {
        var submission = SmtpDsl.smtp.host(target.submissionHost()).port(target.submissionPort()).ehloName("loadgen.test")
                .startTls().trustAll().authPlain("#{user}", "#{password}");
        return scenario("submission").feed(logins()).doIfOrElse("#{impostor}").then(impostor()).orElse(ownMessage())
                .injectOpen(load.openModel()).protocols(submission);
    }

    /** From the user's own address to another user: 250 with a queue id. */
    private static ChainBuilder ownMessage() {
        return exec(smtp(SUBMISSION).sendMessage().from("#{user}").to("#{recipient}")
                .subject("Figures from #{user}").body("The figures for the quarter are attached.").attachmentSize(4_000)
                .check(replyCode().is(250), queuedAs().saveAs("queueId")));
    }

    /**
     * MAIL FROM another user's address: the sender guard refuses it at MAIL, so the steps one by
     * one (sendMessage would report the refusal as a failed message), then QUIT.
     */
    private static ChainBuilder impostor() {
        return exec(
                smtp(IMPOSTOR + ": connect").connect(),
                smtp(IMPOSTOR + ": EHLO").ehlo(),
                smtp(IMPOSTOR + ": STARTTLS").startTls(),
                smtp(IMPOSTOR + ": EHLO after STARTTLS").ehlo(),
                smtp(IMPOSTOR + ": AUTH").auth(),
                smtp(IMPOSTOR + ": MAIL").mailFrom("#{recipient}").check(replyCode().is(553), enhancedStatus().is("5.7.1"),
                        replyText().is("Sender denied: auth guards failed")),
                smtp(IMPOSTOR + ": QUIT").quit());
    }

    /**
     * One of the users with its password, another user (the recipient, or the address an impostor
     * claims), and whether this one is an impostor.
     */
    private Iterator<Map<String, Object>> logins() {
        AtomicLong arrivals = new AtomicLong();
        return Stream.generate(() -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            int user = random.nextInt(USER_COUNT);
            int other = (user + 1 + random.nextInt(USER_COUNT - 1)) % USER_COUNT;
            return Map.<String, Object>of("user", USERS.get(user), "password", passwords.get(USERS.get(user)),
                    "recipient", USERS.get(other), "impostor", arrivals.incrementAndGet() % IMPOSTOR_EVERY == 0);
        }).iterator();
    }

    /** The users afresh: a user of an earlier run has a password this run does not know, and mail in its mailbox. */
    @Override
    public void prepare() {
        AdminApi admin = new AdminApi(target);
        admin.hostDomain(DOMAIN);
        for (String user : USERS) {
            String localPart = user.substring(0, user.indexOf('@'));
            admin.deleteAddress(DOMAIN, localPart);
            admin.createMailbox(DOMAIN, localPart, passwords.get(user));
        }
    }
}
