package dev.postillion.sieve;

import dev.postillion.sieve.ScriptTree.Argument;
import dev.postillion.sieve.ScriptTree.Command;
import dev.postillion.sieve.ScriptTree.Strings;
import dev.postillion.sieve.ScriptTree.Test;
import dev.postillion.sieve.Signature.TagRule;
import dev.postillion.sieve.Signature.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a parsed script against the grammar: known commands and tests, their extensions
 * {@code require}d (RFC 5228 s3.2), their tags and argument types (s2.6), if/elsif/else order,
 * and the values that can be checked before a message arrives.
 */
final class ScriptChecker {

    /** Extensions that may be required but are always there (RFC 5228 s2.7.3). */
    private static final Set<String> BUILT_IN = Set.of("comparator-i;octet", "comparator-i;ascii-casemap");

    private final Set<String> required = new HashSet<>();

    private ScriptChecker() {}

    /** The checked commands and the extensions the script requires. */
    record Checked(List<Node> commands, Set<String> extensions) {}

    static Checked check(List<Command> commands) throws SieveSyntaxError {
        ScriptChecker checker = new ScriptChecker();
        int first = checker.requires(commands);
        List<Node> nodes = checker.block(commands.subList(first, commands.size()));
        return new Checked(nodes, Set.copyOf(checker.required));
    }

    private static SieveSyntaxError error(int line, int column, String problem) {
        return new SieveSyntaxError(line, column, problem);
    }

    private static SieveSyntaxError error(Argument argument, String problem) {
        return new SieveSyntaxError(argument.line(), argument.column(), problem);
    }

    /** The leading require commands; answers how many there are. */
    private int requires(List<Command> commands) throws SieveSyntaxError {
        int count = 0;
        while (count < commands.size() && commands.get(count).name().equals("require")) {
            Node require = node(commands.get(count));
            Argument names = require.positional().get(0);
            for (String extension : require.strings(0)) {
                required.add(supported(extension, names));
            }
            count++;
        }
        return count;
    }

    private static String supported(String extension, Argument at) throws SieveSyntaxError {
        if (extension.equals("vacation") || extension.equals("vacation-seconds")) {
            throw error(at, "\"" + extension + "\" is not supported: out-of-office replies are the address's responder "
                    + "(admin API /api/v1/addresses/{address}/responders), not a Sieve action");
        }
        if (!SieveScript.extensions().contains(extension) && !BUILT_IN.contains(extension)) {
            throw error(at, "unsupported extension \"" + extension + "\" in require");
        }
        return extension;
    }

    private List<Node> block(List<Command> commands) throws SieveSyntaxError {
        List<Node> nodes = new ArrayList<>();
        String previous = null;
        for (Command command : commands) {
            if (command.name().equals("require")) {
                throw error(command.line(), command.column(), "require must come before any other command");
            }
            if ((command.name().equals("elsif") || command.name().equals("else"))
                    && !"if".equals(previous) && !"elsif".equals(previous)) {
                throw error(command.line(), command.column(), command.name() + " must follow if or elsif");
            }
            nodes.add(node(command));
            previous = command.name();
        }
        return List.copyOf(nodes);
    }

    /** A command or test checked against its signature, {@code null} for an unknown name. */
    private Node call(Signature signature, String what, String name, List<Argument> arguments, List<Test> tests,
                      int line, int column) throws SieveSyntaxError {
        if (signature == null) {
            throw error(line, column, "unknown " + what + " \"" + name + "\"");
        }
        needs(signature.extension(), name, line, column);
        return arguments(signature, what, arguments, line, column, tests(signature, what, tests, line, column));
    }

    private Node node(Command command) throws SieveSyntaxError {
        Signature signature = SieveGrammar.command(command.name());
        Node node = call(signature, "command", command.name(), command.arguments(), command.tests(),
                command.line(), command.column());
        if (signature.block() && command.block() == null) {
            throw error(command.line(), command.column(), command.name() + " needs a block in braces");
        }
        if (!signature.block() && command.block() != null) {
            throw error(command.line(), command.column(), "command \"" + command.name() + "\" takes no block: missing semicolon");
        }
        List<Node> block = command.block() == null ? null : block(command.block());
        Node checked = new Node(node.name(), node.tags(), node.positional(), node.tests(), block, node.line(), node.column());
        CommandValues.check(checked, required);
        return checked;
    }

