package dev.postillion.loadtest.simulation;

import static dev.postillion.loadtest.imap.ImapDsl.exists;
import static dev.postillion.loadtest.imap.ImapDsl.fetched;
import static dev.postillion.loadtest.imap.ImapDsl.imap;
import static dev.postillion.loadtest.imap.ImapDsl.literalBytes;
import static dev.postillion.loadtest.pop3.Pop3Dsl.messageCount;
import static dev.postillion.loadtest.pop3.Pop3Dsl.octets;
import static dev.postillion.loadtest.pop3.Pop3Dsl.pop3;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import dev.postillion.loadtest.imap.ImapDsl;
import dev.postillion.loadtest.pop3.Pop3Dsl;
import dev.postillion.loadtest.wire.MailboxProtocolBuilder;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * People reading their mail, against a running IMAP (and POP3) server, Postillion or any other:
 * {@code load.rate} new readers a second for {@code load.duration} (see {@link Load}). An IMAP
 * reader logs in as one of {@code reading.users}, selects INBOX, fetches the headers of its 50
 * newest messages and the whole of one of them, idles for {@code reading.idle} (or until new mail
 * comes) and logs out. With {@code target.pop3}, a share of the readers ({@code
 * reading.pop3-share}, 0.2) download instead: POP3 login, STAT, RETR of one message, QUIT.
 * Asserts that no request failed and the 99th percentile of the response times.
 *
 * <pre>{@code
 * ./mvnw -B -pl load-tests gatling:test -Dgatling.simulationClass=dev.postillion.loadtest.simulation.MailReadingSimulation \
 *     -Dtarget.imap=127.0.0.1:2143 -Dtarget.pop3=127.0.0.1:2110 \
 *     -Dreading.users=anna@example.test,bob@example.test -Dreading.password=secret -Dload.rate=20 -Dload.duration=60s
 * }</pre>
 *
 * {@code target.tls} is {@code none} (the default: plain text, which Postillion and Dovecot allow
 * from loopback), {@code starttls} or {@code implicit}; certificates are not checked. Postillion
 * lets one POP3 session at a time hold a maildrop: give the POP3 readers addresses of their own
 * with {@code reading.pop3-users} when they may overlap.
 */
public class MailReadingSimulation extends Simulation {

    /** How many of the newest messages a reader fetches the headers of, as a mail client's first screen. */
    private static final int NEWEST = 50;

    {
        Load load = Load.fromSystemProperties();
        List<String> users = list(required("reading.users"));
        String password = required("reading.password");
        Duration idle = Load.duration("reading.idle", System.getProperty("reading.idle", "2s"));
        String tls = System.getProperty("target.tls", "none");
        String[] imapTarget = required("target.imap").split(":");
        MailboxProtocolBuilder imapProtocol = secured(ImapDsl.imap, tls).host(imapTarget[0])
                .port(Integer.parseInt(imapTarget[1])).login("#{user}", "#{password}");
        String pop3 = System.getProperty("target.pop3", "");
        double pop3Share = pop3.isBlank() ? 0 : Double.parseDouble(System.getProperty("reading.pop3-share", "0.2"));

        List<PopulationBuilder> readers = new ArrayList<>();
        readers.add(scenario("imap reader").feed(logins(users, password)).exec(imapReading(idle))
                .injectOpen(load.share(1 - pop3Share).openModel()).protocols(imapProtocol));
        if (pop3Share > 0) {
            String[] pop3Target = pop3.split(":");
            MailboxProtocolBuilder pop3Protocol = secured(Pop3Dsl.pop3, tls).host(pop3Target[0])
                    .port(Integer.parseInt(pop3Target[1])).login("#{user}", "#{password}");
            List<String> pop3Users = list(System.getProperty("reading.pop3-users", String.join(",", users)));
            readers.add(scenario("pop3 reader").feed(logins(pop3Users, password)).exec(pop3Download())
                    .injectOpen(load.share(pop3Share).openModel()).protocols(pop3Protocol));
        }
        setUp(readers).assertions(Workload.noFailures());
    }

    private static ChainBuilder imapReading(Duration idle) {
        return exec(imap("imap: login").login(), imap("imap: select").select("INBOX").check(exists().saveAs("exists")))
                .doIf(session -> session.getInt("exists") > 0).then(exec(session -> {
                    int count = session.getInt("exists");
                    return session.set("newest", Math.max(1, count - NEWEST + 1))
                            .set("one", 1 + ThreadLocalRandom.current().nextInt(count));
                }).exec(imap("imap: fetch headers").fetch("#{newest}:*", "BODY.PEEK[HEADER]").check(fetched().gt(0)),
                        imap("imap: fetch message").fetch("#{one}", "BODY.PEEK[]").check(literalBytes().gt(0L))))
                .exec(imap("imap: idle").idle(idle), imap("imap: logout").logout());
    }

    private static ChainBuilder pop3Download() {
        return exec(pop3("pop3: login").login(), pop3("pop3: stat").stat().check(messageCount().saveAs("count")))
                .doIf(session -> session.getLong("count") > 0).then(exec(session -> session.set("one",
                        1 + ThreadLocalRandom.current().nextLong(session.getLong("count"))))
                        .exec(pop3("pop3: retr").retr("#{one}").check(octets().gt(0L))))
                .exec(pop3("pop3: quit").quit());
    }

    private static MailboxProtocolBuilder secured(MailboxProtocolBuilder protocol, String tls) {
        return switch (tls) {
            case "none" -> protocol;
            case "starttls" -> protocol.startTls().trustAll();
            case "implicit" -> protocol.implicitTls().trustAll();
            default -> throw new IllegalArgumentException("target.tls is none, starttls or implicit, not " + tls);
        };
    }

    /** Each reader one of the users, drawn at random. */
    private static Iterator<Map<String, Object>> logins(List<String> users, String password) {
        return Stream.generate(() -> Map.<String, Object>of("user",
                users.get(ThreadLocalRandom.current().nextInt(users.size())), "password", password)).iterator();
    }

    private static List<String> list(String commaSeparated) {
        return Stream.of(commaSeparated.split(",")).map(String::strip).filter(user -> !user.isEmpty()).toList();
    }

    private static String required(String property) {
        String value = System.getProperty(property, "");
        if (value.isBlank()) {
            throw new IllegalStateException("MailReadingSimulation needs -D" + property);
        }
        return value;
    }
}
