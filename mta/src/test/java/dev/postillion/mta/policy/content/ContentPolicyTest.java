package dev.postillion.mta.policy.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.postillion.mta.mime.EncodedWords;
import dev.postillion.mta.mime.Slice;
import dev.postillion.mta.mime.TransferDecoding;
import dev.postillion.mta.policy.content.ContentViolation.ForbiddenAttachment;
import dev.postillion.mta.policy.content.ContentViolation.HeaderTooLarge;
import dev.postillion.mta.policy.content.ContentViolation.NonAsciiHeader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The header rules and the MIME walk for attachment names (RFC 2045, 2046, 2047, 2183, 2231). */
class ContentPolicyTest {

    static final ContentSettings DEFAULTS = ContentSettings.from(ConfigFactory.load().getConfig("postillion"));
    private final ContentPolicy policy = new ContentPolicy(DEFAULTS);

    @Test
    void theDefaultsAreTheSpecsExtensionsAndLimits() {
        assertEquals(List.of("exe", "com", "cmd", "cpl", "hta", "scf", "sct", "lnk", "bat", "js", "jse", "wsh", "ws",
                "wsf", "wsc", "vbe", "vb", "vbs", "shs", "pif", "scr"), DEFAULTS.forbiddenExtensions());
        assertEquals(3, DEFAULTS.zipDepth());
        assertEquals(256 * 1024, DEFAULTS.maxHeaderSize());
        assertTrue(DEFAULTS.attachments() && DEFAULTS.nonAsciiHeaders() && DEFAULTS.headerSize());
    }

    @Test
    void extensionsAreReadWithOrWithoutTheDotAndBadSettingsStopTheStart() {
        Config base = ConfigFactory.load().getConfig("postillion");
        ContentSettings dotted = ContentSettings.from(ConfigFactory.parseString(
                "content.attachments.forbidden-extensions = [\".EXE\", \" Scr \"]").withFallback(base));
        assertEquals(List.of("exe", "scr"), dotted.forbiddenExtensions());
        Map<String, String> bad = Map.of(
                "content.attachments.zip-depth = 0", "zip-depth",
                "content.attachments.zip-scan-limit = 2GiB", "zip-scan-limit",
                "content.attachments.forbidden-extensions = [\".\"]", "forbidden-extensions",
                "smtp.max-header-size = 0", "max-header-size");
        bad.forEach((setting, key) -> {
            ConfigException.BadValue thrown = assertThrows(ConfigException.BadValue.class,
                    () -> ContentSettings.from(ConfigFactory.parseString(setting).withFallback(base)), setting);
            assertTrue(thrown.getMessage().contains(key), thrown.getMessage());
        });
    }

    @Test
    void aPlainMessagePasses() {
        assertEquals(Optional.empty(), check("Subject: hello\r\nFrom: a@b.test\r\n\r\nbody\r\n", false));
    }

    // --- header size

    @Test
    void aHeaderSectionOverTheLimitIsRefusedAndOneAtItPasses() {
        ContentPolicy small = new ContentPolicy(settings(true, true, true, 100));
        String header = "Subject: " + "x".repeat(89) + "\r\n"; // exactly 100 octets
        assertEquals(Optional.empty(), small.check(bytes(header + "\r\nbody\r\n"), false));
        Optional<ContentViolation> refused = small.check(bytes(header + "X: y\r\n\r\nbody\r\n"), false);
        assertEquals(Optional.of(new HeaderTooLarge(106, 100)), refused);
    }

    @Test
    void theBodyDoesNotCountAsHeader() {
        ContentPolicy small = new ContentPolicy(settings(true, true, true, 100));
        assertEquals(Optional.empty(), small.check(bytes("Subject: s\r\n\r\n" + "y".repeat(1000) + "\r\n"), false));
    }

    @Test
    void aMessageWithoutEmptyLineIsAllHeader() {
        ContentPolicy small = new ContentPolicy(settings(true, true, true, 100));
        assertInstanceOf(HeaderTooLarge.class, small.check(bytes("Subject: " + "x".repeat(200) + "\r\n"), false)
                .orElseThrow());
    }

