package dev.postillion.loadtest.bench;

import static dev.postillion.loadtest.imap.ImapDsl.exists;
import static dev.postillion.loadtest.imap.ImapDsl.fetched;
import static dev.postillion.loadtest.imap.ImapDsl.found;
import static dev.postillion.loadtest.imap.ImapDsl.imap;
import static dev.postillion.loadtest.imap.ImapDsl.literalBytes;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import dev.postillion.loadtest.imap.ImapDsl;
import io.gatling.javaapi.core.ActionBuilder;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Simulation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The client side of {@code load-tests/bench/imap-vs-dovecot.sh}: one phase ({@code bench.phase})
 * against the IMAP server at {@code target.imap}, logged in as {@code bench.user} with {@code
 * bench.password}. Every request is checked, and the run asserts that none failed.
 *
 * <ul>
 *   <li>{@code deliver}: {@code bench.sessions} users APPEND the files of {@code bench.messages-dir}
 *       to INBOX, each file once.
 *   <li>{@code measure}: one user first selects INBOX (it must hold {@code bench.messages}) and
 *       fetches every message's flags, so that both servers have read the folder once; then {@code
 *       bench.sessions} users log in and out {@code bench.logins} times together; then one user, {@code
 *       bench.rounds} times, fetches the headers of messages 1 to 1,000, the whole of messages 1 to
 *       {@code bench.bodies}, and searches FROM, TEXT and UNSEEN with the counts the generated folder
 *       must give ({@code bench.from-hits}, {@code bench.text-hits}). Prints {@code measured: <what>
 *       <milliseconds> <items> <octets>} for each.
 *   <li>{@code idle}: {@code bench.connections} users log in ({@code bench.idle-logins-per-second}
 *       a second, 3) and select INBOX; once all are in, the
 *       file {@code bench.ready-file} is written, and they stay until {@code bench.go-file} exists
 *       (the script measures the server's memory in between), then log out.
 * </ul>
 */
public class MailboxBenchSimulation extends Simulation {

    /** How long idle connections wait for the script's go file at most. */
    private static final Duration GO_WAIT = Duration.ofMinutes(10);
    private static final int HEADERS = 1000;

    private final String[] target = System.getProperty("target.imap", "127.0.0.1:2143").split(":");
    private final int messages = Integer.getInteger("bench.messages", 2000);
    private final int sessions = Integer.getInteger("bench.sessions", 10);

    {
        var protocol = ImapDsl.imap.host(target[0]).port(Integer.parseInt(target[1]))
                .login(System.getProperty("bench.user"), System.getProperty("bench.password"))
                .replyTimeout(Duration.ofMinutes(10));
        String phase = System.getProperty("bench.phase", "measure");
        PopulationBuilder run = switch (phase) {
            case "deliver" -> deliver();
            case "measure" -> warm().andThen(logins().andThen(operations()));
            case "idle" -> idle();
            default -> throw new IllegalArgumentException("bench.phase is deliver, measure or idle, not " + phase);
        };
        setUp(run).protocols(protocol).assertions(global().failedRequests().count().is(0L));
    }

    private PopulationBuilder deliver() {
        List<Path> files = files(Path.of(System.getProperty("bench.messages-dir")));
        AtomicInteger next = new AtomicInteger();
        Span span = new Span();
        return scenario("deliver").exec(span.begin()).exec(imap("login").login())
                .asLongAs(session -> next.get() < files.size()).on(exec(session -> {
                    int claimed = next.getAndIncrement();
                    return claimed < files.size() ? session.set("message", read(files.get(claimed))) : session.remove("message");
                }).doIf(session -> session.contains("message")).then(exec(imap("append").append("INBOX", "#{message}"))))
                .exec(imap("logout").logout(), span.end("appended", files.size()))
                .injectOpen(atOnceUsers(sessions));
    }

    private PopulationBuilder warm() {
        return scenario("warm-up").exec(imap("login").login(),
                imap("select").select("INBOX").check(exists().is(messages)),
                imap("flags").fetch("1:*", "FLAGS").check(fetched().is(messages)), imap("logout").logout())
                .injectOpen(atOnceUsers(1));
    }

    private PopulationBuilder logins() {
        int logins = Integer.getInteger("bench.logins", 500) / sessions * sessions;
        Span span = new Span();
        return scenario("logins").exec(span.begin())
                .repeat(logins / sessions).on(exec(imap("login").login(), imap("logout").logout()))
                .exec(span.end("logins", logins)).injectOpen(atOnceUsers(sessions));
    }

    /** From the first user's start to the last one's end, of users that run at once. */
    private static final class Span {
        private final AtomicLong first = new AtomicLong(Long.MAX_VALUE);
        private final AtomicLong last = new AtomicLong();

        ChainBuilder begin() {
            return exec(session -> {
                first.accumulateAndGet(System.nanoTime(), Math::min);
                return session;
            });
        }

        /** Every user prints the line; the script reads the last, printed when the last user ended. */
        ChainBuilder end(String what, int items) {
            return exec(session -> {
                long end = last.accumulateAndGet(System.nanoTime(), Math::max);
                System.out.printf("measured: %s %.1f %d 0%n", what, (end - first.get()) / 1e6, items);
                return session;
            });
        }
    }

    private PopulationBuilder operations() {
        int bodies = Integer.getInteger("bench.bodies", Math.min(messages, 2000));
        int headers = Math.min(messages, HEADERS);
        ChainBuilder round = exec(
                timed("headers", imap("headers").fetch("1:" + headers, "BODY.PEEK[HEADER]")
                        .check(fetched().is(headers), fetched().saveAs("items"), literalBytes().saveAs("octets"))),
                timed("bodies", imap("bodies").fetch("1:" + bodies, "BODY.PEEK[]")
                        .check(fetched().is(bodies), fetched().saveAs("items"), literalBytes().saveAs("octets"))),
                timed("search-from", imap("search from").search("FROM \"alice\"")
                        .check(found().is(Integer.getInteger("bench.from-hits")), found().saveAs("items"))),
                timed("search-text", imap("search text").search("TEXT \"zebra\"")
                        .check(found().is(Integer.getInteger("bench.text-hits")), found().saveAs("items"))),
                timed("search-unseen", imap("search unseen").search("UNSEEN")
                        .check(found().is(messages), found().saveAs("items"))));
        return scenario("operations").exec(imap("login").login(), imap("select").select("INBOX"))
                .repeat(Integer.getInteger("bench.rounds", 7)).on(round).exec(imap("logout").logout())
                .injectOpen(atOnceUsers(1));
    }

    /** The action, and a line with how long it took from the user's start of it to its end. */
    private static ChainBuilder timed(String what, ActionBuilder action) {
        return exec(session -> session.set("started", System.nanoTime())).exec(action).exec(session -> {
            long octets = session.contains("octets") ? session.getLong("octets") : 0;
            System.out.printf("measured: %s %.1f %d %d%n", what, (System.nanoTime() - session.getLong("started")) / 1e6,
                    session.getInt("items"), octets);
            return session.remove("octets");
        });
    }

    private PopulationBuilder idle() {
        int connections = Integer.getInteger("bench.connections", 500);
        Path ready = Path.of(System.getProperty("bench.ready-file"));
        Path go = Path.of(System.getProperty("bench.go-file"));
        AtomicInteger in = new AtomicInteger();
        return scenario("idle").exec(imap("login").login(), imap("select").select("INBOX")).exec(session -> {
            if (in.incrementAndGet() == connections) {
                write(ready);
            }
            return session.set("deadline", System.nanoTime() + GO_WAIT.toNanos());
        }).asLongAs(session -> !Files.exists(go) && System.nanoTime() < session.getLong("deadline"))
                .on(pause(Duration.ofMillis(200)))
                .exec(imap("logout").logout())
                // Dovecot hashes every login's password in its one auth process: connections that
                // all log in at once wait there past its handshake timeout, so they arrive at a rate
                .injectOpen(rampUsers(connections).during(Duration.ofMillis(
                        Math.max(1, connections * 1000L / Integer.getInteger("bench.idle-logins-per-second", 3)))));
    }

    private static List<Path> files(Path directory) {
        try (Stream<Path> listed = Files.list(directory)) {
            return listed.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static void write(Path file) {
        try {
            Files.writeString(file, "ready\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
