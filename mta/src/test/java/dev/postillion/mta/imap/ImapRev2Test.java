package dev.postillion.mta.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.mta.TestNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IMAP4rev2 (RFC 9051) and the extensions it folds in, at the byte level: ENABLE IMAP4rev2 and
 * what it changes (SELECT's responses, ESEARCH answers, UTF-8 folder names, no RECENT), ESEARCH
 * (RFC 4731), SEARCHRES (RFC 5182), LIST-EXTENDED (RFC 5258), LIST-STATUS (RFC 5819), STATUS SIZE
 * and DELETED (RFC 8438, RFC 9051), BINARY (RFC 3516). An IMAP4rev1 session is answered as before.
 */
class ImapRev2Test {

    private static final String FLAGS = "\\Answered \\Flagged \\Deleted \\Seen \\Draft";

    @TempDir static Path dataDir;
    static TestNode node;

    @BeforeAll
    static void start() {
        node = TestNode.start(dataDir, Map.of(), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void enableImap4rev2ChangesWhatSelectSays() throws IOException {
        try (ImapWire imap = loggedIn("select")) {
            assertTrue(imap.command("c", "CAPABILITY").get(0).startsWith("* CAPABILITY IMAP4rev1 IMAP4rev2 LITERAL+ "));
            assertEquals(List.of("* 0 EXISTS", "* 0 RECENT", "* FLAGS (" + FLAGS + ")",
                    "* OK [PERMANENTFLAGS (" + FLAGS + " \\*)] flags kept", "* OK [UIDVALIDITY n] UIDs valid",
                    "* OK [UIDNEXT 1] next uid", "* OK [HIGHESTMODSEQ n] modseq", "a OK [READ-WRITE] SELECT completed"),
                    masked(imap.command("a", "SELECT INBOX")), "IMAP4rev1 until enabled");
            assertEquals(List.of("* ENABLED IMAP4rev2", "b OK ENABLE completed"), imap.command("b", "ENABLE IMAP4rev2"));
            assertEquals(List.of("* ENABLED", "b OK ENABLE completed"), imap.command("b", "ENABLE IMAP4rev2"));
            assertEquals(List.of("* OK [CLOSED] the folder selected before is closed", "* 0 EXISTS",
                    "* FLAGS (" + FLAGS + ")", "* OK [PERMANENTFLAGS (" + FLAGS + " \\*)] flags kept",
                    "* OK [UIDVALIDITY n] UIDs valid", "* OK [UIDNEXT 1] next uid", "* OK [HIGHESTMODSEQ n] modseq",
                    "* LIST (\\Sent \\HasNoChildren \\Subscribed) \"/\" \"Sent\"", "d OK [READ-ONLY] EXAMINE completed"),
                    masked(imap.command("d", "EXAMINE Sent")), "RFC 9051 section 6.3.2: no RECENT, a LIST response");
            assertEquals(List.of("e BAD RECENT is no STATUS item of IMAP4rev2"),
                    imap.command("e", "STATUS INBOX (MESSAGES RECENT)"));
        }
    }

    @Test
    void folderNamesAreUtf8ForAnImap4rev2Client() throws IOException {
        try (ImapWire imap = loggedIn("names")) {
            imap.command("a", "CREATE \"Entw&APw-rfe\"");
            imap.command("b", "ENABLE IMAP4rev2");
            assertEquals(List.of("* LIST (\\HasNoChildren \\Subscribed) \"/\" \"Entwürfe\"", "c OK LIST completed"),
                    imap.command("c", "LIST \"\" \"Entw*\""));
            assertEquals(List.of("d OK CREATE completed"), imap.command("d", "CREATE \"Größe&\""));
            assertEquals(List.of("* STATUS \"Größe&\" (MESSAGES 0)", "e OK STATUS completed"),
                    imap.command("e", "STATUS \"Größe&\" (MESSAGES)"), "'&' is itself, not modified UTF-7");
        }
    }

    @Test
    void esearchAnswersWithMinMaxCountAndAll() throws IOException {
        try (ImapWire imap = withSixMessages("esearch")) {
            assertEquals(List.of("* ESEARCH (TAG \"c\") MIN 1", "c OK SEARCH completed"),
                    imap.command("c", "SEARCH RETURN (MIN) FLAGGED"));
            assertEquals(List.of("* ESEARCH (TAG \"g\") MIN 1 MAX 5 COUNT 4", "g OK SEARCH completed"),
                    imap.command("g", "SEARCH RETURN (MIN MAX COUNT) FLAGGED"));
            assertEquals(List.of("* ESEARCH (TAG \"j\") ALL 1:2,4:5", "j OK SEARCH completed"),
                    imap.command("j", "SEARCH RETURN (ALL) CHARSET UTF-8 FLAGGED"));
            assertEquals(List.of("* ESEARCH (TAG \"k\") UID ALL 1:2,4:5", "k OK SEARCH completed"),
                    imap.command("k", "UID SEARCH RETURN () FLAGGED"), "an empty list means ALL");
            assertEquals(List.of("* ESEARCH (TAG \"s\") UID", "s OK SEARCH completed"),
                    imap.command("s", "UID SEARCH RETURN (MIN MAX) ANSWERED"), "nothing found: nothing said");
            assertEquals(List.of("* ESEARCH (TAG \"t\") COUNT 0", "t OK SEARCH completed"),
                    imap.command("t", "SEARCH RETURN (COUNT) ANSWERED"));
            assertEquals(List.of("* SEARCH 1 2 4 5", "u OK SEARCH completed"), imap.command("u", "SEARCH FLAGGED"),
                    "IMAP4rev1's SEARCH without RETURN");
            String all = imap.command("m", "SEARCH RETURN (COUNT) MODSEQ 1").get(0);
            String first = imap.command("n", "SEARCH RETURN (MIN) MODSEQ 1").get(0);
            assertTrue(all.matches("\\* ESEARCH \\(TAG \"m\"\\) COUNT 6 MODSEQ \\d+"), all);
            assertTrue(first.matches("\\* ESEARCH \\(TAG \"n\"\\) MIN 1 MODSEQ \\d+"), first);
            assertTrue(modSeq(first) < modSeq(all), "with MIN alone, the modseq of the first message (RFC 7162 3.1.5)");
            assertEquals(List.of("x BAD no such SEARCH RETURN option: FOO"), imap.command("x", "SEARCH RETURN (FOO) ALL"));
            imap.command("e", "ENABLE IMAP4rev2");
            assertEquals(List.of("* ESEARCH (TAG \"v\") ALL 1:2,4:5", "v OK SEARCH completed"),
                    imap.command("v", "SEARCH FLAGGED"), "RFC 9051 section 6.4.4: ESEARCH, ALL assumed");
            assertEquals(List.of("* ESEARCH (TAG \"w\") UID ALL 3,6", "w OK SEARCH completed"),
                    imap.command("w", "UID SEARCH UNFLAGGED"));
        }
    }

    @Test
    void searchresSavesAResultThatDollarNames() throws IOException {
        try (ImapWire imap = withSixMessages("searchres")) {
            assertEquals(List.of("p OK SEARCH completed"), imap.command("p", "SEARCH RETURN (SAVE) FLAGGED"),
                    "SAVE alone answers nothing (RFC 5182 section 2.4)");
            assertEquals(List.of("* 1 FETCH (UID 1)", "* 2 FETCH (UID 2)", "* 4 FETCH (UID 4)", "* 5 FETCH (UID 5)",
                    "q OK FETCH completed"), imap.command("q", "FETCH $ (UID)"));
            assertEquals(List.of("* ESEARCH (TAG \"r\") MIN 1 MAX 5", "r OK SEARCH completed"),
                    imap.command("r", "SEARCH RETURN (MIN MAX SAVE) FLAGGED"));
            assertEquals(List.of("* SEARCH 1 5", "s OK SEARCH completed"), imap.command("s", "SEARCH $"),
                    "with MIN and MAX alone, SAVE keeps those two");
            assertEquals(List.of("* SEARCH 5", "t OK SEARCH completed"), imap.command("t", "UID SEARCH $ UID 2:*"));
            imap.command("u", "STORE 1 +FLAGS.SILENT (\\Deleted)");
            assertEquals(List.of("* 1 EXPUNGE", "v OK EXPUNGE completed"), imap.command("v", "EXPUNGE"));
            assertEquals(List.of("* 4 FETCH (UID 5)", "w OK FETCH completed"), imap.command("w", "FETCH $ (UID)"),
                    "an expunged message leaves the saved result");
            assertEquals(List.of("x BAD not a sequence set: '$'"), imap.command("x", "FETCH 1,$ (UID)"));
            assertEquals(List.of("y BAD no such SEARCH key: BOGUS"), imap.command("y", "SEARCH RETURN (SAVE) BOGUS"));
            assertEquals(List.of("z OK FETCH completed"), imap.command("z", "FETCH $ (UID)"),
                    "a SEARCH with SAVE that fails saves nothing (RFC 5182 section 2.1)");
        }
    }

    @Test
    void listExtendedSelectsAndReturnsStatus() throws IOException {
        try (ImapWire imap = loggedIn("list")) {
            imap.command("a", "CREATE Projects/2026");
            imap.command("b", "CREATE Notes");
            imap.command("c", "UNSUBSCRIBE Notes");
            assertEquals(List.of("* LIST (\\NonExistent \\Noselect \\HasChildren) \"/\" \"Projects\" (\"CHILDINFO\""
                    + " (\"SUBSCRIBED\"))", "d OK LIST completed"),
                    imap.command("d", "LIST (SUBSCRIBED RECURSIVEMATCH) \"\" \"P%\""), "RFC 5258 section 3.5");
            assertEquals(List.of("e OK LIST completed"), imap.command("e", "LIST (SUBSCRIBED) \"\" \"N*\""));
            assertEquals(List.of("* LSUB (\\Noselect) \"/\" \"Projects\"", "l OK LSUB completed"),
                    imap.command("l", "LSUB \"\" \"P%\""), "RFC 3501 section 6.3.9: the parent of a subscribed child");
            assertEquals(List.of("* LSUB (\\HasNoChildren) \"/\" \"Projects/2026\"", "m OK LSUB completed"),
                    imap.command("m", "LSUB \"\" \"P*\""), "the child itself when the pattern reaches it");
            assertEquals(List.of("* LIST (\\Junk \\HasNoChildren \\Subscribed) \"/\" \"Junk\"",
                    "* LIST (\\HasNoChildren) \"/\" \"Notes\"", "f OK LIST completed"),
                    imap.command("f", "LIST \"\" (\"N*\" \"J*\")"), "several patterns");
            assertEquals(List.of("* LIST (\\Archive \\HasNoChildren \\Subscribed) \"/\" \"Archive\"",
                    "* LIST (\\Drafts \\HasNoChildren \\Subscribed) \"/\" \"Drafts\"",
                    "* LIST (\\Junk \\HasNoChildren \\Subscribed) \"/\" \"Junk\"",
                    "* LIST (\\Sent \\HasNoChildren \\Subscribed) \"/\" \"Sent\"",
                    "* LIST (\\Trash \\HasNoChildren \\Subscribed) \"/\" \"Trash\"", "g OK LIST completed"),
                    imap.command("g", "LIST (SPECIAL-USE) \"\" \"*\" RETURN (SPECIAL-USE)"));
            String message = "Subject: a\r\n\r\nText\r\n";
            append(imap, "Notes", "(\\Deleted)", message);
            append(imap, "Notes", "(\\Seen)", message);
            assertEquals(List.of("* LIST (\\HasNoChildren) \"/\" \"Notes\"",
                    "* STATUS \"Notes\" (MESSAGES 2 UNSEEN 1 DELETED 1 SIZE " + 2 * message.length() + ")",
                    "* LIST (\\NonExistent \\Noselect \\HasChildren) \"/\" \"Projects\"", "h OK LIST completed"),
                    imap.command("h", "LIST \"\" (Notes Projects) RETURN (CHILDREN STATUS (MESSAGES UNSEEN DELETED SIZE))"),
                    "LIST-STATUS (RFC 5819): no STATUS for a folder that does not exist");
            assertEquals(List.of("* STATUS \"Notes\" (SIZE " + 2 * message.length() + " DELETED 1)", "i OK STATUS completed"),
                    imap.command("i", "STATUS Notes (SIZE DELETED)"));
            imap.command("j", "SELECT Notes");
            imap.command("k", "EXPUNGE");
            assertEquals(List.of("* STATUS \"Notes\" (MESSAGES 1 SIZE " + message.length() + " DELETED 0)",
                    "l OK STATUS completed"), imap.command("l", "STATUS Notes (MESSAGES SIZE DELETED)"));
            assertEquals(List.of("x BAD RECURSIVEMATCH needs another selection option, such as SUBSCRIBED"),
                    imap.command("x", "LIST (RECURSIVEMATCH) \"\" \"*\""));
            assertEquals(List.of("y BAD no such LIST return option: COLOUR"),
                    imap.command("y", "LIST \"\" \"*\" RETURN (COLOUR)"));
        }
    }

    @Test
    void binaryFetchesDecodedParts() throws IOException {
        String message = """
                MIME-Version: 1.0\r
                Subject: binary\r
                Content-Type: multipart/mixed; boundary="b"\r
                \r
                --b\r
                Content-Type: application/octet-stream\r
                Content-Transfer-Encoding: base64\r
                \r
                AGhpAA==\r
                --b\r
                Content-Type: text/plain; charset=utf-8\r
                Content-Transfer-Encoding: quoted-printable\r
                \r
                Gr=C3=BC=C3=9Fe, soft=\r
                break\r
                --b\r
                Content-Type: text/plain\r
                Content-Transfer-Encoding: x-uuencode\r
                \r
                begin\r
                --b--\r
                """;
        try (ImapWire imap = loggedIn("binary")) {
            append(imap, "INBOX", "()", message);
            imap.command("s", "SELECT INBOX");
            assertEquals(List.of("* 1 FETCH (BINARY.SIZE[1] 4 BINARY.SIZE[2] 18 BINARY[2]<0> {2}", "Gr)",
                    "a OK FETCH completed"), imap.command("a", "FETCH 1 (BINARY.SIZE[1] BINARY.SIZE[2] BINARY.PEEK[2]<0.2>)"));
            assertEquals(List.of("* 1 FETCH (BINARY[2] {18}", "Grüße, softbreak)", "b OK FETCH completed"),
                    imap.command("b", "FETCH 1 BINARY.PEEK[2]"));
            assertEquals(List.of("* 1 FETCH (BINARY[1] ~{4}", "\0hi\0 FLAGS (\\Seen))", "c OK FETCH completed"),
                    imap.command("c", "FETCH 1 BINARY[1]"), "a literal8 for a NUL; BINARY sets \\Seen");
            assertEquals(List.of("d NO [UNKNOWN-CTE] a part's Content-Transfer-Encoding is none this server can decode"),
                    imap.command("d", "FETCH 1 BINARY.PEEK[3]"), "RFC 3516 section 4.3");
            assertEquals(List.of("* 1 FETCH (BINARY[4] NIL)", "e OK FETCH completed"),
                    imap.command("e", "FETCH 1 BINARY.PEEK[4]"));
            assertEquals(List.of("f BAD not a section-part of BINARY.PEEK: [1.MIME]"),
                    imap.command("f", "FETCH 1 BINARY.PEEK[1.MIME]"));
            imap.send("g APPEND Drafts ~{19+}\r\nSubject: 0\r\n\r\na\0b\r\n\r\n");
            assertTrue(imap.line().matches("g OK \\[APPENDUID \\d+ 1] APPEND completed"), "APPEND takes a literal8");
            imap.command("h", "EXAMINE Drafts");
            assertEquals(List.of("* 1 FETCH (BINARY[1] ~{5}", "a\0b", ")", "i OK FETCH completed"),
                    imap.command("i", "FETCH 1 BINARY.PEEK[1]"));
            assertEquals(List.of("* 1 FETCH (BODY[TEXT] {5}", "a\uFFFDb", ")", "j OK FETCH completed"),
                    imap.command("j", "FETCH 1 BODY.PEEK[TEXT]"), "no NUL in a literal: 0x80 (not UTF-8) instead");
        }
    }

    private static long modSeq(String esearch) {
        return Long.parseLong(esearch.substring(esearch.lastIndexOf(' ') + 1));
    }

    /** The numbers that differ from run to run (UIDVALIDITY, HIGHESTMODSEQ) as "n". */
    private static List<String> masked(List<String> lines) {
        return lines.stream().map(line -> line.replaceAll("(UIDVALIDITY|HIGHESTMODSEQ) \\d+", "$1 n")).toList();
    }

    /** Six messages in the folder Search, selected: 1, 2, 4 and 5 flagged. */
    private static ImapWire withSixMessages(String user) throws IOException {
        ImapWire imap = loggedIn(user);
        imap.command("a", "CREATE Search");
        for (int i = 1; i <= 6; i++) {
            append(imap, "Search", i == 3 || i == 6 ? "()" : "(\\Flagged)", "Subject: " + i + "\r\n\r\nText\r\n");
        }
        imap.command("b", "SELECT Search");
        return imap;
    }

    private static void append(ImapWire imap, String folder, String flags, String message) throws IOException {
        int length = message.getBytes(StandardCharsets.UTF_8).length;
        List<String> answer = imap.command("p", "APPEND " + folder + " " + flags + " {" + length + "+}\r\n" + message);
        assertTrue(answer.get(answer.size() - 1).startsWith("p OK "), answer.toString());
    }

    private static ImapWire loggedIn(String user) throws IOException {
        String address = user + "@example.test";
        node.createMailbox(address);
        ImapWire imap = new ImapWire(node.imapPort(false));
        imap.line();
        assertTrue(imap.command("l", "LOGIN " + address + " secret-password").get(0).startsWith("l OK"));
        return imap;
    }
}