    @Test
    void theHeaderSizeRuleCanBeTurnedOff() {
        ContentPolicy off = new ContentPolicy(settings(true, true, false, 100));
        assertEquals(Optional.empty(), off.check(bytes("Subject: " + "x".repeat(200) + "\r\n\r\n"), false));
    }

    // --- non-ASCII headers

    @Test
    void nonAsciiInAHeaderWithoutSmtputf8IsRefusedNamingTheField() {
        String message = "From: a@b.test\r\nSubject: caf\u00e9\r\n\r\nbody\r\n";
        assertEquals(Optional.of(new NonAsciiHeader("Subject")), check(message, false));
        assertEquals(Optional.empty(), check(message, true));
    }

    @Test
    void nonAsciiInAFoldedLineNamesTheFieldItContinues() {
        String message = "Subject: a long\r\n subject, caf\u00e9\r\nTo: x@y.test\r\n\r\n";
        assertEquals(Optional.of(new NonAsciiHeader("Subject")), check(message, false));
    }

    @Test
    void nonAsciiInTheBodyIsNotAHeaderMatter() {
        assertEquals(Optional.empty(), check("Subject: s\r\n\r\ncaf\u00e9\r\n", false));
    }

    @Test
    void aFieldNameThatIsNotPrintableAsciiIsNotRepeated() {
        assertEquals(Optional.of(new NonAsciiHeader(null)), check("Subj\u00e9ct: s\r\n\r\n", false));
        assertEquals("non-ASCII character in header section", new NonAsciiHeader(null).reason());
    }

    @Test
    void theNonAsciiRuleCanBeTurnedOff() {
        ContentPolicy off = new ContentPolicy(settings(true, false, true, 1000));
        assertEquals(Optional.empty(), off.check(bytes("Subject: caf\u00e9\r\n\r\n"), false));
    }

    // --- attachment names

    @ParameterizedTest
    @ValueSource(strings = {"run.exe", "RUN.EXE", "run.exe.", "run.exe  ", "run.exe . .", "a.b.c.scr", "x.js",
        "invoice.pdf.vbs", "\u202Efdp.exe", "dir/run.lnk", "run.exe\u0000.txt"})
    void forbiddenNames(String name) {
        assertTrue(new FileNames(DEFAULTS.forbiddenExtensions()).forbidden(name), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"report.exe.pdf", "exe", "notes.txt", "script.json", "archive.zip", "x.jsx",
        "run.exe_", "my.scrap", "folder.exe/", "a.vbs.txt"})
    void harmlessNames(String name) {
        assertTrue(!new FileNames(DEFAULTS.forbiddenExtensions()).forbidden(name), name);
    }

    @Test
    void aForbiddenDispositionFilenameIsRefused() {
        Optional<ContentViolation> refused = check(multipart(attachment("attachment; filename=\"setup.exe\"", "")),
                false);
        assertEquals(Optional.of(new ForbiddenAttachment("setup.exe", "forbidden attachment name")), refused);
    }

    @Test
    void aHarmlessAttachmentPasses() {
        assertEquals(Optional.empty(), check(multipart(attachment("attachment; filename=\"report.exe.pdf\"", "")),
                false));
    }

    @Test
    void aContentTypeNameIsAFileNameToo() {
        String part = "Content-Type: application/octet-stream; name=setup.bat\r\n\r\nxx\r\n";
        assertForbidden("setup.bat", multipart(part));
    }

    @Test
    void anUnquotedNameRunsToTheSemicolon() {
        String part = "Content-Disposition: attachment; filename=my setup.exe ; size=3\r\n\r\nxx\r\n";
        assertForbidden("my setup.exe", multipart(part));
    }

    @Test
    void eachOfSeveralNamesIsLookedAt() {
        String part = "Content-Type: application/pdf; name=\"fine.pdf\"\r\n"
                + "Content-Disposition: attachment; filename=\"fine.pdf\"\r\n"
                + "Content-Disposition: attachment; filename=\"evil.scr\"\r\n\r\nxx\r\n";
        assertForbidden("evil.scr", multipart(part));
    }

