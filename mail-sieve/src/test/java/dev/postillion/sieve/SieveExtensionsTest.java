package dev.postillion.sieve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.postillion.sieve.SieveAction.FileInto;
import dev.postillion.sieve.SieveAction.Keep;
import dev.postillion.sieve.SieveAction.Redirect;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The extensions, mostly by their RFCs' examples: variables (RFC 5229), relational (RFC 5231),
 * imap4flags (RFC 5232), body (RFC 5173), subaddress (RFC 5233), copy (RFC 3894), envelope
 * (RFC 5228 s5.4); and where Pigeonhole differs from the RFCs, what the RFCs say.
 */
class SieveExtensionsTest {

    private static final String LIST_MAIL = """
            From: coyote@desert.example.org
            To: "Ken" <ken+mta-filters@example.com>
            List-ID: <mta-filters.imc.org>
            Subject: [acme-users] [fwd] version 1.0 is out
            X-Priority: 1
            Received: from a by b
            Received: from c by d
            Cc: qux@example.com.invalid, baz@example.com.invalid

            Hello.
            """;

    private static List<SieveAction> run(String script, String message) throws Exception {
        return SieveScript.compile(script).evaluate(RawMessage.of("coyote@desert.example.org", "ken+mta-filters@example.com", message));
    }

    private static List<SieveAction> run(String script) throws Exception {
        return run(script, LIST_MAIL);
    }

    private static List<SieveAction> into(String folder) {
        return List.of(new FileInto(folder, Set.of()));
    }

    @Test
    void variablesAndTheirExpansion() throws Exception {
        // RFC 5229 s3 example; variable names are case-insensitive
        String script = "require [\"variables\", \"fileinto\"];\r\n"
                + "set \"honorific\"  \"Mr\";\r\nset \"first_name\" \"Wile\";\r\nset \"last_name\"  \"Coyote\";\r\n"
                + "set \"vacation\" text:\r\nDear ${HONORIFIC} ${last_name},\r\nI'm out.\r\n.\r\n;\r\n"
                + "fileinto \"${vacation}${unknown}${a.b}${\";";
        assertEquals(into("Dear Mr Coyote,\r\nI'm out.\r\n${a.b}${"), run(script));
    }

    @Test
    void setModifiers() throws Exception {
        // RFC 5229 s4.1's examples
        String script = """
                require ["variables", "fileinto"];
                set "a" "juMBlEd lETteRS";
                set :length "b" "${a}";
                set :lower "c" "${a}";
                set :upperfirst "d" "${a}";
                set :upperfirst :lower "e" "${a}";
                set :quotewildcard "f" "Rock*";
                fileinto "${b}|${c}|${d}|${e}|${f}";
                """;
        assertEquals(into("15|jumbled letters|JuMBlEd lETteRS|Jumbled letters|Rock\\*"), run(script));
    }

    @Test
    void matchVariables() throws Exception {
        // RFC 5229 s3.2's examples: each "*" takes as little as lets the rest match
        assertEquals(into("acme-users|[fwd] version 1.0 is out|[acme-users] [fwd] version 1.0 is out"), run("""
                require ["variables", "fileinto"];
                if header :matches "Subject" "[*] *" { fileinto "${1}|${2}|${0}"; }
                """));
        assertEquals(into("INBOX.lists.imc.org"), run("""
                require ["variables", "fileinto"];
                if header :matches "List-ID" "*<*@*" { fileinto "INBOX.lists.${2}"; stop; }
                if header :matches "List-ID" "<*.*>" { fileinto "INBOX.lists.${2}"; }
                """));
        // a failed :matches leaves them; "?" is a variable too
        assertEquals(into("acme|k|n"), run("""
                require ["variables", "fileinto"];
                if header :matches "Subject" "[*-*" { set "x" "${1}"; }
                if header :matches "Subject" "nothing*" { set "x" "no"; }
                if address :localpart :matches "To" "?e?*" { fileinto "${x}|${1}|${2}"; }
                """));
        assertEquals(into("yes"), run("""
                require ["variables", "fileinto"];
                if string :is "${1}" "" { fileinto "yes"; }
                """));
    }

