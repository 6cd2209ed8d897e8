package dev.postillion.mta.pop3;

import dev.postillion.mta.Delivered;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postillion.mta.PythonClient;
import dev.postillion.mta.TestNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Python's poplib and curl, independent POP3 clients, against the node's POP3 listeners: CAPA and
 * STLS, implicit TLS, the maildrop's listings and messages, deletions made at QUIT (and kept
 * restorable), RSET, a wrong password. Plain-text logins are refused here (no trusted network),
 * as they are for every client but local ones by default.
 */
class Pop3ClientsTest {

    private static final String PRELUDE = """
            import poplib, ssl, sys
            host = '127.0.0.1'
            port, tls_port, user = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
            context = ssl._create_unverified_context()
            def connect():
                m = poplib.POP3(host, port)
                m.stls(context)
                m.user(user)
                m.pass_('secret-password')
                return m
            """;

    @TempDir static Path dataDir;
    static TestNode node;
    static Delivered delivered;

    @BeforeAll
    static void start() {
        node = TestNode.start(dataDir, Map.of("postillion.pop3.plaintext-login-networks", List.of()),
                Clock.systemUTC());
        delivered = new Delivered(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void passwordsNeedTlsAndTheCapabilitiesSaySo() {
        String user = mailbox("tls");
        List<String> out = python("""
                m = poplib.POP3(host, port)
                print(m.getwelcome())
                print(m.capa())
                try:
                    m.user(user)
                except poplib.error_proto as e:
                    print(e)
                print(m.stls(context))
                print(m.capa())
                print(m.user(user))
                print(m.pass_('secret-password'))
                print(m.capa())
                print(m.quit())
                s = poplib.POP3_SSL(host, tls_port, context=context)
                s.user(user)
                try:
                    s.pass_('wrong password')
                except poplib.error_proto as e:
                    print(e)
                s.user(user)
                print(s.pass_('secret-password'))
                print(s.stat())
                """, user);
        assertEquals(List.of(
                "b'+OK mx.test POP3 ready'",
                "{'TOP': [], 'UIDL': [], 'RESP-CODES': [], 'AUTH-RESP-CODE': [], 'PIPELINING': [], 'STLS': [],"
                        + " 'IMPLEMENTATION': ['Postillion']}",
                "b'-ERR [AUTH] log in after STLS, or on the TLS port'",
                "b'+OK Begin TLS negotiation now'",
                "{'TOP': [], 'UIDL': [], 'RESP-CODES': [], 'AUTH-RESP-CODE': [], 'PIPELINING': [], 'USER': [],"
                        + " 'SASL': ['PLAIN'], 'IMPLEMENTATION': ['Postillion']}",
                "b'+OK send the password'",
                "b'+OK maildrop has 0 messages (0 octets)'",
                "{'TOP': [], 'UIDL': [], 'RESP-CODES': [], 'AUTH-RESP-CODE': [], 'PIPELINING': [],"
                        + " 'IMPLEMENTATION': ['Postillion']}",
                "b'+OK mx.test POP3 server signing off (0 messages deleted)'",
                "b'-ERR [AUTH] Authentication failed.'",
                "b'+OK maildrop has 0 messages (0 octets)'",
                "(0, 0)"), out);
    }

    @Test
    void theMaildropIsListedAndItsMessagesRetrieved() throws IOException {
        String user = mailbox("read");
        JsonNode first = delivered.deliver(user, "first", "Hello.\r\n");
        JsonNode second = delivered.deliver(user, "second", "Line one.\r\n..starts with a dot\r\nLine three.\r\n");
        long size1 = first.get("size").asLong();
        long size2 = second.get("size").asLong();
        List<String> out = python("""
                m = connect()
                print(m.stat())
                response, lines, octets = m.list()
                print(response, lines)
                print(m.list(2))
                response, lines, octets = m.uidl()
                print(response, lines)
                print(m.uidl(1))
                response, lines, octets = m.top(2, 1)
                print(response)
                for line in lines:
                    print(line.decode())
                response, lines, octets = m.retr(2)
                print(response, octets)
                for line in lines:
                    print(line.decode())
                print(m.quit())
                """, user);
        List<String> message = delivered.lines(user, second);
        int header = message.indexOf("");
        List<String> expected = new ArrayList<>(List.of(
                "(2, " + (size1 + size2) + ")",
                "b'+OK 2 messages (" + (size1 + size2) + " octets)' [b'1 " + size1 + "', b'2 " + size2 + "']",
                "b'+OK 2 " + size2 + "'",
                "b'+OK unique-id listing follows' [b'1 " + delivered.uniqueId(user, 1) + "', b'2 "
                        + delivered.uniqueId(user, 2) + "']",
                "b'+OK 1 " + delivered.uniqueId(user, 1) + "'",
                "b'+OK top of message follows'"));
        expected.addAll(message.subList(0, header + 2));
        expected.add("b'+OK " + size2 + " octets' " + size2);
        expected.addAll(message);
        expected.add("b'+OK mx.test POP3 server signing off (0 messages deleted)'");
        assertEquals(expected, out);
        assertEquals(List.of("Line one.", ".starts with a dot", "Line three."), message.subList(header + 1,
                message.size()), "stored unstuffed; poplib unstuffs what RETR stuffed");
    }

    @Test
    void deletionsTakeEffectAtQuitAndStayRestorable() throws IOException {
        String user = mailbox("dele");
        delivered.deliver(user, "unwanted", "Spam.\r\n");
        long kept = delivered.deliver(user, "kept", "Ham.\r\n").get("size").asLong();
        List<String> out = python("""
                m = connect()
                print(m.dele(1))
                print(m.stat())
                try:
                    m.retr(1)
                except poplib.error_proto as e:
                    print(e)
                print(m.quit())
                m = connect()
                print(m.stat()[0])
                print(m.uidl()[1])
                """, user);
        assertEquals(List.of(
                "b'+OK message 1 deleted'",
                "(1, " + kept + ")",
                "b'-ERR message 1 already deleted'",
                "b'+OK mx.test POP3 server signing off (1 messages deleted)'",
                "1",
                "[b'1 " + delivered.uniqueId(user, 2) + "']"), out);
        JsonNode deleted = delivered.deleted(user);
        assertEquals(1, deleted.size());
        assertEquals("INBOX unwanted", deleted.get(0).get("folder").asText() + " "
                + deleted.get(0).get("subject").asText());
    }

    @Test
    void rsetUnmarksAndAQuitWithoutMarksDeletesNothing() throws IOException {
        String user = mailbox("rset");
        JsonNode only = delivered.deliver(user, "stays", "Still here.\r\n");
        List<String> out = python("""
                m = connect()
                print(m.dele(1))
                print(m.list()[1])
                print(m.rset())
                print(m.list()[1])
                print(m.quit())
                m = connect()
                print(m.stat())
                """, user);
        long size = only.get("size").asLong();
        assertEquals(List.of(
                "b'+OK message 1 deleted'",
                "[]",
                "b'+OK maildrop has 1 messages (" + size + " octets)'",
                "[b'1 " + size + "']",
                "b'+OK mx.test POP3 server signing off (0 messages deleted)'",
                "(1, " + size + ")"), out);
        assertEquals(0, delivered.deleted(user).size());
    }

    @Test
    void curlRetrievesOverStlsAndImplicitTls() throws IOException {
        String user = mailbox("curl");
        JsonNode message = delivered.deliver(user, "for curl", "Hello curl.\r\n");
        String raw = delivered.raw(user, message);
        assertEquals(raw, curl(user, "--ssl-reqd", "pop3://127.0.0.1:" + node.pop3Port(false) + "/1"));
        assertEquals(raw, curl(user, "pop3s://127.0.0.1:" + node.pop3Port(true) + "/1"));
        assertEquals("1 " + message.get("size").asLong() + "\r\n",
                curl(user, "--ssl-reqd", "pop3://127.0.0.1:" + node.pop3Port(false) + "/"));
    }

    private static List<String> python(String script, String user) {
        return PythonClient.run(PRELUDE + script, node.pop3Port(false), node.pop3Port(true), user);
    }

    private static String mailbox(String name) {
        String address = name + "@example.test";
        node.createMailbox(address);
        return address;
    }

    private static String curl(String user, String... arguments) {
        try {
            List<String> command = new ArrayList<>(List.of("curl", "-s", "-S", "-k", "-u", user + ":secret-password"));
            command.addAll(List.of(arguments));
            Process process = new ProcessBuilder(command).start();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("curl did not finish in 30 s");
            }
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, process.exitValue(), err);
            return out;
        } catch (IOException e) {
            throw new AssertionError("cannot run curl: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