    @Test
    void rfc2231ContinuationsWithCharsetAreJoined() {
        String part = "Content-Disposition: attachment;\r\n filename*0*=UTF-8''r%C3%A9sum%C3%A9%20;\r\n"
                + " filename*1*=%E2%80%94%20final;\r\n filename*2=\".ex\";\r\n filename*3=\"e\"\r\n\r\nxx\r\n";
        assertForbidden("r\u00e9sum\u00e9 \u2014 final.exe", multipart(part));
    }

    @Test
    void rfc2231ContinuationsArePutInOrder() {
        String part = "Content-Disposition: attachment; filename*1=\"xe\"; filename*0=\"a.e\"\r\n\r\nxx\r\n";
        assertForbidden("a.exe", multipart(part));
    }

    @Test
    void anRfc2231EncodedValueInAnotherCharsetIsDecoded() {
        String part = "Content-Type: application/x-stuff; name*=iso-8859-1'de'b%FCro.%43%4F%4D\r\n\r\nxx\r\n";
        assertForbidden("b\u00fcro.COM", multipart(part));
    }

    @Test
    void encodedWordsAreDecodedEvenInsideQuotes() {
        String base64 = Base64.getEncoder().encodeToString("f\u00e4ktura.exe".getBytes(StandardCharsets.UTF_8));
        String part = "Content-Disposition: attachment; filename=\"=?UTF-8?B?" + base64 + "?=\"\r\n\r\nxx\r\n";
        assertForbidden("f\u00e4ktura.exe", multipart(part));
    }

    @Test
    void adjacentEncodedWordsAreJoinedAcrossTheWhiteSpace() {
        assertEquals("invoice.cmd",
                EncodedWords.decode("=?utf-8?Q?invoice?= =?ISO-8859-1?q?=2Ec?=\r\n =?utf-8?Q?md?="));
        assertEquals("a b", EncodedWords.decode("a =?us-ascii?Q?b?="));
        assertEquals("\u20ac", EncodedWords.decode("=?UTF-8?B?4oI=?= =?UTF-8?B?rA==?="));
        assertEquals("plain =?broken", EncodedWords.decode("plain =?broken"));
    }

    @Test
    void nestedMultipartsAreWalked() {
        String inner = "Content-Type: multipart/alternative; boundary=\"inner\"\r\n\r\n"
                + "--inner\r\nContent-Type: text/plain\r\n\r\ntext\r\n"
                + "--inner\r\nContent-Type: application/octet-stream; name=\"deep.pif\"\r\n\r\nxx\r\n--inner--\r\n";
        assertForbidden("deep.pif", multipart("Content-Type: text/plain\r\n\r\nhello\r\n", inner));
    }

    @Test
    void anAttachedMessageIsWalked() {
        String attached = "Subject: fwd\r\n" + multipartHeader("m2") + "\r\n--m2\r\n"
                + "Content-Disposition: attachment; filename=\"x.hta\"\r\n\r\nxx\r\n--m2--\r\n";
        String part = "Content-Type: message/rfc822\r\n\r\n" + attached;
        assertForbidden("x.hta", multipart(part));
    }

    @Test
    void aBase64AttachedMessageIsDecodedAndWalked() {
        String attached = "Subject: fwd\r\nContent-Type: text/plain; name=\"y.wsf\"\r\n\r\nxx\r\n";
        String part = "Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + Base64.getMimeEncoder().encodeToString(bytes(attached)) + "\r\n";
        assertForbidden("y.wsf", multipart(part));
    }

    @Test
    void aDigestsPartsAreMessagesByDefault() {
        String message = "Content-Type: multipart/digest; boundary=d\r\n\r\n--d\r\n\r\n"
                + "Subject: one\r\nContent-Disposition: attachment; filename=z.vbe\r\n\r\nxx\r\n--d--\r\n";
        assertForbidden("z.vbe", message);
    }

