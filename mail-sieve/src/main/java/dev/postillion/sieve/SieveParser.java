package dev.postillion.sieve;

import dev.postillion.sieve.ScriptTree.Argument;
import dev.postillion.sieve.ScriptTree.Command;
import dev.postillion.sieve.ScriptTree.Test;
import dev.postillion.sieve.SieveTokens.Kind;
import dev.postillion.sieve.SieveTokens.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Parses the tokens into commands and tests by the grammar of RFC 5228 s8.2. */
final class SieveParser {

    /** Blocks and tests nested deeper than this are refused, so that a script cannot exhaust the stack. */
    static final int MAX_NESTING = 32;

    /** The commands with a block (RFC 5228 s3.1). */
    private static final Set<String> CONTROL = Set.of("if", "elsif", "else");

    private final List<Token> tokens;
    private int at;
    private int depth;

    private SieveParser(List<Token> tokens) {
        this.tokens = tokens;
    }

    static List<Command> parse(String text) throws SieveSyntaxError {
        SieveParser parser = new SieveParser(SieveTokens.of(text));
        List<Command> commands = parser.commands();
        Token last = parser.peek();
        if (last.kind() != Kind.END) {
            throw error(last, "unexpected " + last.describe() + ", expected a command");
        }
        return commands;
    }

    private Token peek() {
        return tokens.get(at);
    }

    private Token take() {
        return tokens.get(at++);
    }

    private static SieveSyntaxError error(Token token, String problem) {
        return new SieveSyntaxError(token.line(), token.column(), problem);
    }

    private List<Command> commands() throws SieveSyntaxError {
        List<Command> commands = new ArrayList<>();
        while (peek().kind() == Kind.IDENTIFIER) {
            commands.add(command());
        }
        return commands;
    }

    // command = identifier arguments (";" / block)
    private Command command() throws SieveSyntaxError {
        Token name = take();
        List<Argument> arguments = arguments();
        List<Test> tests = testsAfterArguments();
        Token end = take();
        List<Command> block = null;
        if (end.kind() == Kind.LEFT_BRACE) {
            nest(end);
            block = commands();
            Token close = take();
            if (close.kind() != Kind.RIGHT_BRACE) {
                throw error(close, "unexpected " + close.describe() + ", expected a command or \"}\"");
            }
            depth--;
        } else if (end.kind() != Kind.SEMICOLON) {
            throw error(end, tests.isEmpty() && !CONTROL.contains(name.text().toLowerCase(Locale.ROOT))
                    ? "missing semicolon after command \"" + name.text() + "\" (found " + end.describe() + ")"
                    : "\"" + name.text() + "\" needs a block in braces (found " + end.describe() + ")");
        }
        return new Command(name.text().toLowerCase(Locale.ROOT), arguments, tests, block, name.line(), name.column());
    }

    private void nest(Token token) throws SieveSyntaxError {
        if (++depth > MAX_NESTING) {
            throw error(token, "blocks and tests are nested deeper than " + MAX_NESTING);
        }
    }

    // arguments = *argument [ test / test-list ]
    private List<Argument> arguments() throws SieveSyntaxError {
        List<Argument> arguments = new ArrayList<>();
        while (true) {
            Token token = peek();
            switch (token.kind()) {
                case STRING -> {
                    take();
                    arguments.add(new ScriptTree.Strings(List.of(token.text()), false, token.line(), token.column()));
                }
                case LEFT_BRACKET -> arguments.add(stringList());
                case NUMBER -> {
                    take();
                    arguments.add(new ScriptTree.Number(token.number(), token.line(), token.column()));
                }
                case TAG -> {
                    take();
                    arguments.add(new ScriptTree.Tag(token.text().toLowerCase(Locale.ROOT), token.line(), token.column()));
                }
                default -> {
                    return arguments;
                }
            }
        }
    }

    private List<Test> testsAfterArguments() throws SieveSyntaxError {
        Token token = peek();
        if (token.kind() == Kind.IDENTIFIER) {
            return List.of(test());
        }
        if (token.kind() == Kind.LEFT_PAREN) {
            return testList();
        }
        return List.of();
    }

    // string-list = "[" string *("," string) "]" / string
    private ScriptTree.Strings stringList() throws SieveSyntaxError {
        Token open = take();
        List<String> values = new ArrayList<>();
        while (true) {
            Token value = take();
            if (value.kind() != Kind.STRING) {
                throw error(value, "unexpected " + value.describe() + " in a string list, expected a string");
            }
            values.add(value.text());
            Token next = take();
            if (next.kind() == Kind.RIGHT_BRACKET) {
                return new ScriptTree.Strings(List.copyOf(values), true, open.line(), open.column());
            }
            if (next.kind() != Kind.COMMA) {
                throw error(next, "unexpected " + next.describe() + " in a string list, expected \",\" or \"]\"");
            }
        }
    }

    // test-list = "(" test *("," test) ")"
    private List<Test> testList() throws SieveSyntaxError {
        Token open = take();
        nest(open);
        List<Test> tests = new ArrayList<>();
        while (true) {
            tests.add(test());
            Token next = take();
            if (next.kind() == Kind.RIGHT_PAREN) {
                depth--;
                return tests;
            }
            if (next.kind() != Kind.COMMA) {
                throw error(next, "unexpected " + next.describe() + " in a test list, expected \",\" or \")\"");
            }
        }
    }

    // test = identifier arguments
    private Test test() throws SieveSyntaxError {
        Token name = take();
        if (name.kind() != Kind.IDENTIFIER) {
            throw error(name, "unexpected " + name.describe() + ", expected a test");
        }
        nest(name);
        List<Argument> arguments = arguments();
        List<Test> tests = testsAfterArguments();
        depth--;
        return new Test(name.text().toLowerCase(Locale.ROOT), arguments, tests, name.line(), name.column());
    }
}
