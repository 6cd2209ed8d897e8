package dev.postillion.sieve;

import dev.postillion.sieve.Signature.TagRule;
import dev.postillion.sieve.Signature.Tests;
import dev.postillion.sieve.Signature.Type;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The commands and tests this engine knows: RFC 5228's and those of the supported extensions. */
final class SieveGrammar {

    private static final Map<String, TagRule> COMPARATOR = Map.of(":comparator", new TagRule("comparator", Type.STRING, null));

    // RFC 5228 s2.7.1 and RFC 5231 s4: one match type
    private static final Map<String, TagRule> MATCH_TYPE = Map.of(
            ":is", new TagRule("match type", null, null),
            ":contains", new TagRule("match type", null, null),
            ":matches", new TagRule("match type", null, null),
            ":count", new TagRule("match type", Type.STRING, "relational"),
            ":value", new TagRule("match type", Type.STRING, "relational"));

    // RFC 5228 s2.7.4 and RFC 5233 s4
    private static final Map<String, TagRule> ADDRESS_PART = Map.of(
            ":all", new TagRule("address part", null, null),
            ":localpart", new TagRule("address part", null, null),
            ":domain", new TagRule("address part", null, null),
            ":user", new TagRule("address part", null, "subaddress"),
            ":detail", new TagRule("address part", null, "subaddress"));

    // RFC 5173 s5
    private static final Map<String, TagRule> BODY_TRANSFORM = Map.of(
            ":raw", new TagRule("body transform", null, null),
            ":text", new TagRule("body transform", null, null),
            ":content", new TagRule("body transform", Type.STRING_LIST, null));

    // RFC 5229 s4.1: one modifier of each precedence
    private static final Map<String, TagRule> MODIFIERS = Map.of(
            ":lower", new TagRule("case modifier", null, null),
            ":upper", new TagRule("case modifier", null, null),
            ":lowerfirst", new TagRule("first-letter modifier", null, null),
            ":upperfirst", new TagRule("first-letter modifier", null, null),
            ":quotewildcard", new TagRule(":quotewildcard", null, null),
            ":length", new TagRule(":length", null, null));

    private static final Map<String, TagRule> COPY = Map.of(":copy", new TagRule(":copy", null, "copy"));

    private static final Map<String, TagRule> FLAGS = Map.of(":flags", new TagRule(":flags", Type.STRING_LIST, "imap4flags"));

    private static final Map<String, TagRule> SIZE = Map.of(
            ":over", new TagRule("size comparison", null, null),
            ":under", new TagRule("size comparison", null, null));

    private static final Map<String, Signature> COMMANDS = new HashMap<>();
    private static final Map<String, Signature> TESTS = new HashMap<>();

    static {
        command("require", null, Map.of(), List.of(Type.STRING_LIST), 0, Tests.NONE, false);
        command("if", null, Map.of(), List.of(), 0, Tests.ONE, true);
        command("elsif", null, Map.of(), List.of(), 0, Tests.ONE, true);
        command("else", null, Map.of(), List.of(), 0, Tests.NONE, true);
        command("stop", null, Map.of(), List.of(), 0, Tests.NONE, false);
        command("keep", null, FLAGS, List.of(), 0, Tests.NONE, false);
        command("discard", null, Map.of(), List.of(), 0, Tests.NONE, false);
        command("redirect", null, COPY, List.of(Type.STRING), 0, Tests.NONE, false);
        command("fileinto", "fileinto", merge(COPY, FLAGS), List.of(Type.STRING), 0, Tests.NONE, false);
        for (String flagCommand : List.of("setflag", "addflag", "removeflag")) {
            command(flagCommand, "imap4flags", Map.of(), List.of(Type.STRING, Type.STRING_LIST), 1, Tests.NONE, false);
        }
        command("set", "variables", MODIFIERS, List.of(Type.STRING, Type.STRING), 0, Tests.NONE, false);

        List<Type> headersAndKeys = List.of(Type.STRING_LIST, Type.STRING_LIST);
        test("address", null, merge(COMPARATOR, MATCH_TYPE, ADDRESS_PART), headersAndKeys, 0, Tests.NONE);
        test("envelope", "envelope", merge(COMPARATOR, MATCH_TYPE, ADDRESS_PART), headersAndKeys, 0, Tests.NONE);
        test("header", null, merge(COMPARATOR, MATCH_TYPE), headersAndKeys, 0, Tests.NONE);
        test("exists", null, Map.of(), List.of(Type.STRING_LIST), 0, Tests.NONE);
        test("size", null, SIZE, List.of(Type.NUMBER), 0, Tests.NONE);
        test("allof", null, Map.of(), List.of(), 0, Tests.LIST);
        test("anyof", null, Map.of(), List.of(), 0, Tests.LIST);
        test("not", null, Map.of(), List.of(), 0, Tests.ONE);
        test("true", null, Map.of(), List.of(), 0, Tests.NONE);
        test("false", null, Map.of(), List.of(), 0, Tests.NONE);
        test("hasflag", "imap4flags", merge(COMPARATOR, MATCH_TYPE), headersAndKeys, 1, Tests.NONE);
        test("body", "body", merge(COMPARATOR, MATCH_TYPE, BODY_TRANSFORM), List.of(Type.STRING_LIST), 0, Tests.NONE);
        test("string", "variables", merge(COMPARATOR, MATCH_TYPE), headersAndKeys, 0, Tests.NONE);
    }

    private SieveGrammar() {}

    @SafeVarargs
    private static Map<String, TagRule> merge(Map<String, TagRule>... parts) {
        Map<String, TagRule> all = new LinkedHashMap<>();
        for (Map<String, TagRule> part : parts) {
            all.putAll(part);
        }
        return Map.copyOf(all);
    }

    private static void command(String name, String extension, Map<String, TagRule> tags, List<Type> positional,
                                int optional, Tests tests, boolean block) {
        COMMANDS.put(name, new Signature(name, extension, tags, positional, optional, tests, block));
    }

    private static void test(String name, String extension, Map<String, TagRule> tags, List<Type> positional,
                             int optional, Tests tests) {
        TESTS.put(name, new Signature(name, extension, tags, positional, optional, tests, false));
    }

    static Signature command(String name) {
        return COMMANDS.get(name);
    }

    static Signature test(String name) {
        return TESTS.get(name);
    }
}
