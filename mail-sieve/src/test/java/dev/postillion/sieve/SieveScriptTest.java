package dev.postillion.sieve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.postillion.sieve.SieveAction.Discard;
import dev.postillion.sieve.SieveAction.FileInto;
import dev.postillion.sieve.SieveAction.Keep;
import dev.postillion.sieve.SieveAction.Redirect;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** RFC 5228's base language: its s9 example, the actions, their collapsing, the limits. */
class SieveScriptTest {

    static final String MESSAGE = """
            Return-Path: <owner-ietf-mta-filters@imc.org>
            Date: Tue, 1 Apr 1997 09:06:31 -0800 (PST)
            From: coyote@desert.example.org
            To: roadrunner@acme.example.com
            Cc: "Wile E." <wile+traps@acme.example.com>, boss@acme.example.com
            Subject: I have a present for you
            X-Caffeine: C8H10N4O2

            Look, I'm sorry about the whole anvil thing, and I really
            didn't mean to try and drop it on you from the high cliff.  I
            realize it was a bad idea.
            """;

    static List<SieveAction> run(String script, String message) throws Exception {
        return SieveScript.compile(script).evaluate(RawMessage.of("coyote@desert.example.org", "roadrunner+gifts@acme.example.com", message));
    }

    static List<SieveAction> run(String script) throws Exception {
        return run(script, MESSAGE);
    }

    static SieveSyntaxError refused(String script) {
        return assertThrows(SieveSyntaxError.class, () -> SieveScript.compile(script));
    }

    @Test
    void anEmptyScriptKeeps() throws Exception {
        assertEquals(List.of(new Keep(Set.of())), run(""));
        assertEquals(List.of(new Keep(Set.of())), run("# nothing\n/* at all */\n"));
    }

    @Test
    void rfc5228Section9Example() throws Exception {
        String script = """
                require ["fileinto"];
                if header :is "Sender" "owner-ietf-mta-filters@imc.org"
                        {
                        fileinto "filter";  # move to "filter" mailbox
                        }
                #
                # Keep all messages to or from people in my company
                #
                elsif address :DOMAIN :is ["From", "To"] "example.com"
                        {
                        keep;               # keep in "In" mailbox
                        }

                #
                # Try and catch unsolicited email.  If a message is not to me,
                # or it contains a subject known to be spam, file it away.
                #
                elsif anyof (NOT address :all :contains
                               ["To", "Cc", "Bcc"] "me@example.com",
                             header :matches "subject"
                               ["*make*money*fast*", "*university*dipl*mas*"])
                        {
                        fileinto "spam";   # move to "spam" mailbox
                        }
                else
                        {
                        # Move all other (non-company) mail to "personal"
                        # mailbox.
                        fileinto "personal";
                        }
                """;
        assertEquals(List.of(new FileInto("spam", Set.of())), run(script));
        assertEquals(List.of(new FileInto("filter", Set.of())), run(script, "Sender: owner-ietf-mta-filters@imc.org\n\nx\n"));
        assertEquals(List.of(new Keep(Set.of())), run(script, "From: a@example.com\n\nx\n"));
        assertEquals(List.of(new FileInto("personal", Set.of())), run(script, "To: me@example.com.au\nSubject: hello\n\nx\n"));
    }

    @Test
    void discardRedirectAndStop() throws Exception {
        assertEquals(List.of(new Discard()), run("discard;"));
        assertEquals(List.of(new Redirect("bob@example.test")), run("redirect \"bob@example.test\";"));
        assertEquals(List.of(new Keep(Set.of())), run("stop; discard;"));
        assertEquals(List.of(new Discard()), run("if size :over 100 { discard; stop; } keep;"));
        assertEquals(List.of(new Keep(Set.of())), run("if size :over 1M { discard; stop; } keep;"));
    }

    @Test
    void duplicateDeliveriesCollapse() throws Exception {
        // RFC 5228 s2.10.3: keep and fileinto "INBOX" are one delivery, as are two redirects to one address
        assertEquals(List.of(new Keep(Set.of()), new Redirect("a@example.test")),
                run("require \"fileinto\"; keep; fileinto \"INBOX\"; redirect \"a@example.test\"; redirect \"a@example.test\";"));
        assertEquals(List.of(new FileInto("x", Set.of())), run("require \"fileinto\"; fileinto \"x\"; fileinto \"x\";"));
    }

    @Test
    void redirectsAreLimited() throws Exception {
        StringBuilder script = new StringBuilder();
        for (int i = 1; i <= SieveScript.MAX_REDIRECTS; i++) {
            script.append("redirect \"r").append(i).append("@example.test\";\n");
        }
        assertEquals(SieveScript.MAX_REDIRECTS, run(script.toString()).size());
        script.append("redirect \"r9@example.test\";\n");
        SieveScript compiled = SieveScript.compile(script.toString());
        SieveRuntimeError error = assertThrows(SieveRuntimeError.class,
                () -> compiled.evaluate(RawMessage.of("a@example.test", "b@example.test", MESSAGE)));
        assertEquals("more than 4 redirects in one run", error.getMessage());
    }

    @Test
    void stringsNumbersAndComments() throws Exception {
        String script = "require \"fileinto\";\r\nif header :is \"X-Caffeine\" \"C8H10N4O2\" {\r\n"
                + "fileinto text: # a comment\r\n..dotted\r\nline\r\n.\r\n; }";
        assertEquals(List.of(new FileInto(".dotted\r\nline\r\n", Set.of())), run(script));
        assertEquals(List.of(new FileInto("a\"b\\c", Set.of())), run("require \"fileinto\"; fileinto \"a\\\"b\\\\\\c\";"));
        assertEquals(List.of(new Discard()), run("if size :under 1K { discard; }"));
        assertEquals(List.of(new Keep(Set.of())), run("if size :over 1G { discard; }"));
    }

    @Test
    void scriptsTooLargeAreRefused() {
        String script = "#" + "x".repeat(SieveScript.MAX_SIZE) + "\nkeep;";
        assertEquals("line 1, column 1: script is 65543 octets, larger than the 65536 allowed", refused(script).getMessage());
    }
}
