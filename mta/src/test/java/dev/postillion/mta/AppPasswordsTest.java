package dev.postillion.mta;

import static dev.postillion.mta.AdminCalls.assertError;
import static dev.postillion.mta.AdminCalls.fieldNames;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postillion.mta.smtp.ListenerRole;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * App passwords (SPEC section 1) on a running node: made, listed and revoked through the admin
 * API, and used by independent clients, Python's imaplib, poplib and smtplib, over TLS: they log in
 * over IMAP (LOGIN, AUTHENTICATE PLAIN), POP3 (USER/PASS, AUTH PLAIN) and SMTP AUTH (PLAIN,
 * LOGIN), their last use is listed with its protocol, a revocation ends the sessions they opened
 * and only those, a password change keeps them, a wrong one counts toward the lockout, and a
 * disabled address refuses them as it refuses its password.
 */
class AppPasswordsTest {

    private static final String PASSWORD = "secret-password";
    private static final String FORM = "[a-z2-9]{4}(-[a-z2-9]{4}){4}";
    private static final String PRELUDE = """
            import base64, imaplib, poplib, smtplib, ssl, sys, urllib.request
            host = '127.0.0.1'
            imap_port, pop3_port, smtp_port, admin_port = (int(p) for p in sys.argv[1:5])
            user, app = sys.argv[5], sys.argv[6]
            context = ssl._create_unverified_context()
            def imap(password):
                m = imaplib.IMAP4_SSL(host, imap_port, ssl_context=context, timeout=20)
                m.login(user, password)
                return m
            def pop3(password):
                p = poplib.POP3_SSL(host, pop3_port, context=context, timeout=20)
                p.user(user)
                p.pass_(password)
                return p
            def smtp(password, source='127.0.0.1'):
                s = smtplib.SMTP_SSL(host, smtp_port, context=context, timeout=20, source_address=(source, 0))
                s.ehlo('client.test')
                s.user, s.password = user, password
                return s
            def admin(method, path, body=None):
                request = urllib.request.Request('http://127.0.0.1:%d%s' % (admin_port, path), method=method,
                        data=body, headers={'Authorization': 'Bearer test-token', 'Content-Type': 'application/json'})
                return urllib.request.urlopen(request).status
            """;

    @TempDir static Path dataDir;
    static TestNode node;

