package dev.postillion.loadtest.smtp;

import static dev.postillion.loadtest.smtp.SmtpDsl.replyCode;
import static dev.postillion.loadtest.smtp.SmtpDsl.smtp;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.Simulation;
import java.util.List;

/**
 * Messages for Postfix's smtp-sink (see {@link SmtpSinkTest}, port in the system property
 * smtp.port): {@value #USERS} users send {@value #MESSAGES_EACH} messages each, two a
 * connection, pipelined, to two recipients, with the body {@link #BODY}: lines that start with a
 * period and a line of UTF-8. Asserts that every request passed.
 */
public class SmtpSinkSimulation extends Simulation {

    static final int USERS = 5;
    static final int MESSAGES_EACH = 4;
    static final String SENDER = "anna@sender.test";
    static final List<String> RECIPIENTS = List.of("bob@example.test", "carol@example.test");
    static final String BODY = ".hidden\n..two dots\nGrüße aus Köln\n.\nlast line";

    {
        var sink = SmtpDsl.smtp.host("127.0.0.1").port(Integer.getInteger("smtp.port")).messagesPerConnection(2);
        var users = scenario("sink").exec(session -> session.set("recipients", RECIPIENTS))
                .repeat(MESSAGES_EACH).on(smtp("sink").sendMessage().from(SENDER).to("#{recipients}")
                        .subject("to the sink").body(BODY).check(replyCode().is(250)));

        setUp(users.injectOpen(atOnceUsers(USERS))).protocols(sink).assertions(
                global().failedRequests().count().is(0L));
    }
}
