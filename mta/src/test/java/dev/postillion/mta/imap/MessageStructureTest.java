package dev.postillion.mta.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ENVELOPE, BODY, BODYSTRUCTURE and BODY[section] of stored messages. The hand-written cases'
 * expected answers are what Dovecot 2.3 answered for the same messages; the last test compares
 * a few hundred generated messages with a running Dovecot byte for byte.
 */
class MessageStructureTest {

    private static final String SIMPLE = "From: a@b.c\r\nSubject: hi\r\n\r\nbody\r\n";

    private static final String RICH_HEADERS = "Date: Mon, 7 Dec 2026 10:00:00 +0000\r\n"
            + "From: \"Ann, Lee\" <ann@example.com>, bob@x.org (Bob B)\r\n"
            + "Sender: Z <z@z.z>\r\n"
            + "To: Friends: c@d.e, \"F G\" <f@g.h>;, solo@x\r\n"
            + "Cc: undisclosed-recipients:;\r\n"
            + "Subject: =?UTF-8?Q?hi?=\r\n  folded\r\n"
            + "Message-ID:  <abc@x>  \r\n"
            + "In-Reply-To: <q@r> <s@t>\r\n"
            + "Content-Type: TEXT/Html; CHARSET=\"UTF-8\"; Foo=bar\r\n"
            + "Content-Transfer-Encoding: QUOTED-PRINTABLE\r\n"
            + "Content-ID: <cid1>\r\n"
            + "Content-Description: desc here\r\n"
            + "Content-Language: en, de\r\n"
            + "Content-Location: http://x/y\r\n"
            + "Content-Disposition: INLINE; Filename=\"a b.txt\"\r\n"
            + "\r\n"
            + "line1\r\nline2";

    /** multipart/mixed: text, an attachment, and a message/rfc822 holding a multipart/alternative. */
    private static final String MIXED = "Subject: caf\u00e9 \"q\" \\ x\r\n"
            + "Content-Type: multipart/mixed; boundary=\"XX\"\r\n"
            + "\r\n"
            + "preamble\r\n"
            + "--XX\r\n"
            + "\r\n"
            + "plain part\r\n"
            + "--XX\r\n"
            + "Content-Type: application/octet-stream; name=x.bin\r\n"
            + "Content-Transfer-Encoding: base64\r\n"
            + "Content-Disposition: attachment\r\n"
            + "\r\n"
            + "AAAA\r\n"
            + "--XX\r\n"
            + "Content-Type: message/rfc822\r\n"
            + "\r\n"
            + "From: in@x.y\r\n"
            + "Subject: inner\r\n"
            + "Content-Type: multipart/alternative; boundary=YY\r\n"
            + "\r\n"
            + "--YY\r\n"
            + "Content-Type: text/plain\r\n"
            + "\r\n"
            + "a\r\n"
            + "--YY\r\n"
            + "Content-Type: text/html\r\n"
            + "\r\n"
            + "<b>\r\n"
            + "--YY--\r\n"
            + "\r\n"
            + "--XX--\r\n"
            + "epilogue\r\n";

    private static final String GROUPS_AND_RFC822 = "Subject:    \r\n"
            + "From: undisclosed:;\r\n"
            + "To: x\r\n"
            + "Cc: <>\r\n"
            + "Bcc: \"q\"@x.y, a.b@[1.2.3.4]\r\n"
            + "Content-Type: multipart/mixed; boundary=a\r\n"
            + "\r\n"
            + "--a\r\n"
            + "Content-Type: message/rfc822\r\n"
            + "\r\n"
            + "Subject: in\r\n"
            + "Content-Type: text/plain\r\n"
            + "\r\n"
            + "body\r\n"
            + "--a--\r\n";

    @Test
    void simpleTextMessage() {
        MessageStructure message = parse(SIMPLE);
        assertEquals("(NIL \"hi\" ((NIL NIL \"a\" \"b.c\")) ((NIL NIL \"a\" \"b.c\")) ((NIL NIL \"a\" \"b.c\")) NIL NIL NIL NIL NIL)",
                write(message::envelope));
        assertEquals("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 6 1 NIL NIL NIL NIL)",
                bodyStructure(message, true));
        assertEquals("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 6 1)", bodyStructure(message, false));
        assertEquals("body\r\n", section(message, "1"));
        assertEquals("body\r\n", section(message, "TEXT"));
        assertEquals("From: a@b.c\r\nSubject: hi\r\n\r\n", section(message, "HEADER"));
        assertEquals("From: a@b.c\r\nSubject: hi\r\n\r\n", section(message, "1.MIME"), "Dovecot: the message's own header");
        assertEquals(SIMPLE, section(message, ""));
    }

