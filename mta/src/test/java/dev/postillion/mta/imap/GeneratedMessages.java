package dev.postillion.mta.imap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded generator of MIME messages of varied structure, for comparing MessageStructure with an
 * independent IMAP server: nesting of multiparts and message/rfc822, transfer encodings,
 * dispositions, parameters (quoted, in odd case, with comments), missing headers, address forms
 * (display names, comments, groups, source routes), folded and 8-bit headers, and some broken MIME
 * (no boundary parameter, boundary never used, no close delimiter). Line ends are CRLF throughout.
 *
 * <p>Left out on purpose: bare CR or LF and NUL (our SMTP side refuses them, so none is
 * stored); syntactically invalid address lists (Dovecot stops reading a list at its first error,
 * we read on); and a message that ends inside its header without a line break (Dovecot's
 * HEADER.FIELDS answer for it depends on what it has cached; MessageStructureTest pins ours to
 * its fresh answer).
 */
final class GeneratedMessages {

    private static final String[] WORDS = {"alpha", "beta", "Gamma", "delta", "x", "lorem", "ipsum", "10%", "a+b",
        "re:", "Fwd:", "[tag]", "=?UTF-8?B?w6lsw6h2ZQ==?=", "=?iso-8859-1?q?caf=E9?=", "caf\u00e9", "\u00fcber", "\u65e5\u672c",
        "quote\"d", "back\\slash", "semi;colon", "comma,", "tab\there"};
    private static final String[] NAMES = {"Ann", "Bob Smith", "Dr. Who", "O'Neil", "=?utf-8?q?J=C3=B6rg?=", "Zo\u00eb",
        "Lee, Ann", "\"Quoted\" Name", "X  Y"};
    private static final String[] DOMAINS = {"example.com", "mail.example.org", "x.y", "[192.0.2.1]", "sub.d-omain.net"};
    private static final String[] LOCALS = {"ann", "bob.smith", "postmaster", "a+tag", "x_y", "first.last", "\"quoted\""};

    private final Random random;
    private int boundaries;
    private String lastBoundary;

    GeneratedMessages(long seed) {
        this.random = new Random(seed);
    }

