package dev.postillion.sieve;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Any text is either compiled or refused with a {@link SieveSyntaxError}, and a compiled script
 * either runs or fails with a {@link SieveRuntimeError}: never another exception. The texts are
 * random runs of the language's words, with now and then a random character put in.
 */
class SieveRobustnessTest {

    private static final List<String> WORDS = List.of("require", "[", "]", "\"fileinto\"", "\"variables\"", ";", ",", "(",
            ")", "{", "}", "if", "elsif", "else", "header", "address", "envelope", "body", "string", "hasflag", "exists",
            "size", "allof", "anyof", "not", "true", "false", "keep", "discard", "stop", "fileinto", "redirect", "setflag",
            "addflag", "removeflag", "set", ":is", ":contains", ":matches", ":count", ":value", ":comparator", ":all",
            ":localpart", ":domain", ":user", ":detail", ":raw", ":text", ":content", ":over", ":under", ":copy", ":flags",
            ":lower", ":upper", ":length", ":quotewildcard", "\"x\"", "\"${1}\"", "\"a@b.c\"", "\"*?\"", "\"gt\"",
            "\"i;ascii-numeric\"", "10K", "5", "text:\n..a\n.\n", "#c\n", "/* c */", "\"${a}\"", "\"\"", "\"From\"",
            "\"to\"", "\"Subject\"", "\"text\"");

    private static final String REQUIRE = "require [\"fileinto\", \"variables\", \"imap4flags\", \"body\", \"relational\", "
            + "\"envelope\", \"subaddress\", \"copy\", \"comparator-i;ascii-numeric\"];\n";

    @Test
    void everyTextIsCompiledOrRefused() {
        Random random = new Random(5228);
        RawMessage message = RawMessage.of("a@b.c", "x+y@d.e", "From: a@b.c\nTo: x+y@d.e\nSubject: hi\n"
                + "Content-Type: multipart/mixed; boundary=q\n\n--q\nContent-Type: text/plain\n\nhello\n--q--\n");
        int compiled = 0;
        for (int i = 0; i < 5_000; i++) {
            StringBuilder script = new StringBuilder(REQUIRE);
            for (int words = random.nextInt(25); words > 0; words--) {
                script.append(WORDS.get(random.nextInt(WORDS.size()))).append(random.nextInt(5) == 0 ? "\n" : " ");
            }
            if (random.nextInt(10) == 0) {
                script.insert(random.nextInt(script.length()), (char) random.nextInt(128));
            }
            try {
                SieveScript.compile(script.toString()).evaluate(message);
                compiled++;
            } catch (SieveSyntaxError | SieveRuntimeError expected) {
                // refused, or failed at run time: both are answers
            } catch (RuntimeException e) {
                fail("script " + i + " threw " + e + ":\n" + script, e);
            }
        }
        assertTrue(compiled > 50, compiled + " of the scripts compiled");
    }
}
