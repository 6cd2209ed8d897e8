package dev.postillion.mta.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postillion.mta.Delivered;
import dev.postillion.mta.MailboxReader;
import dev.postillion.mta.PythonClient;
import dev.postillion.mta.TestNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Python's imaplib, an independent IMAP client, against the node's IMAP listeners: STARTTLS and
 * implicit TLS, login, folders, fetches, flags seen from a second session, IDLE woken by a
 * delivery, moves, expunges and appends. Plain-text logins are refused here (no trusted network),
 * as they are for every client but local ones by default.
 */
class ImapClientsTest {

    private static final String PRELUDE = """
            import imaplib, ssl, sys, smtplib
            host = '127.0.0.1'
            port, tls_port, mx = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
            user = sys.argv[4]
            context = ssl._create_unverified_context()
            def connect():
                m = imaplib.IMAP4(host, port)
                m.starttls(context)
                m.login(user, 'secret-password')
                return m
            """;

    @TempDir static Path dataDir;
    static TestNode node;
    static MailboxReader mailboxes;

    @BeforeAll
    static void start() {
        node = TestNode.start(dataDir, Map.of("postillion.imap.plaintext-login-networks", List.of()),
                Clock.systemUTC());
        mailboxes = new MailboxReader(node);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void passwordsNeedTlsAndTheCapabilitiesSaySo() {
        String user = mailbox("tls");
        List<String> out = python("""
                m = imaplib.IMAP4(host, port)
                print(' '.join(m.capabilities))
                try:
                    m.login(user, 'secret-password')
                except imaplib.IMAP4.error as e:
                    print(e)
                m.starttls(context)
                print(' '.join(m.capabilities))
                print(m.login(user, 'secret-password')[0])
                s = imaplib.IMAP4_SSL(host, tls_port, ssl_context=context)
                print(s.login(user, 'secret-password')[0])
                try:
                    s.login(user, 'secret-password')
                except imaplib.IMAP4.error as e:
                    print('again:', e)
                t = imaplib.IMAP4_SSL(host, tls_port, ssl_context=context)
                try:
                    t.login(user, 'wrong password')
                except imaplib.IMAP4.error as e:
                    print(e)
                """, user);
        assertEquals(List.of(
                "IMAP4REV1 IMAP4REV2 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE UNSELECT UIDPLUS MOVE SPECIAL-USE"
                        + " CHILDREN CONDSTORE ESEARCH SEARCHRES LIST-EXTENDED LIST-STATUS STATUS=SIZE BINARY STARTTLS"
                        + " LOGINDISABLED",
                "b'[PRIVACYREQUIRED] log in after STARTTLS, or on the TLS port'",
                "IMAP4REV1 IMAP4REV2 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE UNSELECT UIDPLUS MOVE SPECIAL-USE"
                        + " CHILDREN CONDSTORE ESEARCH SEARCHRES LIST-EXTENDED LIST-STATUS STATUS=SIZE BINARY AUTH=PLAIN",
                "OK",
                "OK",
                "again: command LOGIN illegal in state AUTH, only allowed in states NONAUTH",
                "b'[AUTHENTICATIONFAILED] Authentication failed.'"), out);
    }

    @Test
    void foldersAreListedWithTheirSpecialUsesAndGhostParents() {
        String user = mailbox("folders");
        List<String> out = python("""
                m = connect()
                print(m.create('Projects/2026'))
                for line in m.list()[1]:
                    print(line.decode())
                print(m.lsub('""', 'Proj*'))
                print(m.status('Sent', '(MESSAGES UNSEEN UIDNEXT)'))
                print(m.select('Projects'))
                print(m.rename('Projects', 'Work'))
                print(m.list('""', 'Work/*'))
                print(m.delete('Work/2026'))
                print(m.list('""', 'Work*'))
                print(m.create('Entwürfe'.encode('utf-7').replace(b'+', b'&').decode()))
                print(m.list('""', 'Entw*'))
                """, user);
        assertEquals(List.of(
                "('OK', [b'CREATE completed'])",
                "(\\Archive \\HasNoChildren \\Subscribed) \"/\" \"Archive\"",
                "(\\Drafts \\HasNoChildren \\Subscribed) \"/\" \"Drafts\"",
                "(\\HasNoChildren \\Subscribed) \"/\" \"INBOX\"",
                "(\\Junk \\HasNoChildren \\Subscribed) \"/\" \"Junk\"",
                "(\\NonExistent \\Noselect \\HasChildren) \"/\" \"Projects\"",
                "(\\HasNoChildren \\Subscribed) \"/\" \"Projects/2026\"",
                "(\\Sent \\HasNoChildren \\Subscribed) \"/\" \"Sent\"",
                "(\\Trash \\HasNoChildren \\Subscribed) \"/\" \"Trash\"",
                "('OK', [b'(\\\\HasNoChildren) \"/\" \"Projects/2026\"'])",
                "('OK', [b'\"Sent\" (MESSAGES 0 UNSEEN 0 UIDNEXT 1)'])",
                "('NO', [b'[NONEXISTENT] no folder Projects'])",
                "('OK', [b'RENAME completed'])",
                "('OK', [b'(\\\\HasNoChildren \\\\Subscribed) \"/\" \"Work/2026\"'])",
                "('OK', [b'DELETE completed'])",
                "('OK', [None])",
                "('OK', [b'CREATE completed'])",
                "('OK', [b'(\\\\HasNoChildren \\\\Subscribed) \"/\" \"Entw&APw-rfe\"'])"), out);
        assertTrue(node.get("/api/v1/mailboxes/" + user + "/folders").body().contains("\"name\":\"Entwürfe\""),
                "stored in Unicode, spelt in modified UTF-7 on the wire");
    }

    @Test
    void deliveredMailIsFetchedAndFetchingItsTextMarksItSeen() throws IOException {
        String user = mailbox("fetch");
        deliver(user, "first");
        deliver(user, "second");
        List<JsonNode> listed = mailboxes.awaitSubject(user, "second", 1);
        long size = listed.get(0).get("size").asLong();
        List<String> out = python("""
                m = connect()
                print(m.select('INBOX'))
                print(m.fetch('1:*', '(UID FLAGS)'))
                print(m.fetch('2', '(RFC822.SIZE BODY.PEEK[TEXT])'))
                print(m.fetch('1', '(BODY[TEXT]<0.3>)'))
                print(m.fetch('1:2', '(FLAGS)'))
                print(m.uid('FETCH', '2', '(FLAGS)'))
                print(m.status('INBOX', '(MESSAGES UNSEEN)'))
                print(m.fetch('1', '(BODY.PEEK[HEADER.FIELDS (SUBJECT)] BODYSTRUCTURE)'))
                """, user);
        assertEquals(List.of(
                "('OK', [b'2'])",
                "('OK', [b'1 (UID 1 FLAGS ())', b'2 (UID 2 FLAGS ())'])",
                "('OK', [(b'2 (RFC822.SIZE " + size + " BODY[TEXT] {8}', b'Hello.\\r\\n'), b')'])",
                "('OK', [(b'1 (BODY[TEXT]<0> {3}', b'Hel'), b' FLAGS (\\\\Seen))'])",
                "('OK', [b'1 (FLAGS (\\\\Seen))', b'2 (FLAGS ())'])",
                "('OK', [b'2 (UID 2 FLAGS ())'])",
                "('OK', [b'\"INBOX\" (MESSAGES 2 UNSEEN 1)'])",
                "('OK', [(b'1 (BODY[HEADER.FIELDS (SUBJECT)] {18}', b'Subject: first\\r\\n\\r\\n'), b' BODYSTRUCTURE"
                        + " (\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 8 1 NIL NIL NIL NIL))'])"),
                out);
    }

    @Test
    void flagsSetInOneSessionReachAnotherAtItsNextCommand() throws IOException {
        String user = mailbox("flags");
        deliver(user, "shared");
        mailboxes.awaitSubject(user, "shared", 1);
        List<String> out = python("""
                a = connect()
                a.select('INBOX')
                b = connect()
                b.select('INBOX')
                print(b.store('1', '+FLAGS', '(\\\\Flagged $Label1)'))
                print(a.noop())
                print(a.response('FETCH'))
                print(a.response('FLAGS'))
                """, user);
        assertEquals(List.of(
                "('OK', [b'1 (FLAGS (\\\\Flagged $Label1))'])",
                "('OK', [b'NOOP completed'])",
                "('FETCH', [b'1 (UID 1 FLAGS (\\\\Flagged $Label1))'])",
                "('FLAGS', [b'(\\\\Answered \\\\Flagged \\\\Deleted \\\\Seen \\\\Draft)', "
                        + "b'(\\\\Answered \\\\Flagged \\\\Deleted \\\\Seen \\\\Draft $Label1)'])"), out,
                "the FLAGS of SELECT, then the new keyword's");
    }

    @Test
    void idleHearsOfADeliveryAtOnce() {
        String user = mailbox("idle");
        List<String> out = python("""
                m = connect()
                m.select('INBOX')
                tag = m._new_tag()
                m.send(tag + b' IDLE\\r\\n')
                print(m.readline())
                with smtplib.SMTP(host, mx) as smtp:
                    smtp.sendmail('bob@example.org', [user], 'Subject: wake up\\r\\n\\r\\nNow.\\r\\n')
                print(m.readline())
                m.send(b'DONE\\r\\n')
                print(m.readline())
                """, user);
        assertEquals("b'+ idling\\r\\n'", out.get(0));
        assertEquals("b'* 1 EXISTS\\r\\n'", out.get(1), "the delivery, told while idling");
        assertTrue(out.get(2).matches("b'[A-Z]+[0-9]+ OK IDLE terminated\\\\r\\\\n'"), out.get(2));
    }

    @Test
    void movingToTrashAndExpungingKeepTheMessageRestorable() throws IOException {
        String user = mailbox("move");
        deliver(user, "unwanted");
        deliver(user, "kept");
        mailboxes.awaitSubject(user, "kept", 1);
        List<String> out = python("""
                m = connect()
                m.select('INBOX')
                print(m.uid('MOVE', '1', 'Trash'))
                print(m.response('COPYUID'))
                print(m.select('Trash'))
                print(m.store('1', '+FLAGS', '(\\\\Deleted)'))
                print(m.expunge())
                print(m.select('INBOX'))
                print(m.fetch('1', '(UID)'))
                """, user);
        assertEquals(List.of(
                "('OK', [None])",
                "('COPYUID', [b'" + folder(user, "Trash").get("uidValidity").asLong() + " 1 1'])",
                "('OK', [b'1'])",
                "('OK', [b'1 (FLAGS (\\\\Deleted))'])",
                "('OK', [b'1'])",
                "('OK', [b'1'])",
                "('OK', [b'1 (UID 2)'])"), out);
        JsonNode deleted = json(node.get("/api/v1/mailboxes/" + user + "/deleted").body()).get(0);
        assertEquals("Trash unwanted", deleted.get("folder").asText() + " " + deleted.get("subject").asText());
    }

    @Test
    void appendedMailKeepsItsFlagsAndDateAndGetsAnAppendUid() {
        String user = mailbox("append");
        List<String> out = python("""
                m = connect()
                date = imaplib.Time2Internaldate(1767225600)
                print(m.append('Sent', '(\\\\Seen)', date, b'From: ' + user.encode() + b'\\r\\nSubject: sent\\r\\n\\r\\nHi.\\r\\n'))
                m.select('Sent')
                print(m.fetch('1', '(FLAGS INTERNALDATE BODY.PEEK[])'))
                print(m.append('Nowhere', None, None, b'Subject: x\\r\\n\\r\\nx\\r\\n'))
                """, user);
        long validity = folder(user, "Sent").get("uidValidity").asLong();
        assertEquals("('OK', [b'[APPENDUID " + validity + " 1] APPEND completed'])", out.get(0));
        assertEquals("('OK', [(b'1 (FLAGS (\\\\Seen) INTERNALDATE \"01-Jan-2026 00:00:00 +0000\" BODY[] {49}', "
                + "b'From: " + user + "\\r\\nSubject: sent\\r\\n\\r\\nHi.\\r\\n'), b')'])", out.get(1));
        assertEquals("('NO', [b'[TRYCREATE] no folder Nowhere'])", out.get(2));
    }

    /** ENABLE IMAP4rev2 and its extensions through imaplib: ESEARCH, SEARCHRES, LIST-STATUS, STATUS SIZE, BINARY. */
    @Test
    void imaplibSpeaksImap4rev2() {
        String user = mailbox("rev2");
        List<String> out = python("""
                m = connect()
                print(m.enable('IMAP4rev2'), m.response('ENABLED'))
                m.create('Reports')
                m.append('Reports', '(\\\\Flagged)', None, b'Subject: one\\r\\n\\r\\n1\\r\\n')
                m.append('Reports', None, None,
                         b'MIME-Version: 1.0\\r\\nContent-Transfer-Encoding: base64\\r\\n\\r\\naGVsbG8=\\r\\n')
                print(m.select('Reports'), m.response('LIST'))
                print(m._untagged_response(*m._simple_command('SEARCH', 'RETURN (MIN MAX COUNT SAVE) UNFLAGGED'),
                                           'ESEARCH'))
                print(m.fetch('$', '(UID BINARY.PEEK[1] BINARY.SIZE[1])'))
                print(m.search(None, 'ALL'), m.response('ESEARCH'))
                print(m.list('""', 'Reports RETURN (STATUS (MESSAGES SIZE DELETED))'), m.response('STATUS'))
                """, user).stream().map(line -> line.replaceAll("TAG \"\\w+\"", "TAG \"t\"")).toList();
        assertEquals(List.of(
                "('OK', [b'ENABLE completed']) ('ENABLED', [b'IMAP4rev2'])",
                "('OK', [b'2']) ('LIST', [b'(\\\\HasNoChildren \\\\Subscribed) \"/\" \"Reports\"'])",
                "('OK', [b'(TAG \"t\") MIN 2 MAX 2 COUNT 1'])",
                "('OK', [(b'2 (UID 2 BINARY[1] {5}', b'hello'), b' BINARY.SIZE[1] 5)'])",
                "('OK', [None]) ('ESEARCH', [b'(TAG \"t\") ALL 1:2'])",
                "('OK', [b'(\\\\HasNoChildren \\\\Subscribed) \"/\" \"Reports\"']) ('STATUS', [b'\"Reports\""
                        + " (MESSAGES 2 SIZE 85 DELETED 0)'])"), out);
    }

    private static List<String> python(String script, String user) {
        return PythonClient.run(PRELUDE + script, node.imapPort(false), node.imapPort(true), node.smtpPort(), user);
    }

    private static String mailbox(String name) {
        String address = name + "@example.test";
        node.createMailbox(address);
        return address;
    }

    private static JsonNode folder(String user, String name) {
        for (JsonNode folder : json(node.get("/api/v1/mailboxes/" + user + "/folders").body())) {
            if (folder.get("name").asText().equals(name)) {
                return folder;
            }
        }
        throw new AssertionError("no folder " + name);
    }

    private static JsonNode json(String body) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
        } catch (IOException e) {
            throw new AssertionError(body, e);
        }
    }

    private static void deliver(String recipient, String subject) throws IOException {
        new Delivered(node).deliver(recipient, subject, "Hello.\r\n");
    }
}