    List<byte[]> generate(int count) {
        List<byte[]> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            boundaries = 0;
            lastBoundary = null;
            StringBuilder message = new StringBuilder();
            topHeaders(message, i);
            entity(message, 0, false);
            messages.add(message.toString().getBytes(StandardCharsets.UTF_8));
        }
        return messages;
    }

    /**
     * Hand-picked odd messages that a generator of well-formed MIME would rarely make: junk and
     * duplicate header lines, odd Content-* values, odd addresses, long values, odd boundaries.
     */
    static List<byte[]> oddities() {
        List<String> messages = List.of(
            "Subject: one\r\njunk line without colon\r\nFrom: a@b.c\r\n\r\nbody\r\n",
            "Subject: first\r\nSubject: second\r\nFrom: a@b.c\r\nFrom: d@e.f\r\n\r\nbody\r\n",
            "From:\r\nTo: ,,\r\nCc: <>\r\nBcc: Name Only\r\nReply-To: a@b (nested (comment) here)\r\n\r\n",
            "From: \"unterminated <a@b>\r\n\r\nx",
            "From: Group: ;\r\nTo: G: a@b;, c@d\r\n\r\nx",
            "Content-Type: text/\r\n\r\nx",
            "Content-Type: /plain\r\n\r\nx",
            "Content-Type: ;charset=x\r\n\r\nx",
            "Content-Type: text/plain;\r\n\r\nx",
            "Content-Type: text/plain; charset\r\n\r\nx",
            "Content-Type: text/plain; charset=\"a\\\"b\"\r\n\r\nx",
            "Content-Type: text/plain; a=1; a=2\r\n\r\nx",
            "Content-type: TEXT/HTML\r\n\r\nx",
            "Content-Type: %%%\r\n\r\nx",
            "Content-Type: text/plain\r\nContent-Transfer-Encoding:   base64  (comment)\r\n\r\nx",
            "Content-Type: text/plain\r\nContent-Transfer-Encoding:\r\n\r\nx",
            "Content-Type: text/plain\r\nContent-Disposition:\r\n\r\nx",
            "Content-Type: text/plain\r\nContent-Disposition: attachment;\r\n\r\nx",
            "Content-Type: text/plain\r\nContent-Disposition: ; filename=x\r\n\r\nx",
            "Content-Type: text/plain\r\nContent-Language:\r\n\r\nx",
            "Content-Type: text/plain\r\nContent-Language: en (comment)\r\n\r\nx",
            "Subject: " + "long ".repeat(300) + "\r\nDate: " + "d".repeat(1100) + "\r\n\r\nx",
            "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b  \r\n\r\none\r\n--b\tx\r\n\r\ntwo\r\n--b--  \r\n",
            "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nin\r\n--b--\r\n--b--\r\n",
            "Subject: x\r\n",
            "\r\nbody only\r\n",
            "",
            "Content-Type: multipart/mixed; boundary=\"a b\"\r\n\r\n--a b\r\n\r\nx\r\n--a b--\r\n",
            "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n continuation first\r\nContent-Type: text/html\r\n\r\nx\r\n--b--\r\n",
            "MIME-Version: 1.0\r\nContent-ID:   <a b>  \r\nContent-Description: caf\u00e9  two  spaces\r\n\r\nx",
            "In-Reply-To:\r\nMessage-ID: <a@b>\r\n <c@d>\r\nSubject: =?utf-8?q?only?= =?utf-8?q?encoded?=\r\n\r\nx",
            "Content-Type: message/rfc822\r\n\r\n",
            "Content-Type: message/rfc822\r\n\r\nSubject: no body",
            "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n--b\r\n\r\n--b--\r\n",
            "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b--\r\n",
            "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: message/rfc822\r\n\r\n--b--\r\n",
            "Content-Type: multipart/digest; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b\r\n\r\n\r\n--b--\r\n",
            "Content-Type: multipart/mixed; boundary=b\r\nContent-Disposition: inline\r\nContent-Language: en\r\nContent-Location: loc\r\n\r\n--b\r\n\r\nx\r\n--b--\r\n",
            "MIME-Version: 1.0\r\nContent-Type: application/octet-stream\r\nContent-MD5: abc\r\n\r\nx",
            "To: a@b.c, \"Last, First\" <f@l.m>, <@a:b@c>, user@[IPv6:::1], \"\" <e@f>, a.b.c@d\r\n\r\n",
            "To: =?utf-8?q?a?= =?utf-8?q?b?= <a@b>, \"a\"  \"b\" <c@d>, A . B <e@f>, \"q\\\\b\" <g@h>\r\n\r\n",
            "Sender:\r\nReply-To: ,\r\nFrom: a@b\r\n\r\n");
        return messages.stream().map(m -> m.getBytes(StandardCharsets.UTF_8)).toList();
    }

    private void topHeaders(StringBuilder out, int index) {
        if (chance(85)) {
            header(out, "Date", "Mon, " + (1 + random.nextInt(28)) + " Dec 2026 10:" + (10 + random.nextInt(50)) + ":00 +0100");
        }
        if (chance(85)) {
            header(out, pick("From", "FROM", "from"), addressList(1 + random.nextInt(2), false));
        }
        if (chance(15)) {
            header(out, "Sender", addressList(1, false));
        }
        if (chance(20)) {
            header(out, "Reply-To", chance(20) ? "" : addressList(1 + random.nextInt(2), false));
        }
        if (chance(80)) {
            header(out, "To", addressList(1 + random.nextInt(3), true));
        }
        if (chance(30)) {
            header(out, "Cc", addressList(1 + random.nextInt(3), true));
        }
        if (chance(10)) {
            header(out, "Bcc", addressList(1, true));
        }
        if (chance(85)) {
            header(out, pick("Subject", "subject"), text(1 + random.nextInt(8)));
        }
        if (chance(70)) {
            header(out, "Message-ID", "<" + index + "." + random.nextInt(100000) + "@" + pick(DOMAINS) + ">");
        }
        if (chance(25)) {
            header(out, "In-Reply-To", "<r" + random.nextInt(1000) + "@x.y>" + (chance(30) ? "\r\n <s@t.u>" : ""));
        }
        if (chance(60)) {
            header(out, "MIME-Version", "1.0");
        }
        if (chance(20)) {
            header(out, "X-Mailer", "Gen " + index);
        }
    }

    /** A MIME entity: its content headers, a blank line, then its body. */
    private void entity(StringBuilder out, int depth, boolean inDigest) {
        int kind = random.nextInt(depth >= 3 ? 4 : 10);
        switch (kind) {
            case 0, 1 -> textEntity(out, inDigest);
            case 2 -> binaryEntity(out);
            case 3 -> bareEntity(out, inDigest);
            case 4, 5, 6 -> multipartEntity(out, depth);
            case 7 -> messageEntity(out, depth, false);
            case 8 -> brokenMultipart(out);
            default -> digestEntity(out, depth);
        }
    }

    private void textEntity(StringBuilder out, boolean inDigest) {
        String subtype = pick("plain", "html", "PLAIN", "enriched");
        String params = pick("", "; charset=us-ascii", "; charset=\"UTF-8\"", "; CHARSET=iso-8859-1; format=flowed",
            "; format=flowed (comment)", "; name=\"a b.txt\"", "; delsp=yes; charset=utf-8",
            ";\r\n charset=utf-8", "; name=\"r\u00e9sum\u00e9.txt\"", "; name=\"q\\\"uote\"",
            "; name*=UTF-8''r%C3%A9sum%C3%A9.txt", "; name*0=\"long \"; name*1=\"name.txt\"; charset=utf-8",
            "; name*1=\"two\"; name*0*=UTF-8''one%20; Zeta*=us-ascii'en'z; alpha=1");
        header(out, "Content-Type", pick("text", "TEXT", "Text") + "/" + subtype + params);
        contentHeaders(out);
        if (chance(40)) {
            header(out, "Content-Transfer-Encoding", pick("7bit", "8bit", "quoted-printable", "QUOTED-PRINTABLE"));
        }
        out.append("\r\n");
        body(out, inDigest);
    }

    private void binaryEntity(StringBuilder out) {
        header(out, "Content-Type", pick("application/octet-stream", "image/png", "application/pdf; name=\"r.pdf\"",
            "audio/X-WAV", "application/vnd.ms-excel; name=x.xls"));
        contentHeaders(out);
        header(out, "Content-Transfer-Encoding", pick("base64", "BASE64", "binary"));
        out.append("\r\n");
        int lines = random.nextInt(4);
        for (int i = 0; i < lines; i++) {
            out.append("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo").append(random.nextInt(1000)).append("=\r\n");
        }
        if (chance(30)) {
            out.append("AAAA");
        }
    }

    /** No Content-Type: text/plain by default, or message/rfc822 inside a digest. */
    private void bareEntity(StringBuilder out, boolean inDigest) {
        if (inDigest) {
            header(out, "Subject", text(2));
            header(out, "From", addressList(1, false));
            out.append("\r\n");
            body(out, false);
            return;
        }
        if (chance(50)) {
            contentHeaders(out);
        }
        out.append("\r\n");
        body(out, false);
    }

    private void multipartEntity(StringBuilder out, int depth) {
        String boundary = boundary();
        String subtype = pick("mixed", "alternative", "related", "MIXED", "signed");
        String quoted = chance(50) ? "\"" + boundary + "\"" : boundary;
        String extra = pick("", "; type=\"text/html\"", "; Foo=Bar", " (comment)");
        String separator = chance(20) ? ";\r\n\t" : "; ";
        header(out, "Content-Type", "multipart/" + subtype + separator + "boundary=" + quoted + extra);
        if (chance(20)) {
            contentHeaders(out);
        }
        out.append("\r\n");
        if (chance(40)) {
            out.append("This is a preamble.\r\n");
        }
        int parts = 1 + random.nextInt(3);
        for (int i = 0; i < parts; i++) {
            out.append("--").append(boundary).append(chance(5) ? " \t" : "").append("\r\n");
            entity(out, depth + 1, false);
            out.append(chance(90) ? "\r\n" : "");
        }
        if (chance(90)) {
            out.append("--").append(boundary).append("--\r\n");
            if (chance(30)) {
                out.append("epilogue text\r\n");
            }
        }
    }

    private void digestEntity(StringBuilder out, int depth) {
        String boundary = boundary();
        header(out, "Content-Type", "multipart/digest; boundary=" + boundary);
        out.append("\r\n");
        int parts = 1 + random.nextInt(2);
        for (int i = 0; i < parts; i++) {
            out.append("--").append(boundary).append("\r\n");
            if (chance(50)) {
                bareEntity(out, true);
            } else {
                messageEntity(out, depth + 1, true);
            }
            out.append("\r\n");
        }
        out.append("--").append(boundary).append("--\r\n");
    }

    private void messageEntity(StringBuilder out, int depth, boolean typeOptional) {
        if (!typeOptional || chance(50)) {
            header(out, "Content-Type", pick("message/rfc822", "MESSAGE/RFC822", "message/rfc822; x=y"));
        }
        if (chance(30)) {
            header(out, "Content-Disposition", pick("inline", "attachment; filename=fwd.eml"));
        }
        out.append("\r\n");
        topHeaders(out, depth);
        entity(out, depth + 1, false);
    }

    /** A multipart whose boundary is missing or never used, or whose close delimiter is missing. */
    private void brokenMultipart(StringBuilder out) {
        String boundary = boundary();
        switch (random.nextInt(3)) {
            case 0 -> {
                header(out, "Content-Type", "multipart/mixed");
                out.append("\r\n--").append(boundary).append("\r\n\r\ntext\r\n--").append(boundary).append("--\r\n");
            }
            case 1 -> {
                header(out, "Content-Type", "multipart/alternative; boundary=\"" + boundary + "\"");
                out.append("\r\nno delimiter in here\r\nat all\r\n");
            }
            default -> {
                header(out, "Content-Type", "multipart/mixed; boundary=" + boundary);
                out.append("\r\n--").append(boundary).append("\r\nContent-Type: text/plain\r\n\r\nunterminated");
                out.append(chance(50) ? "\r\n" : "");
            }
        }
    }

    private void contentHeaders(StringBuilder out) {
        if (chance(25)) {
            header(out, "Content-ID", "<part" + random.nextInt(100) + "@x.y>");
        }
        if (chance(20)) {
            header(out, "Content-Description", pick("a description", "Attachment", "two words"));
        }
        if (chance(30)) {
            header(out, "Content-Disposition", pick("inline", "attachment", "ATTACHMENT; filename=\"report 1.pdf\"",
                "attachment; filename=a.txt; size=1234", "inline; Filename=\"x\"; creation-date=\"Mon, 7 Dec 2026 10:00:00 +0000\"",
            "attachment; filename*=UTF-8''%E6%97%A5.txt", "attachment; filename*0=\"a\"; filename*1=\"b.txt\"; size=3"));
        }
        if (chance(15)) {
            header(out, "Content-Language", pick("en", "en, de", "fr-CA"));
        }
        if (chance(10)) {
            header(out, "Content-Location", pick("http://example.com/a", "file.txt"));
        }
        if (chance(5)) {
            header(out, "Content-MD5", "Q2hlY2sgSW50ZWdyaXR5IQ==");
        }
    }

    private void body(StringBuilder out, boolean sparse) {
        int lines = random.nextInt(sparse ? 2 : 6);
        for (int i = 0; i < lines; i++) {
            out.append(text(random.nextInt(6))).append("\r\n");
        }
        if (chance(30)) {
            out.append("no final line break");
        }
    }

    private String addressList(int count, boolean groups) {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (groups && chance(12)) {
                items.add(pick("Friends", "undisclosed-recipients", "A Team") + ":"
                    + (chance(40) ? "" : " " + address() + (chance(50) ? ", " + address() : "")) + ";");
            } else {
                items.add(address());
            }
        }
        String separator = chance(20) ? ",\r\n\t" : ", ";
        return String.join(separator, items);
    }

    private String address() {
        String spec = pick(LOCALS) + "@" + pick(DOMAINS);
        return switch (random.nextInt(6)) {
            case 0 -> spec;
            case 1 -> "<" + spec + ">";
            case 2 -> "\"" + pick(NAMES).replace("\\", "\\\\").replace("\"", "\\\"") + "\" <" + spec + ">";
            case 3 -> pick("Ann", "Bob Smith", "=?utf-8?q?J=C3=B6rg?=", "Zo\u00eb", "X  Y") + " <" + spec + ">";
            case 4 -> spec + " (" + pick("Ann", "Bob Smith", "comment here") + ")";
            default -> "<@relay.example,@r2.example:" + spec + ">";
        };
    }

    private String text(int words) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                text.append(chance(10) ? "  " : chance(5) ? "\r\n " : " ");
            }
            text.append(pick(WORDS));
        }
        if (chance(5)) {
            text.append("  ");
        }
        return text.toString();
    }

    /**
     * A new boundary; now and then one that the last boundary is a prefix of, or that is a prefix
     * of it, so delimiter lines match more than one open multipart (the innermost wins).
     */
    private String boundary() {
        boundaries++;
        String fresh = "=_b" + boundaries + "_" + Integer.toHexString(0x100000 + random.nextInt(0xeffff)) + "z";
        String previous = lastBoundary;
        lastBoundary = previous != null && chance(8) ? previous + "x"
                : previous != null && previous.length() > 4 && chance(5) ? previous.substring(0, previous.length() - 1)
                : fresh;
        return lastBoundary;
    }

    private static void header(StringBuilder out, String name, String value) {
        out.append(name).append(": ").append(value).append("\r\n");
    }

    private String pick(String... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private boolean chance(int percent) {
        return random.nextInt(100) < percent;
    }
}