    @Test
    void headersCaseParametersGroupsAndFoldedSubject() {
        MessageStructure message = parse(RICH_HEADERS);
        assertEquals("(\"Mon, 7 Dec 2026 10:00:00 +0000\" {21}\r\n=?UTF-8?Q?hi?= folded"
                + " ((\"Ann, Lee\" NIL \"ann\" \"example.com\")(\"Bob B\" NIL \"bob\" \"x.org\"))"
                + " ((\"Z\" NIL \"z\" \"z.z\"))"
                + " ((\"Ann, Lee\" NIL \"ann\" \"example.com\")(\"Bob B\" NIL \"bob\" \"x.org\"))"
                + " ((NIL NIL \"Friends\" NIL)(NIL NIL \"c\" \"d.e\")(\"F G\" NIL \"f\" \"g.h\")(NIL NIL NIL NIL)(NIL NIL \"solo\" \"x\"))"
                + " ((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL))"
                + " NIL \"<q@r> <s@t>\" \"<abc@x>  \")", write(message::envelope));
        assertEquals("(\"TEXT\" \"Html\" (\"CHARSET\" \"UTF-8\" \"Foo\" \"bar\") \"<cid1>\" \"desc here\" \"QUOTED-PRINTABLE\" 12 1"
                + " NIL (\"INLINE\" (\"Filename\" \"a b.txt\")) (\"en\" \"de\") \"http://x/y\")", bodyStructure(message, true));
    }

    @Test
    void multipartWithAttachmentAndNestedMessage() {
        MessageStructure message = parse(MIXED);
        assertEquals("(NIL {13}\r\ncaf\u00e9 \"q\" \\ x NIL NIL NIL NIL NIL NIL NIL NIL)", write(message::envelope));
        String inner = "(NIL \"inner\" ((NIL NIL \"in\" \"x.y\")) ((NIL NIL \"in\" \"x.y\")) ((NIL NIL \"in\" \"x.y\")) NIL NIL NIL NIL NIL)";
        assertEquals("((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 10 0 NIL NIL NIL NIL)"
                + "(\"application\" \"octet-stream\" (\"name\" \"x.bin\") NIL NIL \"base64\" 4 NIL (\"attachment\" NIL) NIL NIL)"
                + "(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 165 " + inner
                + " ((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 1 0 NIL NIL NIL NIL)"
                + "(\"text\" \"html\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 3 0 NIL NIL NIL NIL)"
                + " \"alternative\" (\"boundary\" \"YY\") NIL NIL NIL) 13 NIL NIL NIL NIL)"
                + " \"mixed\" (\"boundary\" \"XX\") NIL NIL NIL)", bodyStructure(message, true));
        assertEquals("((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 10 0)"
                + "(\"application\" \"octet-stream\" (\"name\" \"x.bin\") NIL NIL \"base64\" 4)"
                + "(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 165 " + inner
                + " ((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 1 0)"
                + "(\"text\" \"html\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 3 0) \"alternative\") 13) \"mixed\")",
                bodyStructure(message, false));
        assertEquals("plain part", section(message, "1"));
        assertEquals("AAAA", section(message, "2"));
        assertEquals("Content-Type: application/octet-stream; name=x.bin\r\nContent-Transfer-Encoding: base64\r\n"
                + "Content-Disposition: attachment\r\n\r\n", section(message, "2.MIME"));
        assertEquals("a", section(message, "3.1"));
        assertEquals("<b>", section(message, "3.2"));
        assertEquals("Content-Type: text/html\r\n\r\n", section(message, "3.2.MIME"));
        assertEquals("From: in@x.y\r\nSubject: inner\r\nContent-Type: multipart/alternative; boundary=YY\r\n\r\n",
                section(message, "3.HEADER"));
        assertEquals("Subject: inner\r\n\r\n", section(message, "3.HEADER.FIELDS (subject)"));
        assertTrue(section(message, "3.TEXT").startsWith("--YY\r\n") && section(message, "3.TEXT").endsWith("--YY--\r\n"));
        assertEquals(Optional.empty(), message.section("2.HEADER"), "HEADER only of message/rfc822 parts");
        assertEquals(Optional.empty(), message.section("4"));
        assertEquals("plain part", section(message, "1.1"), "Dovecot: a leaf answers to .1 once");
        assertEquals(Optional.empty(), message.section("1.1.1"));
    }