    private List<Node> tests(Signature signature, String what, List<Test> tests, int line, int column) throws SieveSyntaxError {
        String name = signature.name();
        switch (signature.tests()) {
            case NONE -> {
                if (!tests.isEmpty()) {
                    Test next = tests.get(0);
                    throw error(next.line(), next.column(), what.equals("command")
                            ? "missing semicolon after command \"" + name + "\" (found \"" + next.name() + "\")"
                            : "unexpected \"" + next.name() + "\" after test \"" + name + "\"");
                }
            }
            case ONE -> {
                if (tests.size() != 1) {
                    throw error(line, column, what + " \"" + name + "\" needs exactly one test");
                }
            }
            case LIST -> {
                if (tests.isEmpty()) {
                    throw error(line, column, what + " \"" + name + "\" needs a list of tests in parentheses");
                }
            }
        }
        List<Node> nodes = new ArrayList<>();
        for (Test test : tests) {
            nodes.add(test(test));
        }
        return List.copyOf(nodes);
    }

    private Node test(Test test) throws SieveSyntaxError {
        Node node = call(SieveGrammar.test(test.name()), "test", test.name(), test.arguments(), test.tests(),
                test.line(), test.column());
        CommandValues.check(node, required);
        return node;
    }

    private void needs(String extension, String what, int line, int column) throws SieveSyntaxError {
        if (extension != null && !required.contains(extension)) {
            throw error(line, column, what + " requires \"" + extension + "\" in require");
        }
    }

    /** Sorts the arguments into tags and positional ones, checking them against the signature. */
    private Node arguments(Signature signature, String what, List<Argument> arguments, int line, int column,
                           List<Node> tests) throws SieveSyntaxError {
        Map<String, Argument> tags = new LinkedHashMap<>();
        Map<String, String> groups = new HashMap<>();
        List<Argument> positional = new ArrayList<>();
        for (int i = 0; i < arguments.size(); i++) {
            Argument argument = arguments.get(i);
            if (!(argument instanceof ScriptTree.Tag tag)) {
                positional.add(argument);
                continue;
            }
            if (!positional.isEmpty()) {
                throw error(argument, "tag " + tag.name() + " must come before the positional arguments of " + signature.name());
            }
            TagRule rule = signature.tags().get(tag.name());
            if (rule == null) {
                throw error(argument, "unknown tag " + tag.name() + " for " + what + " \"" + signature.name() + "\"");
            }
            needs(rule.extension(), tag.name(), tag.line(), tag.column());
            String earlier = groups.put(rule.group(), tag.name());
            if (earlier != null) {
                throw error(argument, earlier.equals(tag.name()) ? "tag " + tag.name() + " is given twice"
                        : "tags " + earlier + " and " + tag.name() + " cannot be used together (one " + rule.group() + ")");
            }
            if (rule.argument() == null) {
                tags.put(tag.name(), tag);
            } else {
                if (i + 1 >= arguments.size() || arguments.get(i + 1) instanceof ScriptTree.Tag) {
                    throw error(argument, "tag " + tag.name() + " needs " + describe(rule.argument()) + " after it");
                }
                Argument value = arguments.get(++i);
                type(value, rule.argument(), "tag " + tag.name());
                tags.put(tag.name(), value);
            }
        }
        int most = signature.positional().size();
        int least = most - signature.optional();
        if (positional.size() < least || positional.size() > most) {
            String count = least == most ? String.valueOf(most) : least + " or " + most;
            throw error(line, column, what + " \"" + signature.name() + "\" takes " + count
                    + " positional argument" + (most == 1 ? "" : "s") + ", not " + positional.size());
        }
        List<Type> types = signature.positional().subList(most - positional.size(), most);
        for (int i = 0; i < positional.size(); i++) {
            type(positional.get(i), types.get(i), "argument " + (i + 1) + " of " + signature.name());
        }
        return new Node(signature.name(), Map.copyOf(tags), List.copyOf(positional), tests, null, line, column);
    }

    private static String describe(Type type) {
        return switch (type) {
            case STRING -> "a string";
            case STRING_LIST -> "a string list";
            case NUMBER -> "a number";
        };
    }

    private static void type(Argument argument, Type type, String what) throws SieveSyntaxError {
        boolean fits = switch (type) {
            case STRING -> argument instanceof Strings strings && !strings.bracketed();
            case STRING_LIST -> argument instanceof Strings;
            case NUMBER -> argument instanceof ScriptTree.Number;
        };
        if (!fits) {
            String found = argument instanceof ScriptTree.Number ? "a number"
                    : argument instanceof Strings strings && strings.bracketed() ? "a string list" : "a string";
            throw error(argument, what + " must be " + describe(type) + ", not " + found);
        }
    }
}
