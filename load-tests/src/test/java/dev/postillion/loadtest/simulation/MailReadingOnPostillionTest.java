package dev.postillion.loadtest.simulation;

import static dev.postillion.loadtest.imap.ImapDsl.exists;
import static dev.postillion.loadtest.imap.ImapDsl.fetched;
import static dev.postillion.loadtest.imap.ImapDsl.imap;
import static dev.postillion.loadtest.imap.ImapDsl.literalBytes;
import static dev.postillion.loadtest.pop3.Pop3Dsl.messageCount;
import static dev.postillion.loadtest.pop3.Pop3Dsl.octets;
import static dev.postillion.loadtest.pop3.Pop3Dsl.pop3;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.postillion.loadtest.GatlingRuntime;
import dev.postillion.loadtest.imap.ImapDsl;
import dev.postillion.loadtest.pop3.Pop3Dsl;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The IMAP and POP3 protocols against a Postillion node (mta's jar, as the simulations start it)
 * over each kind of TLS: STARTTLS and STLS on the plain ports, TLS from the first byte on the
 * others, the node's self-signed certificate trusted as any.
 */
class MailReadingOnPostillionTest {

    private static final String MESSAGE = "From: bob@example.test\nSubject: Figures\n\nThe figures are in.\n";

    @Test
    void readersLogInOverEitherKindOfTlsAndReadWhatWasAppended() throws Exception {
        String password = "Tidal-" + UUID.randomUUID();
        String user = "reader@reading.load.test";
        long size = MESSAGE.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8).length;
        try (Target node = Target.start()) {
            AdminApi admin = new AdminApi(node);
            admin.hostDomain("reading.load.test");
            admin.createMailbox("reading.load.test", "reader", password);
            Target.MailboxPorts ports = node.mailboxPorts();

            try (GatlingRuntime starttls = new GatlingRuntime(
                    ImapDsl.imap.host("127.0.0.1").port(ports.imap()).startTls().trustAll().login(user, password))) {
                starttls.run(GatlingRuntime.set("message", MESSAGE), imap("login").login(),
                        imap("append").append("INBOX", "#{message}"), imap("select").select("INBOX").check(exists().is(1)),
                        imap("logout").logout());
                assertEquals(List.of("login OK", "append OK", "select OK", "logout OK"), starttls.reported());
            }
            try (GatlingRuntime implicit = new GatlingRuntime(
                    ImapDsl.imap.host("127.0.0.1").port(ports.imaps()).implicitTls().trustAll().authPlain(user, password))) {
                implicit.run(imap("login").login(), imap("select").select("INBOX"),
                        imap("fetch").fetch("1", "BODY.PEEK[]").check(fetched().is(1), literalBytes().is(size)),
                        imap("logout").logout());
                assertEquals(List.of("login OK", "select OK", "fetch OK", "logout OK"), implicit.reported());
            }
            try (GatlingRuntime stls = new GatlingRuntime(
                    Pop3Dsl.pop3.host("127.0.0.1").port(ports.pop3()).startTls().trustAll().login(user, password));
                    GatlingRuntime pop3s = new GatlingRuntime(
                            Pop3Dsl.pop3.host("127.0.0.1").port(ports.pop3s()).implicitTls().trustAll().authPlain(user, password))) {
                stls.run(pop3("login").login(), pop3("stat").stat().check(messageCount().is(1L)), pop3("quit").quit());
                pop3s.run(pop3("login").login(), pop3("retr").retr("1").check(octets().is(size)), pop3("quit").quit());
                assertEquals(List.of("login OK", "stat OK", "quit OK"), stls.reported());
                assertEquals(List.of("login OK", "retr OK", "quit OK"), pop3s.reported());
            }
        }
    }
}
