package dev.postillion.sieve;

import dev.postillion.sieve.ScriptTree.Argument;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The checks of argument values that need no message: comparators, relational operators, variable
 * names, the headers an address test may read, envelope parts, redirect addresses. A value holding
 * a variable reference (RFC 5229) is checked only when it is known, at run time.
 */
final class CommandValues {

    /** RFC 5228 s5.1: the address test reads only fields that hold addresses (RFC 5322 s3.6.2-3.6.6). */
    private static final Set<String> ADDRESS_FIELDS = Set.of("from", "sender", "reply-to", "to", "cc", "bcc",
            "resent-from", "resent-sender", "resent-to", "resent-cc", "resent-bcc", "return-path",
            "delivered-to", "envelope-to", "x-original-to", "errors-to", "disposition-notification-to");

    private static final Set<String> ENVELOPE_PARTS = Set.of("from", "to");

    private static final Set<String> RELATIONS = Set.of("gt", "ge", "lt", "le", "eq", "ne");

    private CommandValues() {}

    static void check(Node node, Set<String> required) throws SieveSyntaxError {
        boolean variables = required.contains("variables");
        comparator(node, required);
        for (String relational : List.of(":count", ":value")) {
            if (node.has(relational)) {
                relation(node, relational);
            }
        }
        switch (node.name()) {
            case "set" -> variableName(node.strings(0).get(0), node.positional().get(0));
            case "setflag", "addflag", "removeflag", "hasflag" -> {
                if (node.positional().size() == 2) {
                    if (!variables) {
                        throw at(node.positional().get(0), "the variable name argument of " + node.name()
                                + " requires \"variables\" in require");
                    }
                    for (String name : node.strings(0)) {
                        variableName(name, node.positional().get(0));
                    }
                }
            }
            case "address" -> names(node, variables, ADDRESS_FIELDS, "header \"%s\" holds no addresses for the address test");
            case "envelope" -> names(node, variables, ENVELOPE_PARTS, "unknown envelope part \"%s\" (from or to)");
            case "header", "exists" -> headerNames(node, variables);
            case "size" -> {
                if (!node.has(":over") && !node.has(":under")) {
                    throw new SieveSyntaxError(node.line(), node.column(), "size needs :over or :under");
                }
            }
            case "redirect" -> {
                String address = node.strings(0).get(0);
                if (!(variables && address.contains("${")) && !MailAddresses.valid(address)) {
                    throw at(node.positional().get(0), "redirect address \"" + address + "\" is not a valid mail address");
                }
            }
            default -> { }
        }
    }

    private static SieveSyntaxError at(Argument argument, String problem) {
        return new SieveSyntaxError(argument.line(), argument.column(), problem);
    }

    /** RFC 5228 s2.7.3: comparators other than i;octet and i;ascii-casemap must be required. */
    private static void comparator(Node node, Set<String> required) throws SieveSyntaxError {
        if (!node.has(":comparator")) {
            return;
        }
        Argument at = node.tags().get(":comparator");
        String name = node.tagStrings(":comparator").get(0).toLowerCase(Locale.ROOT);
        switch (name) {
            case "i;octet", "i;ascii-casemap" -> { }
            case "i;ascii-numeric" -> {
                if (!required.contains("comparator-i;ascii-numeric")) {
                    throw at(at, "comparator \"i;ascii-numeric\" requires \"comparator-i;ascii-numeric\" in require");
                }
                // RFC 4790 s9.1: i;ascii-numeric offers equality and ordering, no substring match
                if (node.has(":contains") || node.has(":matches")) {
                    throw at(at, "comparator \"i;ascii-numeric\" cannot be used with " + node.chosen("", ":contains", ":matches"));
                }
            }
            default -> throw at(at, "unknown comparator \"" + name + "\"");
        }
    }

    /** RFC 5231 s5: the relational operator of :count or :value. */
    private static void relation(Node node, String tag) throws SieveSyntaxError {
        String relation = node.tagStrings(tag).get(0).toLowerCase(Locale.ROOT);
        if (!RELATIONS.contains(relation)) {
            throw at(node.tags().get(tag), "unknown relational operator \"" + relation + "\" (gt, ge, lt, le, eq or ne)");
        }
    }

    /** RFC 5229 s3: a variable name is an identifier. */
    private static void variableName(String name, Argument at) throws SieveSyntaxError {
        if (!Variables.identifier(name)) {
            throw at(at, "invalid variable name \"" + name + "\"");
        }
    }

    private static void names(Node node, boolean variables, Set<String> allowed, String problem) throws SieveSyntaxError {
        for (String name : node.strings(0)) {
            if (!(variables && name.contains("${")) && !allowed.contains(name.toLowerCase(Locale.ROOT))) {
                throw at(node.positional().get(0), String.format(problem, name));
            }
        }
    }

    /** RFC 5322 s3.6.8: a field name is printable ASCII without colon. */
    private static void headerNames(Node node, boolean variables) throws SieveSyntaxError {
        for (String name : node.strings(0)) {
            if (!(variables && name.contains("${")) && !fieldName(name)) {
                throw at(node.positional().get(0), "invalid header name \"" + name + "\"");
            }
        }
    }

    private static boolean fieldName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 33 || c > 126 || c == ':') {
                return false;
            }
        }
        return true;
    }
}
