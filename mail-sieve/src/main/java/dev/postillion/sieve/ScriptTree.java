package dev.postillion.sieve;

import java.util.List;

/** A script as parsed (RFC 5228 s8.2), before its commands and tests are checked. */
interface ScriptTree {

    /** One argument (RFC 5228 s2.6): a string or string list, a number or a tag, and where it starts. */
    sealed interface Argument {
        int line();

        int column();
    }

    /** A string list; {@code bracketed} tells a one-string list {@code ["a"]} from the string {@code "a"}. */
    record Strings(List<String> values, boolean bracketed, int line, int column) implements Argument {}

    record Number(long value, int line, int column) implements Argument {}

    record Tag(String name, int line, int column) implements Argument {}

    /** A test with its arguments and the tests it holds (allof, anyof, not). */
    record Test(String name, List<Argument> arguments, List<Test> tests, int line, int column) {}

    /** A command with its arguments, its test (if, elsif) and its block ({@code null} without one). */
    record Command(String name, List<Argument> arguments, List<Test> tests, List<Command> block, int line, int column) {}
}