    @Test
    void groupsMissingPartsAndEnclosedMessageSections() {
        MessageStructure message = parse(GROUPS_AND_RFC822);
        String undisclosed = "((NIL NIL \"undisclosed\" NIL)(NIL NIL NIL NIL))";
        assertEquals("(NIL \"\" " + undisclosed + " " + undisclosed + " " + undisclosed
                + " ((NIL NIL \"x\" \"MISSING_DOMAIN\")) ((NIL NIL \"MISSING_MAILBOX\" \"MISSING_DOMAIN\"))"
                + " ((NIL NIL \"q\" \"x.y\")(NIL NIL \"a.b\" \"[1.2.3.4]\")) NIL NIL)", write(message::envelope));
        assertEquals("Subject: in\r\nContent-Type: text/plain\r\n\r\nbody", section(message, "1"));
        assertEquals("Content-Type: message/rfc822\r\n\r\n", section(message, "1.MIME"));
        assertEquals("Subject: in\r\nContent-Type: text/plain\r\n\r\n", section(message, "1.HEADER"));
        assertEquals("body", section(message, "1.TEXT"));
        assertEquals("body", section(message, "1.1"));
        assertEquals("Content-Type: text/plain\r\n\r\n", section(message, "1.HEADER.FIELDS.NOT (SUBJECT)"));
        assertEquals("Subject:    \r\nFrom: undisclosed:;\r\n\r\n", section(message, "HEADER.FIELDS (Subject from)"));
        assertEquals("\r\n", section(message, "HEADER.FIELDS (X-Absent)"), "the blank line even when nothing matches");
        assertEquals(Optional.empty(), message.section("2"));
    }

    @Test
    void malformedMultipartsAreReadAsDovecotReadsThem() {
        MessageStructure noDelimiter = parse("From: x@y\r\nContent-Type: multipart/mixed; boundary=\"ZZ\"\r\n\r\nno boundary here\r\n");
        assertEquals("((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0 NIL NIL NIL NIL)"
                + " \"mixed\" (\"boundary\" \"ZZ\") NIL NIL NIL)", bodyStructure(noDelimiter, true));
        assertEquals("", section(noDelimiter, "1"));
        assertEquals("no boundary here\r\n", section(noDelimiter, "TEXT"));

        MessageStructure noParameter = parse("Content-Type: multipart/mixed\r\n\r\n--a\r\n\r\nx\r\n--a--\r\n");
        assertEquals("((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0 NIL NIL NIL NIL) \"mixed\" NIL NIL NIL NIL)",
                bodyStructure(noParameter, true));

        MessageStructure unterminated = parse("Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\nContent-Type: text/plain\r\n\r\nunterminated");
        assertEquals("((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 12 0 NIL NIL NIL NIL)"
                + " \"mixed\" (\"boundary\" \"a\") NIL NIL NIL)", bodyStructure(unterminated, true));
        assertEquals("unterminated", section(unterminated, "1"));
    }

    @Test
    void missingHeadersAndOtherTypes() {
        MessageStructure image = parse("Content-Type: image/png\r\n\r\nx");
        assertEquals("(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)", write(image::envelope));
        assertEquals("(\"image\" \"png\" NIL NIL NIL \"7bit\" 1 NIL NIL NIL NIL)", bodyStructure(image, true));
        MessageStructure noSubtype = parse("From: x@y\r\nContent-Type: text\r\n\r\nx\r\n");
        assertEquals("(\"text\" \"\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 3 1)", bodyStructure(noSubtype, false));
        MessageStructure named = parse("Content-Type: text/plain; name=x\r\n\r\n");
        assertEquals("(\"text\" \"plain\" (\"name\" \"x\" \"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0)", bodyStructure(named, false));
        MessageStructure empty = parse("");
        assertEquals("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0)", bodyStructure(empty, false));
    }