    @BeforeAll
    static void start() {
        // Failures are answered at once, and three in a row lock a client network out.
        node = TestNode.start(dataDir, Map.of(
                "postillion.smtp.auth.failure-delay", "1ms",
                "postillion.smtp.auth.max-failure-delay", "4ms",
                "postillion.smtp.auth.lockout-after", 3), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void theAdminApiMakesListsAndRevokesThemShowingThePasswordOnce() {
        String user = mailbox("admin");
        String path = "/api/v1/addresses/" + user + "/app-passwords";
        Instant before = Instant.now();
        HttpResponse<String> created = node.post(path, "{\"name\":\"Anna's phone\"}");
        assertEquals(201, created.statusCode(), created.body());
        JsonNode phone = AdminCalls.object(created.body());
        assertEquals(List.of("name", "password", "createdAt"), fieldNames(phone));
        assertEquals("Anna's phone", phone.get("name").asText());
        assertTrue(phone.get("password").asText().matches(FORM), phone.get("password").asText());
        Instant createdAt = Instant.parse(phone.get("createdAt").asText());
        assertFalse(createdAt.isBefore(before.minusMillis(1)));

        assertEquals("[{\"name\":\"Anna's phone\",\"createdAt\":\"" + createdAt + "\",\"lastUse\":null}]",
                node.get(path).body(), "never the password");
        assertError(409, user + " has an app password named 'anna's phone' already",
                node.post(path, "{\"name\":\"anna's phone\"}"));
        assertError(400, "name of an app password may not be empty", node.post(path, "{\"name\":\"\"}"));
        assertError(400, "name of an app password must be at most 64 characters long",
                node.post(path, "{\"name\":\"" + "x".repeat(65) + "\"}"));
        assertError(400, "name of an app password may not contain U+0007: only printable characters",
                node.post(path, "{\"name\":\"bell\\u0007\"}"));
        assertError(400, "field 'name' is required", node.post(path, "{}"));
        assertError(404, "no address nobody@example.test",
                node.post("/api/v1/addresses/nobody@example.test/app-passwords", "{\"name\":\"phone\"}"));
        assertError(404, user + " has no app password named 'tablet'", node.delete(path + "/tablet"));

        assertEquals(204, node.delete(path + "/ANNA'S%20PHONE").statusCode(), "names compare case-insensitively");
        assertEquals("[]", node.get(path).body());
    }

    @Test
    void theyLogInOverImapPop3AndSmtpAndTheirLastUseIsListed() {
        String user = mailbox("reader");
        String imap = appPassword(user, "imap-client");
        String pop3 = appPassword(user, "pop3-client");
        String smtp = appPassword(user, "smtp-client");
        Instant before = Instant.now();
        List<String> out = python("""
                m = imap(app)
                print(m.state)
                m.logout()
                m = imaplib.IMAP4_SSL(host, imap_port, ssl_context=context, timeout=20)
                plain = ('\\0%s\\0%s' % (user, app.upper().replace('-', ' '))).encode()
                print(m.authenticate('PLAIN', lambda challenge: plain)[0])
                m.logout()
                p = pop3(sys.argv[7])
                print(p.stat())
                p.quit()
                p = poplib.POP3_SSL(host, pop3_port, context=context, timeout=20)
                print(p._shortcmd('AUTH PLAIN ' + base64.b64encode(('\\0%s\\0%s' % (user, sys.argv[7])).encode())
                        .decode()))
                p.quit()
                s = smtp(sys.argv[8])
                print(s.auth('PLAIN', s.auth_plain))
                s.quit()
                s = smtp(sys.argv[8])
                print(s.auth('LOGIN', s.auth_login))
                s.quit()
                """, user, imap, pop3, smtp);
        assertEquals(List.of(
                "AUTH",
                "OK",
                "(0, 0)",
                "b'+OK maildrop has 0 messages (0 octets)'",
                "(235, b'2.7.0 Authentication successful')",
                "(235, b'2.7.0 Authentication successful')"), out);

        JsonNode listed = await("the last uses written").atMost(Duration.ofSeconds(10)).until(
                () -> AdminCalls.object(node.get("/api/v1/addresses/" + user + "/app-passwords").body()),
                list -> list.size() == 3 && list.findValues("lastUse").stream().noneMatch(JsonNode::isNull));
        for (int i = 0; i < 3; i++) {
            String protocol = List.of("imap", "pop3", "smtp").get(i);
            assertEquals(protocol + "-client", listed.get(i).get("name").asText());
            assertEquals(List.of("at", "protocol"), fieldNames(listed.get(i).get("lastUse")));
            assertEquals(protocol, listed.get(i).get("lastUse").get("protocol").asText());
            Instant at = Instant.parse(listed.get(i).get("lastUse").get("at").asText());
            assertFalse(at.isBefore(before.minusMillis(1)) || at.isAfter(Instant.now()), at::toString);
        }
    }

    /**
     * The sessions of a revoked app password end on every protocol (IMAP hears why), the
     * address's other sessions stay; a password change ends the password's sessions only.
     */
    @Test
    void aRevocationEndsItsSessionsAndAPasswordChangeKeepsThem() {
        String user = mailbox("revoked");
        String app = appPassword(user, "phone");
        List<String> out = python("""
                with_app, with_password = imap(app), imap('secret-password')
                p = pop3(app)
                s = smtp(app)
                s.auth('PLAIN', s.auth_plain)
                print(admin('PUT', '/api/v1/addresses/%s/password' % user, b'{"password":"Changed-Secret-9"}'))
                print(with_password.readline())
                print(with_password.readline())
                print(with_app.noop()[0])
                print(admin('DELETE', '/api/v1/addresses/%s/app-passwords/phone' % user))
                print(with_app.readline())
                print(with_app.readline())
                print(p.file.readline())
                print(s.getreply())
                try:
                    imap(app)
                except imaplib.IMAP4.error as e:
                    print(e)
                print(imap('Changed-Secret-9').state)
                """, user, app);
        assertEquals(List.of(
                "204",
                "b'* BYE the password was changed, log in again\\r\\n'",
                "b''",
                "OK",
                "204",
                "b'* BYE the app password was revoked, log in again\\r\\n'",
                "b''",
                "b''",
                "(421, b'4.7.0 mx.test Error: the app password was revoked, log in again')",
                "b'[AUTHENTICATIONFAILED] Authentication failed.'",
                "AUTH"), out);
    }

    /** Wrong app passwords are wrong passwords: they count toward the client network's lockout. */
    @Test
    void wrongAppPasswordsCountTowardTheLockout() {
        String user = mailbox("guessed");
        String app = appPassword(user, "phone");
        // The right id, so that the app password's hash is the one checked, with a wrong secret.
        String wrong = app.substring(0, 5) + (app.charAt(5) == 'a' ? 'b' : 'a') + app.substring(6);
        List<String> out = python("""
                for password in (sys.argv[7], sys.argv[7], sys.argv[7], app):
                    s = smtp(password, '127.0.0.9')
                    try:
                        print(s.auth('PLAIN', s.auth_plain))
                    except smtplib.SMTPAuthenticationError as e:
                        print(e.smtp_code, e.smtp_error)
                """, user, app, wrong);
        assertEquals(List.of(
                "535 b'5.7.8 Error: authentication failed'",
                "535 b'5.7.8 Error: authentication failed'",
                "421 b'4.7.0 mx.test Error: too many failed authentication attempts, try again later'",
                "421 b'4.7.0 mx.test Error: too many failed authentication attempts, try again later'"), out);
    }

    /** A disabled address, or a domain in maintenance, refuses an app password as it refuses its password. */
    @Test
    void aDisabledAddressOrADomainInMaintenanceRefusesThem() {
        String user = mailbox("disabled");
        String app = appPassword(user, "phone");
        assertEquals(200, node.patch("/api/v1/addresses/" + user, "{\"disabled\":true}").statusCode());
        String maintained = "kept@maintained.test";
        node.createMailbox(maintained);
        String kept = appPassword(maintained, "phone");
        assertEquals(200, node.patch("/api/v1/domains/maintained.test", "{\"maintenance\":true}").statusCode());
        List<String> out = python("""
                try:
                    imap(app)
                except imaplib.IMAP4.error as e:
                    print(e)
                s = smtp(app)
                try:
                    s.auth('PLAIN', s.auth_plain)
                except smtplib.SMTPAuthenticationError as e:
                    print(e.smtp_code, e.smtp_error)
                user = sys.argv[7]
                try:
                    pop3(sys.argv[8])
                except poplib.error_proto as e:
                    print(e)
                """, user, app, maintained, kept);
        assertEquals(List.of(
                "b'[AUTHORIZATIONFAILED] the address is disabled'",
                "535 b'5.7.8 Error: authentication failed: the address is disabled'",
                "b'-ERR [SYS/TEMP] maintained.test is in maintenance: its mailboxes cannot be read until it ends'"),
                out);
    }

    private static List<String> python(String script, String user, String app, String... more) {
        Object[] arguments = new Object[6 + more.length];
        arguments[0] = node.imapPort(true);
        arguments[1] = node.pop3Port(true);
        arguments[2] = node.smtpPort(ListenerRole.SUBMISSIONS);
        arguments[3] = node.node().adminPort();
        arguments[4] = user;
        arguments[5] = app;
        System.arraycopy(more, 0, arguments, 6, more.length);
        return PythonClient.run(PRELUDE + script, arguments);
    }

    private static String mailbox(String localPart) {
        String address = localPart + "@example.test";
        node.createMailbox(address);
        return address;
    }

    /** A new app password of {@code address}: the password the creation shows. */
    private static String appPassword(String address, String name) {
        HttpResponse<String> created = node.post("/api/v1/addresses/" + address + "/app-passwords",
                "{\"name\":\"" + name + "\"}");
        assertEquals(201, created.statusCode(), created.body());
        return AdminCalls.object(created.body()).get("password").asText();
    }
}
