package dev.postillion.sieve;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** A script that cannot run is refused with its line, column and the problem, exactly. */
class SieveSyntaxErrorTest {

    private static final Map<String, String> REFUSED = Map.ofEntries(
            Map.entry("require \"fileinto\";\nif true {\n  filinto \"x\";\n}", "line 3, column 3: unknown command \"filinto\""),
            Map.entry("keep\ndiscard;", "line 2, column 1: missing semicolon after command \"keep\" (found \"discard\")"),
            Map.entry("keep", "line 1, column 5: missing semicolon after command \"keep\" (found end of script)"),
            Map.entry("fileinto \"x\";", "line 1, column 1: fileinto requires \"fileinto\" in require"),
            Map.entry("require [\"fileinto\", \"regex\"];", "line 1, column 9: unsupported extension \"regex\" in require"),
            Map.entry("require \"fileinto\";\nfileinto 5;", "line 2, column 10: argument 1 of fileinto must be a string, not a number"),
            Map.entry("require \"fileinto\";\nfileinto [\"a\", \"b\"];",
                    "line 2, column 10: argument 1 of fileinto must be a string, not a string list"),
            Map.entry("if header :bogus \"a\" \"b\" { keep; }", "line 1, column 11: unknown tag :bogus for test \"header\""),
            Map.entry("if header :is :contains \"a\" \"b\" { keep; }",
                    "line 1, column 15: tags :is and :contains cannot be used together (one match type)"),
            Map.entry("if header \"a\" :is \"b\" { keep; }",
                    "line 1, column 15: tag :is must come before the positional arguments of header"),
            Map.entry("if header :comparator \"i;ascii-numeric\" \"a\" \"b\" { keep; }",
                    "line 1, column 23: comparator \"i;ascii-numeric\" requires \"comparator-i;ascii-numeric\" in require"),
            Map.entry("require \"comparator-i;ascii-numeric\";\nif header :contains :comparator \"i;ascii-numeric\" \"a\" \"b\" { keep; }",
                    "line 2, column 33: comparator \"i;ascii-numeric\" cannot be used with :contains"),
            Map.entry("if header :comparator \"x;y\" \"a\" \"b\" { keep; }", "line 1, column 23: unknown comparator \"x;y\""),
            Map.entry("keep;\nrequire \"fileinto\";", "line 2, column 1: require must come before any other command"),
            Map.entry("elsif true { keep; }", "line 1, column 1: elsif must follow if or elsif"),
            Map.entry("if true { keep; } else { discard; } else { keep; }", "line 1, column 37: else must follow if or elsif"),
            Map.entry("if true keep;", "line 1, column 9: unexpected \"keep\" after test \"true\""),
            Map.entry("if true, false { keep; }", "line 1, column 8: \"if\" needs a block in braces (found \",\")"),
            Map.entry("if true { keep; ", "line 1, column 17: unexpected end of script, expected a command or \"}\""),
            Map.entry("keep; }", "line 1, column 7: unexpected \"}\", expected a command"),
            Map.entry("\"x\";", "line 1, column 1: unexpected string, expected a command"),
            Map.entry("stop { keep; }", "line 1, column 1: command \"stop\" takes no block: missing semicolon"),
            Map.entry("redirect \"not an address\";",
                    "line 1, column 10: redirect address \"not an address\" is not a valid mail address"),
            Map.entry("if header \"Subject\" { keep; }", "line 1, column 4: test \"header\" takes 2 positional arguments, not 1"),
            Map.entry("keep \"x\";", "line 1, column 1: command \"keep\" takes 0 positional arguments, not 1"),
            Map.entry("if size 100 { keep; }", "line 1, column 4: size needs :over or :under"),
            Map.entry("if header :count \"gt\" \"a\" \"1\" { keep; }", "line 1, column 11: :count requires \"relational\" in require"),
            Map.entry("require \"relational\"; if header :count \"xx\" \"a\" \"1\" { keep; }",
                    "line 1, column 40: unknown relational operator \"xx\" (gt, ge, lt, le, eq or ne)"),
            Map.entry("require \"variables\"; set \"1a\" \"x\";", "line 1, column 26: invalid variable name \"1a\""),
            Map.entry("require \"variables\"; set :lower :upper \"a\" \"x\";",
                    "line 1, column 33: tags :lower and :upper cannot be used together (one case modifier)"),
            Map.entry("if address :all \"Subject\" \"x\" { keep; }",
                    "line 1, column 17: header \"Subject\" holds no addresses for the address test"),
            Map.entry("require \"envelope\"; if envelope \"auth\" \"x\" { keep; }",
                    "line 1, column 33: unknown envelope part \"auth\" (from or to)"),
            Map.entry("if anyof () { keep; }", "line 1, column 11: unexpected \")\", expected a test"),
            Map.entry("if not (true, false) { keep; }", "line 1, column 4: test \"not\" needs exactly one test"),
            Map.entry("if header \"a\" \"b", "line 1, column 15: string is not closed with \"\"\""),
            Map.entry("/* open", "line 1, column 1: comment \"/*\" is not closed with \"*/\""),
            Map.entry("if header :is \"a\" text:\nxx\n", "line 1, column 19: multi-line string is not ended by a line with only \".\""),
            Map.entry("if header :is [\"a\" \"b\"] \"c\" { keep; }",
                    "line 1, column 20: unexpected string in a string list, expected \",\" or \"]\""),
            Map.entry("require \"imap4flags\"; setflag \"v\" \"\\\\Seen\";",
                    "line 1, column 31: the variable name argument of setflag requires \"variables\" in require"),
            Map.entry("if size :over 99999999999999999999 { keep; }", "line 1, column 15: number 99999999999999999999 is too large"),
            Map.entry("require \"copy\"; redirect :copy :copy \"a@example.test\";", "line 1, column 32: tag :copy is given twice"),
            Map.entry("if true {" + "if true {".repeat(SieveParser.MAX_NESTING) + "}".repeat(SieveParser.MAX_NESTING + 1),
                    "line 1, column 292: blocks and tests are nested deeper than 32"));