    @Test
    void digestPartsDefaultToMessages() {
        MessageStructure digest = parse("Content-Type: multipart/digest; boundary=D\r\n\r\n--D\r\n\r\nFrom: d@d\r\n\r\ndigest body\r\n--D--\r\n");
        String d = "((NIL NIL \"d\" \"d\"))";
        assertEquals("((\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 24 (NIL NIL " + d + " " + d + " " + d + " NIL NIL NIL NIL NIL)"
                + " (\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 11 0) 2) \"digest\")", bodyStructure(digest, false));
    }

    @Test
    void eightBitSubjectAndHumanTextAreLiterals() {
        MessageStructure message = parse("Subject: a\r\n\tb\r\nFrom: \"A \\\"q\\\" B\" <a@b>\r\nTo: =?utf-8?q?x?= <x@y>\r\n\r\nab\r\n\r\n");
        assertEquals("(NIL {3}\r\na b (({7}\r\nA \"q\" B NIL \"a\" \"b\")) (({7}\r\nA \"q\" B NIL \"a\" \"b\"))"
                + " (({7}\r\nA \"q\" B NIL \"a\" \"b\")) ((\"=?utf-8?q?x?=\" NIL \"x\" \"y\")) NIL NIL NIL NIL)", write(message::envelope));
        MessageStructure utf8 = parse("Subject: \u00fcber  alles \r\n\r\n");
        assertEquals("(NIL {11}\r\n\u00fcber alles NIL NIL NIL NIL NIL NIL NIL NIL)", write(utf8::envelope));
    }

    @Test
    void rfc2231ParametersAreJoinedAsDovecotJoinsThem() {
        MessageStructure joined = parse("Content-Type: application/x; name*0=\"long\"; name*1=\"name.txt\"\r\n"
                + "Content-Disposition: attachment; filename*0*=UTF-8''a%20; filename*1=\"b c\"; size=3\r\n\r\nx");
        assertEquals("(\"application\" \"x\" (\"name\" \"longname.txt\") NIL NIL \"7bit\" 1 NIL"
                + " (\"attachment\" (\"size\" \"3\" \"filename*\" \"UTF-8''a%20b c\")) NIL NIL)", bodyStructure(joined, true));
        MessageStructure ordered = parse("Content-Type: application/x; name*1=\"second\"; name*0=\"first\"; other=1\r\n\r\nx");
        assertEquals("(\"application\" \"x\" (\"other\" \"1\" \"name\" \"firstsecond\") NIL NIL \"7bit\" 1)",
                bodyStructure(ordered, false));
    }

    @Test
    void headerFieldsOfAHeaderWithoutEnd() {
        MessageStructure message = parse("Subject: x");
        assertEquals("Subject: x\r\n\r\n", section(message, "HEADER.FIELDS (SUBJECT)"), "Dovecot's answer, fresh");
        assertEquals("", section(message, "HEADER.FIELDS.NOT (SUBJECT)"));
        assertEquals("Subject: x", section(message, "HEADER.FIELDS.NOT (FROM)"));
        assertEquals("Subject: x", section(message, "HEADER"));
    }

    @Test
    void nestedMultipartWithTheSameBoundaryTakesTheDelimiters() {
        MessageStructure message = parse("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
                + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nin\r\n--b--\r\n--b--\r\n");
        assertEquals("(((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 2 0) \"mixed\") \"mixed\")",
                bodyStructure(message, false));
        assertEquals("in", section(message, "1.1"));
        assertEquals(Optional.empty(), message.section("2"));
    }

    @Test
    void deepNestingIsBounded() {
        StringBuilder message = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            message.append("Content-Type: message/rfc822\r\n\r\n");
        }
        message.append("body\r\n");
        MessageStructure deep = parse(message.toString());
        String structure = bodyStructure(deep, true);
        assertTrue(structure.startsWith("(\"message\" \"rfc822\""), structure.substring(0, 40));
        assertTrue(section(deep, "1.1.1.1").startsWith("Content-Type: message/rfc822"));
    }