    @Test
    void aMultipartWithoutBoundaryParameterIsSplitOnItsFirstDelimiter() {
        String message = "Content-Type: multipart/mixed\r\n\r\n--guess\r\nContent-Type: text/plain\r\n\r\nhi\r\n"
                + "--guess\r\nContent-Disposition: attachment; filename=w.wsc\r\n\r\nxx\r\n--guess--\r\n";
        assertForbidden("w.wsc", message);
    }

    @Test
    void theEpilogueAndPreambleAreNoParts() {
        List<Slice> parts = AttachmentScanner.parts(Slice.of(bytes(
                "preamble\r\n--b\r\nA: 1\r\n\r\none\r\n--b  \r\n\r\ntwo\r\n--b--\r\n--b\r\nepilogue\r\n")),
                bytes("--b"));
        assertEquals(List.of("A: 1\r\n\r\none", "\r\ntwo"), parts.stream().map(ContentPolicyTest::text).toList());
    }

    @Test
    void anUnclosedMultipartEndsWithItsBody() {
        List<Slice> parts = AttachmentScanner.parts(Slice.of(bytes("--b\r\n\r\none\r\n--b\r\n\r\ntwo\r\n")),
                bytes("--b"));
        assertEquals(List.of("\r\none", "\r\ntwo\r\n"), parts.stream().map(ContentPolicyTest::text).toList());
    }

    @Test
    void nestingBeyondTheLimitIsRefusedAsNotScannable() {
        StringBuilder message = new StringBuilder();
        for (int i = 0; i <= AttachmentScanner.MAX_MIME_DEPTH + 1; i++) {
            message.append("Content-Type: multipart/mixed; boundary=b").append(i).append("x\r\n\r\n--b").append(i)
                    .append("x\r\n");
        }
        ForbiddenAttachment refused = (ForbiddenAttachment) check(message + "\r\nend\r\n", false).orElseThrow();
        assertTrue(refused.finding().startsWith("MIME parts nested deeper"), refused.finding());
    }

    @Test
    void nestedQuotedPrintableMultipartsCannotMultiplyTheWork() {
        // Each level's body, quoted-printable, is a copy of all below it: the walk's budget ends it.
        String inner = "Content-Type: text/plain\r\n\r\n" + "x".repeat(200_000) + "\r\n";
        for (int i = 0; i < 60; i++) {
            inner = "Content-Type: multipart/mixed; boundary=q" + i + "x\r\nContent-Transfer-Encoding: quoted-printable"
                    + "\r\n\r\n--q" + i + "x\r\n" + inner + "--q" + i + "x--\r\n";
        }
        ForbiddenAttachment refused = (ForbiddenAttachment) check(inner, false).orElseThrow();
        assertEquals("MIME structure too large to scan", refused.finding());
    }

    @Test
    void aPartWithAHugeHeaderSectionIsRefusedAsNotScannable() {
        // 35 MB of "a:b" lines would be seven million fields; parsing stops at the limit.
        String part = "Content-Type: text/plain\r\n" + "a:b\r\n".repeat(7_000_000) + "\r\nbody\r\n";
        ForbiddenAttachment refused = (ForbiddenAttachment) check(multipart(part), false).orElseThrow();
        assertEquals(new ForbiddenAttachment("", "MIME header section over 262144 octets or 1000 fields, not scanned"),
                refused);
    }

    @Test
    void aPartHeaderIsHeldToTheMessageHeaderLimitAndAThousandFields() {
        String fields = "X-Long: " + "y".repeat(200 * 1024) + "\r\n";
        assertEquals(Optional.empty(), check(multipart(fields + attachment("inline", "")), false));
        ForbiddenAttachment tooLong = (ForbiddenAttachment) check(multipart(fields + fields + attachment("inline", "")),
                false).orElseThrow();
        assertTrue(tooLong.finding().startsWith("MIME header section over"), tooLong.finding());
        String many = "X-A: b\r\n".repeat(MimeEntity.MAX_FIELDS - 3);
        assertEquals(Optional.empty(), check(multipart(many + attachment("inline", "")), false));
        ForbiddenAttachment tooMany = (ForbiddenAttachment) check(multipart(many + "X-A: b\r\n"
                + attachment("inline", "")), false).orElseThrow();
        assertTrue(tooMany.finding().startsWith("MIME header section over"), tooMany.finding());
        // With the header size rule off, the message's own header section is held to the limit too.
        ContentPolicy off = new ContentPolicy(settings(true, true, false, 100));
        String header = "Subject: " + "x".repeat(AttachmentScanner.MIN_HEADER_LIMIT) + "\r\n\r\nbody\r\n";
        assertTrue(off.check(bytes(header), false).isPresent());
    }

