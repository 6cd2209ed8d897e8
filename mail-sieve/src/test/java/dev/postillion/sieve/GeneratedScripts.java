package dev.postillion.sieve;

import static dev.postillion.sieve.GeneratedMessages.pick;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Scripts for the differential test, from a small grammar over every supported command, test,
 * tag and extension; keys are drawn from the values the generated messages hold, so that tests
 * both match and miss. {@link #broken} turns a script into one with a single, typical mistake.
 */
final class GeneratedScripts {

    private static final List<String> REQUIRE = List.of("fileinto", "envelope", "imap4flags", "body", "variables",
            "relational", "subaddress", "copy", "comparator-i;ascii-numeric");
    private static final List<String> HEADERS = List.of("Subject", "From", "To", "Cc", "X-Spam-Score", "List-Id", "X-Missing",
            "${field}", "X-${field}");
    private static final List<String> ADDRESS_HEADERS = List.of("From", "To", "Cc", "Bcc");
    private static final List<String> FOLDERS = List.of("Lists", "Spam", "INBOX", "Archive.${1}", "${folder}", "Work/Done");
    private static final List<String> FLAGS = List.of("\\\\Seen", "\\\\Flagged", "$Label1", "\\\\Seen \\\\Answered", "junk",
            "\\\\deleted");
    private static final List<String> FLAGS_AND_NON_FLAGS = List.of("\\\\Seen", "$Label1", "junk", "bad*flag",
            "\\\\Foo \\\\deleted");
    private static final List<String> VARIABLES = List.of("folder", "who", "a");
    private static final List<String> KEYS = List.of("example.test", "anna", "news", "bob", "Bob Smith", "lists.example.net",
            "acme", "money", "12", "3", "007", "abc", "", "EXAMPLE.TEST", "meeting", "lottery", "invoice", "Hello",
            "*", "?*", "*@example.*", "[*] *", "*+*@*", "ann?*", "*.???", "*money*", "\\\\*", "${1}", "${who}", "caf\u00e9");
    private static final List<String> NUMBERS = List.of("0", "1", "2", "3", "12", "7", "99");
    private static final List<String> RELATIONS = List.of("gt", "ge", "lt", "le", "eq", "ne");
    private static final List<String> CONTENT_TYPES = List.of("text", "text/plain", "application", "", "text/calendar", "multipart",
            "message", "message/rfc822", "multipart/mixed");

    private static final java.util.regex.Pattern KEYWORD = java.util.regex.Pattern.compile(
            "\\b(if|elsif|else|header|address|envelope|exists|size|allof|anyof|not|keep|fileinto|redirect|setflag"
            + "|addflag|removeflag|hasflag|body|string|set|discard|stop)\\b|:[a-z]+\\b");

    private final Random random;
    private boolean constantTests;

    GeneratedScripts(Random random) {
        this.random = random;
    }

    /**
     * A script; {@code withConstantTests} lets it hold the tests true and false, which a script to
     * be broken must not: Pigeonhole checks no block that can never run.
     */
    String script(boolean withConstantTests) {
        constantTests = withConstantTests;
        StringBuilder script = new StringBuilder("require [");
        for (int i = 0; i < REQUIRE.size(); i++) {
            script.append(i == 0 ? "" : ", ").append('"').append(REQUIRE.get(i)).append('"');
        }
        script.append("];\n");
        if (random.nextBoolean()) {
            script.append("set \"folder\" \"Folder").append(random.nextInt(3)).append("\";\n");
        }
        script.append("set \"field\" \"").append(pick(random, List.of("Subject", "Spam-Score", "list-id"))).append("\";\n");
        block(script, 0);
        return random.nextInt(5) == 0 ? mixedCase(script.toString()) : script.toString();
    }

    /**
     * RFC 5228 s2.6: command, test and tag names are case-insensitive; some of them upper-cased
     * (after the require line, whose extension names are strings).
     */
    private String mixedCase(String script) {
        int body = script.indexOf('\n') + 1;
        return script.substring(0, body) + KEYWORD.matcher(script.substring(body)).replaceAll(word -> random.nextBoolean()
                ? word.group().toUpperCase(java.util.Locale.ROOT) : word.group());
    }

    private void block(StringBuilder script, int depth) {
        for (int i = random.nextInt(depth == 0 ? 4 : 2) + 1; i > 0; i--) {
            statement(script, depth);
        }
    }

    private void statement(StringBuilder script, int depth) {
        int choice = random.nextInt(depth < 2 ? 11 : 9);
        String indent = "  ".repeat(depth);
        switch (choice) {
            case 0 -> script.append(indent).append("keep").append(flagsTag()).append(";\n");
            case 1, 2 -> script.append(indent).append("fileinto").append(random.nextInt(4) == 0 ? " :copy" + flagsTag() + " \"Copies\""
                    : flagsTag() + ' ' + quote(pick(random, FOLDERS))).append(";\n");
            case 3 -> script.append(indent).append("redirect").append(random.nextBoolean() ? " :copy \"copy@example.org\""
                    : ' ' + quote(pick(random, List.of("a@example.org", "b@example.org", "${who}@example.org")))).append(";\n");
            case 4 -> script.append(indent).append(random.nextInt(4) == 0 ? "stop" : "discard").append(";\n");
            case 5 -> script.append(indent).append(pick(random, List.of("setflag", "addflag", "removeflag")))
                    .append(random.nextInt(4) == 0 ? " \"a\"" : "").append(' ').append(strings(FLAGS_AND_NON_FLAGS)).append(";\n");
            case 6 -> script.append(indent).append("set").append(modifiers()).append(' ')
                    .append(quote(pick(random, VARIABLES))).append(' ')
                    .append(quote(pick(random, List.of("Work", "${1}", "Mixed Case", "a*b?c", "${who}-x", "${0}", "")))).append(";\n");
            default -> {
                script.append(indent).append("if ").append(test(0)).append(" {\n");
                block(script, depth + 1);
                script.append(indent).append("}");
                if (random.nextInt(3) == 0) {
                    script.append(" elsif ").append(test(0)).append(" {\n");
                    block(script, depth + 1);
                    script.append(indent).append("}");
                }
                if (random.nextBoolean()) {
                    script.append(" else {\n");
                    block(script, depth + 1);
                    script.append(indent).append("}");
                }
                script.append('\n');
            }
        }
    }

    private String flagsTag() {
        return random.nextInt(3) == 0 ? " :flags " + flagList() : "";
    }

    private String flagList() {
        return random.nextBoolean() ? quote(pick(random, FLAGS)) : list(FLAGS, 2);
    }

    private String modifiers() {
        StringBuilder tags = new StringBuilder();
        if (random.nextInt(3) == 0) {
            tags.append(' ').append(pick(random, List.of(":lower", ":upper")));
        }
        if (random.nextInt(3) == 0) {
            tags.append(' ').append(pick(random, List.of(":lowerfirst", ":upperfirst")));
        }
        if (random.nextInt(4) == 0) {
            tags.append(" :quotewildcard");
        }
        if (random.nextInt(4) == 0) {
            tags.append(" :length");
        }
        return tags.toString();
    }

    private static String quote(String value) {
        return '"' + value.replace("\"", "\\\"") + '"';
    }

    private String list(List<String> values, int most) {
        List<String> chosen = new ArrayList<>();
        for (int i = random.nextInt(most) + 1; i > 0; i--) {
            chosen.add(quote(pick(random, values)));
        }
        return "[" + String.join(", ", chosen) + "]";
    }

    private String strings(List<String> values) {
        return random.nextBoolean() ? quote(pick(random, values)) : list(values, 3);
    }

    private String test(int depth) {
        int choice = random.nextInt(depth < 1 ? 12 : 10);
        return switch (choice) {
            case 0 -> "header" + matching(true) + ' ' + strings(HEADERS) + ' ' + keys();
            case 1 -> "address" + matching(true) + addressPart() + ' ' + strings(ADDRESS_HEADERS) + ' ' + keys();
            case 2 -> "envelope" + matching(true) + addressPart() + ' ' + strings(List.of("from", "to")) + ' ' + keys();
            case 3 -> "exists " + strings(HEADERS);
            case 4 -> "size " + pick(random, List.of(":over", ":under")) + ' ' + pick(random, List.of("100", "500", "1K", "2K"));
            case 5 -> constantTests ? pick(random, List.of("true", "false")) : "exists \"From\"";
            case 6 -> "hasflag" + matching(false) + (random.nextInt(3) == 0 ? " \"a\"" : "") + ' ' + strings(List.of(
                    "\\\\Seen", "\\\\flagged", "$Label1", "junk", "*", "\\\\*"));
            case 7 -> "body" + matching(false) + bodyTransform() + ' ' + strings(KEYS);
            case 8 -> "string" + matching(true) + ' ' + strings(List.of("${folder}", "${who}", "${1}", "${0}", "x${a}y", ""))
                    + ' ' + keys();
            case 9 -> "not " + test(depth + 1);
            default -> pick(random, List.of("allof", "anyof")) + " (" + test(depth + 1) + ", " + test(depth + 1)
                    + (random.nextBoolean() ? ", " + test(depth + 1) : "") + ")";
        };
    }

    private String keys() {
        return strings(random.nextInt(4) == 0 ? NUMBERS : KEYS);
    }

    /** Comparator and match type, in a random order. */
    private String matching(boolean relational) {
        int type = random.nextInt(relational ? 6 : 4);
        String matchType = switch (type) {
            case 0 -> "";
            case 1 -> " :is";
            case 2 -> " :contains";
            case 3 -> " :matches";
            case 4 -> " :count " + quote(pick(random, RELATIONS));
            default -> " :value " + quote(pick(random, RELATIONS));
        };
        // i;ascii-numeric only on counts: Pigeonhole, unlike RFC 4790 s9.1.1, does not take the empty
        // string for positive infinity equal to other strings without digits (the unit tests cover it)
        List<String> comparators = type == 4 ? List.of("i;octet", "i;ascii-casemap", "i;ascii-numeric", "i;ascii-numeric")
                : List.of("i;octet", "i;ascii-casemap");
        // :value always with i;octet: Pigeonhole orders i;ascii-casemap values without folding their
        // case ("Folder2" is less than "cafe" there), against RFC 4790 s9.2 (the unit tests cover it)
        String comparator = type == 5 ? " :comparator \"i;octet\""
                : random.nextBoolean() ? "" : " :comparator " + quote(pick(random, comparators));
        return random.nextBoolean() ? matchType + comparator : comparator + matchType;
    }

    private String addressPart() {
        return pick(random, List.of("", " :all", " :localpart", " :domain", " :user", " :detail"));
    }

    private String bodyTransform() {
        return switch (random.nextInt(4)) {
            case 0 -> "";
            case 1 -> " :raw";
            case 2 -> " :text";
            default -> " :content " + strings(CONTENT_TYPES);
        };
    }

    /** The script with one mistake a person makes: each of them Pigeonhole refuses too. */
    String broken(String script) {
        return switch (random.nextInt(12)) {
            case 0 -> removeOne(script, ";(?=\n)");
            case 1 -> script.replaceFirst("fileinto|keep|discard|redirect", "filinto");
            case 2 -> script.replaceFirst("\"imap4flags\", ", "").replaceFirst("\"fileinto\", ", "") + "addflag \"x\";\nfileinto \"y\";\n";
            case 3 -> script + "if header :bogus \"Subject\" \"x\" { keep; }\n";
            case 4 -> script + "require \"fileinto\";\n";
            case 5 -> script.replaceFirst("require \\[", "require [\"foo\", ");
            case 6 -> removeOne(script, "\\}\n");
            case 7 -> script + "keep;\nelsif true { keep; }\n";
            case 8 -> script + "if header \"Subject\" :is \"x\" { keep; }\n";
            case 9 -> script + "if header :is :contains \"Subject\" \"x\" { keep; }\n";
            case 10 -> script + "fileinto 5;\n";
            default -> script + "if header :comparator \"i;ascii-numeric\" :contains \"Subject\" \"x\" { keep; }\n";
        };
    }

    /** The script without one of the places {@code pattern} finds, or with a missing semicolon at its end. */
    private String removeOne(String script, String pattern) {
        List<java.util.regex.MatchResult> found = java.util.regex.Pattern.compile(pattern).matcher(script).results().toList();
        if (found.isEmpty()) {
            return script + "keep";
        }
        java.util.regex.MatchResult one = pick(random, found);
        return script.substring(0, one.start()) + script.substring(one.end());
    }
}