    /** Whatever the octets, parsing and answering never throw (broken MIME is read as text). */
    @Test
    void neverThrowsOnMangledMessages() {
        java.util.Random random = new java.util.Random(7);
        List<byte[]> corpus = new ArrayList<>(new GeneratedMessages(11).generate(200));
        corpus.addAll(GeneratedMessages.oddities());
        for (int round = 0; round < 3000; round++) {
            byte[] message = corpus.get(random.nextInt(corpus.size())).clone();
            message = java.util.Arrays.copyOf(message, random.nextInt(message.length + 1));
            for (int i = 0; i < 1 + random.nextInt(8) && message.length > 0; i++) {
                String risky = "\r\n-:;\"()<>@,=\\\0 \u00ff";
                message[random.nextInt(message.length)] = (byte) risky.charAt(random.nextInt(risky.length()));
            }
            MessageStructure structure = MessageStructure.parse(message);
            bytes(structure::envelope);
            bytes(out -> structure.bodyStructure(out, true));
            for (String section : SECTIONS) {
                structure.section(section);
            }
        }
    }

    @Test
    void imapStrings() {
        assertEquals("NIL", write(out -> ImapStrings.nstring(out, null)));
        assertEquals("\"a \\\"b\\\" \\\\\"", write(out -> ImapStrings.string(out, "a \"b\" \\")));
        assertEquals("{4}\r\na\r\nb", write(out -> ImapStrings.string(out, "a\r\nb")));
        assertEquals("{2}\r\n\u00e9", write(out -> ImapStrings.string(out, "\u00e9")));
        assertEquals("INBOX", write(out -> ImapStrings.astring(out, "INBOX")));
        assertEquals("\"a b\"", write(out -> ImapStrings.astring(out, "a b")));
        assertEquals("\"\"", write(out -> ImapStrings.astring(out, "")));
        assertEquals("\"" + "x".repeat(2000) + "\"", write(out -> ImapStrings.string(out, "x".repeat(2000))), "as Dovecot");
    }

    @Test
    void sectionSpecsThatAreNotSectionSpecs() {
        MessageStructure message = parse(MIXED);
        for (String spec : List.of("0", "1.", ".1", "MIME", "1.FOO", "HEADER.FIELDS ()", "HEADER.FIELDS", "x", "1.0")) {
            assertThrows(IllegalArgumentException.class, () -> message.section(spec), spec);
        }
        assertEquals("plain part", section(message, "1"), "valid specs still answer");
        assertEquals("Subject: inner\r\n\r\n", section(message, "3.header.fields (\"SUBJECT\")"), "case and quoting");
    }

    /**
     * A few hundred generated messages in a maildir served by Dovecot; every item below must be
     * the same octets from both. Dovecot answers a section that does not exist with "" and we
     * with an empty Optional, which the FETCH code turns into "": they compare as equal here.
     */
    @Test
    void answersAsDovecotDoes(@TempDir Path directory) throws Exception {
        Optional<Path> dovecot = DovecotServer.binary();
        assumeTrue(dovecot.isPresent(), "no dovecot binary: install dovecot-imapd (apt-get install dovecot-imapd) to compare with Dovecot");
        long seed = Long.parseLong(System.getenv().getOrDefault("POSTILLION_IMAP_CORPUS_SEED", "20261207"));
        int size = Integer.parseInt(System.getenv().getOrDefault("POSTILLION_IMAP_CORPUS_SIZE", "" + CORPUS_SIZE));
        List<byte[]> corpus = new ArrayList<>(new GeneratedMessages(seed).generate(size));
        corpus.addAll(GeneratedMessages.oddities());
        StringBuilder items = new StringBuilder("ENVELOPE BODY.PEEK[]");
        for (String section : SECTIONS) {
            items.append(" BODY.PEEK[").append(section).append(']');
        }
        List<FetchResponse> responses;
        List<FetchResponse> structures;
        // BODY and BODYSTRUCTURE each from a mailbox where it is the first thing computed: Dovecot
        // derives the second of them from what it cached of the first, and then writes a lone
        // text/plain us-ascii 7bit part as "text" "plain" whatever the case in the header, while
        // either, computed fresh, keeps the case as written (as we do)
        try (DovecotServer server = DovecotServer.start(dovecot.get(), directory, List.of("u", "v"), corpus)) {
            responses = server.fetchAll("u", List.of("BODY", items.toString()));
            structures = server.fetchAll("v", List.of("BODYSTRUCTURE BODY.PEEK[]"));
        }
        Map<ByteBuffer, byte[]> structureOf = new HashMap<>();
        for (FetchResponse response : structures) {
            structureOf.put(ByteBuffer.wrap(FetchResponse.content(response.items().get("BODY[]"))), response.items().get("BODYSTRUCTURE"));
        }
        assertEquals(corpus.size(), responses.size(), "one FETCH response per message");
        Map<ByteBuffer, Integer> indexes = new HashMap<>();
        for (int i = 0; i < corpus.size(); i++) {
            indexes.putIfAbsent(ByteBuffer.wrap(corpus.get(i)), i);
        }
        Set<ByteBuffer> seen = new HashSet<>();
        List<String> differences = new ArrayList<>();
        for (FetchResponse response : responses) {
            byte[] stored = FetchResponse.content(response.items().get("BODY[]"));
            seen.add(ByteBuffer.wrap(stored));
            String where = "corpus message " + indexes.get(ByteBuffer.wrap(stored)) + " ";
            response.items().put("BODYSTRUCTURE", structureOf.get(ByteBuffer.wrap(stored)));
            compare(where, response, MessageStructure.parse(stored), differences);
        }
        assertEquals(indexes.keySet(), seen, "Dovecot served the corpus as written");
        // all of them, for reading when this fails
        java.nio.file.Files.writeString(Path.of("target", "dovecot-differences.txt"), String.join("\n", differences));
        assertTrue(differences.isEmpty(), differences.size() + " differences from Dovecot, first ones:\n"
                + String.join("\n", differences.subList(0, Math.min(8, differences.size()))));
    }

