package dev.postillion.sieve;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Messages for the differential test: address fields of every shape, MIME bodies in the usual encodings. */
final class GeneratedMessages {

    static final List<String> ENVELOPE_FROM = List.of("sender@example.org", "Bob@Example.ORG",
            "list-bounces+anna=example.test@lists.example.net", "carol+lists@lists.example.net");
    static final List<String> ENVELOPE_TO = List.of("anna+news@example.test", "anna@example.test",
            "anna+@example.test", "bob+a+b@example.org");
    static final List<String> ADDRESSES = List.of("anna@example.test", "anna+news@example.test",
            "Bob Smith <bob@example.org>", "\"Carol\" <carol+lists@lists.example.net>", "dave@EXAMPLE.test",
            "friends: eve@example.com, frank+x@example.com;", "coyote@desert.example.org (Wile E.)");
    static final List<String> SUBJECTS = List.of("Hello world", "[acme-users] [fwd] version 1.0 is out",
            "Make money fast", "Re: meeting at 10", "URGENT: 50% off", "x*y?z \\ done", "");
    static final List<String> SCORES = List.of("3", "12", "007", "abc", "-1", "4.5");
    static final List<String> WORDS = List.of("lottery", "invoice", "meeting", "Hello", "caf\u00e9");

    private GeneratedMessages() {}

    static String message(Random random) {
        StringBuilder header = new StringBuilder();
        header.append("From: ").append(pick(random, ADDRESSES)).append('\n');
        header.append("To: ").append(pick(random, ADDRESSES));
        if (random.nextBoolean()) {
            header.append(", ").append(pick(random, ADDRESSES));
        }
        header.append('\n');
        if (random.nextBoolean()) {
            header.append("Cc: ").append(pick(random, ADDRESSES)).append('\n');
        }
        header.append("Subject: ").append(pick(random, SUBJECTS)).append('\n');
        if (random.nextBoolean()) {
            header.append("X-Spam-Score: ").append(pick(random, SCORES)).append('\n');
        }
        if (random.nextInt(3) == 0) {
            header.append("X-Spam-Score: ").append(pick(random, SCORES)).append('\n');
        }
        if (random.nextBoolean()) {
            header.append("List-Id: Acme users <acme.lists.example.net>\n");
        }
        header.append("Message-ID: <").append(random.nextInt(1_000_000)).append("@example.org>\n");
        return (header + body(random)).replace("\n", "\r\n");
    }

    private static String text(Random random) {
        List<String> words = new ArrayList<>();
        for (int i = random.nextInt(6) + 1; i > 0; i--) {
            words.add(pick(random, WORDS));
        }
        return String.join(" ", words);
    }

    private static String body(Random random) {
        String text = text(random);
        return switch (random.nextInt(7)) {
            case 0 -> "\n" + text + "\n";
            case 1 -> "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n" + text + "\n";
            case 2 -> "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
                    + quotedPrintable(text) + "\n";
            case 3 -> "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
                    + base64(text) + "\n";
            case 4 -> "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b1\"\n\npreamble\n--b1\n"
                    + "Content-Type: text/plain; charset=utf-8\n\n" + text + "\n--b1\n"
                    + "Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n"
                    + base64(text(random)) + "\n--b1--\n";
            case 5 -> "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b3\"\n\n--b3\n"
                    + "Content-Type: text/plain\n\n" + text + "\n--b3\nContent-Type: message/rfc822\n\n"
                    + "From: bob@example.org\nSubject: forwarded\nContent-Type: text/plain\n\n" + text(random)
                    + "\n--b3--\nepilogue " + text(random) + "\n";
            default -> "MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"b2\"\n\n--b2\n"
                    + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
                    + quotedPrintable(text) + "\n--b2\nContent-Type: text/calendar; charset=utf-8\n\n"
                    + "BEGIN:VCALENDAR " + text(random) + "\n--b2--\n";
        };
    }

    private static String base64(String text) {
        return java.util.Base64.getMimeEncoder().encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Quoted-printable (RFC 2045 s6.7) with every non-ASCII octet and every "e" encoded, and a soft line break. */
    private static String quotedPrintable(String text) {
        StringBuilder out = new StringBuilder();
        byte[] octets = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int i = 0; i < octets.length; i++) {
            int c = octets[i] & 0xff;
            out.append(c >= 128 || c == '=' || c == 'e' ? String.format("=%02X", c) : String.valueOf((char) c));
            if (i == octets.length / 2) {
                out.append("=\n");
            }
        }
        return out.toString();
    }

    static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