    @Test
    void wildcardsMatchOneCharacterPerQuestionMarkAndNeverBlowUp() throws Exception {
        // RFC 5228 s2.7.1: "?" is exactly one character (Pigeonhole 2.3 lets "a?n?a*" match "anna+x")
        assertEquals(List.of(new Keep(Set.of())), run("""
                require ["envelope", "fileinto"];
                if envelope :all :matches "to" "k?n?a*" { fileinto "wrong"; }
                """));
        String value = "a".repeat(20_000);
        String script = "require [\"variables\", \"fileinto\"];\nif string :matches \"" + value
                + "\" \"*a*a*a*a*a*a*a*a*b\" { fileinto \"wrong\"; }\nif string :matches \"" + value
                + "\" \"*a*a*a*a*a*a*a*a*\" { fileinto \"right\"; }";
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertEquals(into("right"), run(script)));
    }

    @Test
    void relationalTests() throws Exception {
        // RFC 5231 s9's examples on its message: two Received, three addresses in To and Cc, priority 1
        String require = "require [\"relational\", \"comparator-i;ascii-numeric\", \"fileinto\"];\n";
        assertEquals(into("a"), run(require + "if address :count \"ge\" :comparator \"i;ascii-numeric\" [\"to\", \"cc\"] [\"3\"] { fileinto \"a\"; }"));
        assertEquals(List.of(new Keep(Set.of())), run(require
                + "if header :count \"ge\" :comparator \"i;ascii-numeric\" [\"received\"] [\"3\"] { fileinto \"b\"; }"));
        assertEquals(into("c"), run(require + "if header :value \"lt\" :comparator \"i;ascii-numeric\" [\"x-priority\"] [\"3\"] { fileinto \"c\"; }"));
        assertEquals(into("d"), run(require + "if header :count \"eq\" :comparator \"i;ascii-numeric\" \"x-missing\" \"0\" { fileinto \"d\"; }"));
        assertEquals(into("e"), run(require + "if address :value \"gt\" :all :comparator \"i;ascii-casemap\" [\"from\"] [\"BOSS@desert\"] { fileinto \"e\"; }"));
    }

    @Test
    void comparatorsFollowRfc4790() throws Exception {
        String require = "require [\"relational\", \"comparator-i;ascii-numeric\", \"variables\", \"fileinto\"];\n";
        // s9.1.1: a string without leading digits is positive infinity, equal to any other such (also "")
        assertEquals(into("a"), run(require + "if string :comparator \"i;ascii-numeric\" :is \"\" \"example\" { fileinto \"a\"; }"));
        assertEquals(into("b"), run(require + "if string :comparator \"i;ascii-numeric\" :value \"gt\" \"x\" \"99999\" { fileinto \"b\"; }"));
        assertEquals(into("c"), run(require + "if string :comparator \"i;ascii-numeric\" :is \"0042abc\" \"42\" { fileinto \"c\"; }"));
        // s9.2: i;ascii-casemap orders after mapping a-z to A-Z ("_" is above "A", below "a")
        assertEquals(into("d"), run(require + "if string :value \"ge\" \"Folder2\" \"cafe\" { fileinto \"d\"; }"));
        assertEquals(into("e"), run(require + "if string :value \"gt\" \"_\" \"a\" { fileinto \"e\"; }"));
        assertEquals(into("f"), run(require + "if string :comparator \"i;octet\" :value \"lt\" \"_\" \"a\" { fileinto \"f\"; }"));
        assertEquals(into("g"), run(require + "if header :contains \"subject\" \"ACME\" { fileinto \"g\"; }"));
        assertEquals(List.of(new Keep(Set.of())), run(require + "if header :comparator \"i;octet\" :contains \"subject\" \"ACME\" { fileinto \"h\"; }"));
    }

    @Test
    void imapFlags() throws Exception {
        // RFC 5232 s3-s5: the internal variable, named variables, :flags, the implicit keep's flags
        assertEquals(List.of(new FileInto("INBOX.From Boss", Set.of("\\Flagged"))), run("""
                require ["imap4flags", "fileinto", "variables"];
                if header :contains "from" "coyote@desert.example.org" {
                    setflag "flagvar" "\\\\Flagged";
                    fileinto :flags "${flagvar}" "INBOX.From Boss";
                }
                """));
        assertEquals(List.of(new FileInto("a", Set.of("\\Seen", "$Work")), new Keep(Set.of("$Work"))), run("""
                require ["imap4flags", "fileinto"];
                setflag ["\\\\Seen $Work", "\\\\Deleted"];
                addflag "\\\\seen";
                removeflag "\\\\Deleted";
                fileinto "a";
                removeflag "\\\\SEEN";
                keep;
                """));
        assertEquals(List.of(new FileInto("two", Set.of("\\Answered", "$MDNSent"))), run("""
                require ["imap4flags", "fileinto", "relational", "comparator-i;ascii-numeric"];
                addflag ["\\\\Answered", "$MDNSent"];
                if allof (hasflag :count "eq" :comparator "i;ascii-numeric" "2", hasflag "$mdnsent",
                          hasflag :matches "$*", not hasflag "\\\\Seen") { fileinto "two"; }
                """));
        assertEquals(List.of(new Keep(Set.of("\\Seen"))), run("require \"imap4flags\";\naddflag \"\\\\Seen\";"));
        // what is no IMAP flag (RFC 3501 s9) is left out
        assertEquals(List.of(new Keep(Set.of("ok", "\\Draft"))),
                run("require \"imap4flags\";\naddflag [\"a*b ok\", \"\\\\Recent \\\\Foo\", \"x(y\", \"\\\\draft\", \"OK\"];"));
    }

    @Test
    void bodyTransforms() throws Exception {
        String mail = """
                From: coyote@desert.example.org
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="b"

                the prologue
                --b
                Content-Type: text/plain; charset=iso-8859-1
                Content-Transfer-Encoding: quoted-printable

                Ceci est un caf=E9 =3D MAKE MONEY FAST
                --b
                Content-Type: application/pdf
                Content-Transfer-Encoding: base64

                bWlzc2lsZSBwbGFucw==
                --b--
                """;
        String require = "require [\"body\", \"fileinto\"];\n";
        // RFC 5173 s5's examples: :raw is undecoded, :content decodes the parts, :text reads the text parts
        assertEquals(into("raw"), run(require + "if body :raw :contains \"caf=E9\" { fileinto \"raw\"; }", mail));
        assertEquals(into("text"), run(require + "if body :text :contains \"caf\u00e9 = make money\" { fileinto \"text\"; }", mail));
        assertEquals(into("pdf"), run(require + "if body :content \"application/pdf\" :contains \"missile\" { fileinto \"pdf\"; }", mail));
        assertEquals(List.of(new Keep(Set.of())), run(require + "if body :text :contains \"missile\" { fileinto \"no\"; }", mail));
        assertEquals(into("prologue"), run(require + "if body :content \"multipart\" :contains \"prologue\" { fileinto \"prologue\"; }", mail));
        // a message/rfc822 part is its message's header; its parts are parts of their own
        String forwarded = "From: a@example.test\nContent-Type: message/rfc822\n\nFrom: b@example.test\nSubject: fw\n\ninner\n";
        assertEquals(into("header"), run(require + "if body :content \"message/rfc822\" :contains \"Subject: fw\" { fileinto \"header\"; }", forwarded));
        assertEquals(into("inner"), run(require + "if body :text :is \"inner\r\n\" { fileinto \"inner\"; }", forwarded));
        assertEquals(into("plain"), run(require + "if body :contains \"Hello\" { fileinto \"plain\"; }"));
    }

    @Test
    void subaddresses() throws Exception {
        // RFC 5233 s5's example
        String script = """
                require ["envelope", "subaddress", "fileinto"];
                if envelope :user "to" "ken" { fileinto "mailboxes"; }
                if envelope :detail "to" "mta-filters" { fileinto "inbox.ietf-mta-filters"; }
                if address :detail "to" "" { fileinto "empty detail"; }
                """;
        assertEquals(List.of(new FileInto("mailboxes", Set.of()), new FileInto("inbox.ietf-mta-filters", Set.of())), run(script));
        SieveScript compiled = SieveScript.compile(script);
        assertEquals(List.of(new Keep(Set.of())), compiled.evaluate(RawMessage.of("a@example.test", "ken+x@example.com", "To: ken@example.com\n\nx"), "-"));
        assertEquals(List.of(new FileInto("mailboxes", Set.of()), new FileInto("empty detail", Set.of())),
                compiled.evaluate(RawMessage.of("a@example.test", "ken-@example.com", "To: ken-@example.com\n\nx"), "-"));
    }

    @Test
    void copyKeepsTheImplicitKeep() throws Exception {
        // RFC 3894 s3
        assertEquals(List.of(new FileInto("x", Set.of()), new Keep(Set.of()), new Redirect("a@example.test")),
                run("require [\"copy\", \"fileinto\"];\nfileinto :copy \"x\";\nredirect :copy \"a@example.test\";"));
        // a later fileinto without :copy cancels it, though it is the same delivery (RFC 5228 s2.10.3);
        // Pigeonhole 2.3 drops the repeated action whole and keeps the implicit keep
        assertEquals(into("x"), run("require [\"copy\", \"fileinto\"];\nfileinto :copy \"x\";\nfileinto \"x\";"));
    }

    @Test
    void envelopeParts() throws Exception {
        String script = """
                require ["envelope", "fileinto"];
                if envelope :domain "from" "desert.example.org" { fileinto "domain"; }
                if envelope :localpart :is "from" "" { fileinto "null sender"; }
                """;
        assertEquals(into("domain"), run(script));
        // RFC 5228 s5.4: the null reverse-path is "" whatever the address part
        assertEquals(into("null sender"), SieveScript.compile(script).evaluate(RawMessage.of("", "ken@example.com", LIST_MAIL)));
    }
}