    /** BINARY (RFC 3516) of the corpus's parts, decoded as Dovecot decodes them. */
    @Test
    void binaryAsDovecotDoes(@TempDir Path directory) throws Exception {
        Optional<Path> dovecot = DovecotServer.binary();
        assumeTrue(dovecot.isPresent(), "no dovecot binary: install dovecot-imapd to compare with Dovecot");
        List<byte[]> corpus = new ArrayList<>(new GeneratedMessages(20261207).generate(CORPUS_SIZE));
        corpus.addAll(GeneratedMessages.oddities());
        StringBuilder items = new StringBuilder("BODY.PEEK[]");
        BINARY_SECTIONS.forEach(section -> items.append(" BINARY.PEEK[").append(section).append(']'));
        List<FetchResponse> responses;
        try (DovecotServer server = DovecotServer.start(dovecot.get(), directory, List.of("u"), corpus)) {
            try {
                responses = server.fetchEach("u", corpus.size(), items.toString());
            } catch (IOException e) {
                throw new AssertionError("Dovecot's log:\n" + server.log(), e);
            }
        }
        assertEquals(corpus.size(), responses.size(), "one FETCH response per message");
        int refused = 0;
        int compared = 0;
        List<String> differences = new ArrayList<>();
        for (FetchResponse response : responses) {
            if (response.items().containsKey("NO")) {
                refused++; // invalid base64 or quoted-printable, which Dovecot refuses and we decode leniently
                continue;
            }
            byte[] stored = FetchResponse.content(response.items().get("BODY[]"));
            MessageStructure ours = MessageStructure.parse(stored);
            for (String section : BINARY_SECTIONS) {
                byte[] theirs = response.items().get("BINARY[" + section + "]");
                MessageStructure.Binary binary = ours.binary(section);
                if (binary instanceof MessageStructure.Decoded decoded
                        && CONTAINER.matcher(new String(decoded.bytes(), StandardCharsets.UTF_8)).find()) {
                    // a message or multipart: Dovecot decodes the parts within too and calls them
                    // "binary"; RFC 3516 asks for the section's own encoding undone, which we do
                    continue;
                }
                compared++;
                // a part that is not there: Dovecot answers an empty string, we NIL, as for BODY[]
                byte[] mine = binary instanceof MessageStructure.Decoded decoded ? decoded.bytes()
                        : binary instanceof MessageStructure.NoSuchPart ? new byte[0] : null;
                if (theirs == null || !java.util.Arrays.equals(FetchResponse.content(theirs), mine)) {
                    differences.add("message " + response.number() + " BINARY[" + section + "]\n  dovecot: "
                            + (theirs == null ? "(none)" : text(theirs)) + "\n  ours:    " + (mine == null ? binary
                            : text(mine)));
                }
            }
        }
        java.nio.file.Files.writeString(Path.of("target", "dovecot-binary.txt"), compared + " sections compared, "
                + refused + " of " + corpus.size() + " messages refused by Dovecot\n" + String.join("\n", differences));
        assertTrue(refused < corpus.size() / 4 && compared > corpus.size(), compared + " sections compared, " + refused
                + " of " + corpus.size() + " messages refused by Dovecot");
        assertTrue(differences.isEmpty(), differences.size() + " differences from Dovecot, first ones:\n"
                + String.join("\n", differences.subList(0, Math.min(8, differences.size()))));
    }