    @Test
    void errorsNameLineColumnAndProblem() {
        List<Executable> checks = new ArrayList<>();
        REFUSED.forEach((script, message) -> checks.add(() -> assertEquals(message,
                assertThrows(SieveSyntaxError.class, () -> SieveScript.compile(script), script).getMessage(), script)));
        assertAll(checks);
    }

    @Test
    void theErrorCarriesItsParts() {
        SieveSyntaxError error = assertThrows(SieveSyntaxError.class, () -> SieveScript.compile("keep;\n\n  filinto \"x\";"));
        assertEquals(3, error.line());
        assertEquals(3, error.column());
        assertEquals("unknown command \"filinto\"", error.problem());
    }

    @Test
    void vacationIsTheResponder() {
        SieveSyntaxError error = assertThrows(SieveSyntaxError.class,
                () -> SieveScript.compile("require [\"fileinto\", \"vacation\"];\nvacation \"I am away\";"));
        assertEquals("line 1, column 9: \"vacation\" is not supported: out-of-office replies are the address's responder "
                + "(admin API /api/v1/addresses/{address}/responders), not a Sieve action", error.getMessage());
    }

    @Test
    void extensionsNamesWhatRequireAccepts() throws Exception {
        assertEquals(List.of("fileinto", "envelope", "imap4flags", "body", "variables", "relational", "subaddress", "copy",
                "comparator-i;ascii-numeric"), SieveScript.extensions());
        StringBuilder require = new StringBuilder("require [");
        for (String extension : SieveScript.extensions()) {
            require.append('"').append(extension).append("\", ");
        }
        SieveScript.compile(require.append("\"comparator-i;octet\", \"comparator-i;ascii-casemap\"];").toString());
    }
}