    @Test
    void anEntityHeaderIsMeasuredAsTheMessageHeaderIs() {
        MimeEntity entity = MimeEntity.parse(Slice.of(bytes("A: b\r\n c\r\nD: e\r\n\r\nbody")), 100).orElseThrow();
        assertEquals(16, entity.headerLength());
        assertEquals("b c", entity.field("a").orElseThrow());
        assertEquals(Optional.empty(), MimeEntity.parse(Slice.of(bytes("A: b\r\n c\r\nD: e\r\n\r\nbody")), 15));
        assertEquals(16, HeaderSection.length(bytes("A: b\r\n c\r\nD: e\r\n\r\nbody")));
    }

    @Test
    void theAttachmentRuleCanBeTurnedOff() {
        ContentPolicy off = new ContentPolicy(settings(false, true, true, 1000));
        assertEquals(Optional.empty(), off.check(bytes(multipart(attachment("attachment; filename=a.exe", ""))),
                false));
    }

    @Test
    void quotedPrintableIsDecoded() {
        Slice decoded = TransferDecoding.quotedPrintable(Slice.of(bytes("a=3Db=\r\nc= \r\nd=zz=4")));
        assertEquals("a=bcd=zz=4", text(decoded));
    }

    @Test
    void base64IsDecodedLeniently() {
        assertEquals("hello!", text(TransferDecoding.base64(Slice.of(bytes("aGVs\r\nbG8h\r\n")))));
        assertEquals("hi", text(TransferDecoding.base64(Slice.of(bytes("aGk")))));
        assertEquals("hi", text(TransferDecoding.base64(Slice.of(bytes("a G k = = junk")))));
    }

    // --- helpers

    static ContentSettings settings(boolean attachments, boolean nonAscii, boolean headerSize, long maxHeader) {
        return new ContentSettings(attachments, DEFAULTS.forbiddenExtensions(), DEFAULTS.zipDepth(),
                DEFAULTS.zipScanLimit(), nonAscii, headerSize, maxHeader);
    }

    private Optional<ContentViolation> check(String message, boolean smtputf8) {
        return policy.check(bytes(message), smtputf8);
    }

    private void assertForbidden(String name, String message) {
        assertEquals(Optional.of(new ForbiddenAttachment(name, "forbidden attachment name")),
                policy.check(bytes(message), true));
    }

    static String attachment(String disposition, String body) {
        return "Content-Type: application/octet-stream\r\nContent-Disposition: " + disposition
                + "\r\nContent-Transfer-Encoding: base64\r\n\r\n" + body + "\r\n";
    }

    static String multipartHeader(String boundary) {
        return "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n";
    }

    /** A message whose parts are {@code parts}, each its header section, empty line and body. */
    static String multipart(String... parts) {
        StringBuilder message = new StringBuilder("From: a@b.test\r\nSubject: parts\r\n")
                .append(multipartHeader("=_outer")).append("\r\npreamble\r\n");
        for (String part : parts) {
            message.append("--=_outer\r\n").append(part);
        }
        return message.append("--=_outer--\r\n").toString();
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(Slice slice) {
        return new String(slice.bytes(), slice.from(), slice.length(), StandardCharsets.UTF_8);
    }

    @Test
    void aViolationsReasonQuotesTheNameWithoutControlCharacters() {
        assertEquals("forbidden attachment name: \"a??b.exe\"",
                new ForbiddenAttachment("a\r\nb.exe", "forbidden attachment name").reason());
        assertEquals("MIME structure too large to scan",
                new ForbiddenAttachment("", "MIME structure too large to scan").reason());
    }
}