    private static final List<String> BINARY_SECTIONS = List.of("1", "2", "3", "1.1", "1.2", "2.1");

    /** Content-* fields in a part's octets: it holds a message or parts of its own. */
    private static final java.util.regex.Pattern CONTAINER = java.util.regex.Pattern.compile(
            "(?im)^content-(type|transfer-encoding):");

    /** Messages generated for the comparison; the variables POSTILLION_IMAP_CORPUS_SIZE and _SEED vary it. */
    private static final int CORPUS_SIZE = 600;

    private static final List<String> SECTIONS = List.of("HEADER", "TEXT", "HEADER.FIELDS (SUBJECT FROM X-NONE)",
            "HEADER.FIELDS.NOT (SUBJECT CONTENT-TYPE)", "1", "2", "3", "4", "1.MIME", "2.MIME", "3.MIME",
            "1.HEADER", "1.TEXT", "2.HEADER", "2.TEXT", "3.HEADER.FIELDS (SUBJECT)", "1.1", "1.2", "2.1", "2.2", "3.1",
            "1.1.MIME", "1.2.MIME", "2.1.MIME", "2.2.MIME", "1.1.HEADER", "1.1.TEXT", "2.1.HEADER", "2.2.TEXT",
            "1.1.1", "1.1.2", "1.2.1", "2.1.1", "2.2.1", "2.1.2", "1.1.1.MIME", "2.1.1.1", "1.2.1.1");

    private static void compare(String where, FetchResponse response, MessageStructure ours, List<String> differences) {
        Map<String, byte[]> theirs = response.items();
        same(differences, where + "ENVELOPE", theirs.get("ENVELOPE"), bytes(ours::envelope));
        same(differences, where + "BODYSTRUCTURE", theirs.get("BODYSTRUCTURE"), bytes(out -> ours.bodyStructure(out, true)));
        same(differences, where + "BODY", theirs.get("BODY"), bytes(out -> ours.bodyStructure(out, false)));
        for (String section : SECTIONS) {
            byte[] value = theirs.get("BODY[" + section + "]");
            if (value == null) {
                differences.add(where + "Dovecot gave no BODY[" + section + "] in " + theirs.keySet());
                continue;
            }
            byte[] dovecot = FetchResponse.content(value);
            same(differences, where + "BODY[" + section + "]", dovecot,
                    ours.section(section).orElse(new byte[0]));
        }
    }

    private static void same(List<String> differences, String what, byte[] dovecot, byte[] ours) {
        if (dovecot == null || !java.util.Arrays.equals(dovecot, ours)) {
            differences.add(what + "\n  dovecot: " + (dovecot == null ? "(none)" : text(dovecot)) + "\n  ours:    " + text(ours));
        }
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8).replace("\r", "\\r").replace("\n", "\\n");
    }

    private static MessageStructure parse(String message) {
        return MessageStructure.parse(message.getBytes(StandardCharsets.UTF_8));
    }

    private static String bodyStructure(MessageStructure message, boolean extensible) {
        return write(out -> message.bodyStructure(out, extensible));
    }

    private static String section(MessageStructure message, String spec) {
        return new String(message.section(spec).orElseThrow(() -> new AssertionError("no section " + spec)), StandardCharsets.UTF_8);
    }

    private static String write(java.util.function.Consumer<ByteArrayOutputStream> writer) {
        return new String(bytes(writer), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(java.util.function.Consumer<ByteArrayOutputStream> writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.accept(out);
        return out.toByteArray();
    }
}
