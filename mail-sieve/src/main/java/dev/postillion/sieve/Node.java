package dev.postillion.sieve;

import dev.postillion.sieve.ScriptTree.Argument;
import java.util.List;
import java.util.Map;

/**
 * A checked command or test: its tags (each with its argument, or the tag itself for a tag without
 * one), its positional arguments, the tests it holds and, for a command with one, its block.
 */
record Node(String name, Map<String, Argument> tags, List<Argument> positional, List<Node> tests,
            List<Node> block, int line, int column) {

    boolean has(String tag) {
        return tags.containsKey(tag);
    }

    /** The first of {@code names} that was given, or {@code fallback}. */
    String chosen(String fallback, String... names) {
        for (String name : names) {
            if (tags.containsKey(name)) {
                return name;
            }
        }
        return fallback;
    }

    /** The strings of the tag's argument. */
    List<String> tagStrings(String tag) {
        return ((ScriptTree.Strings) tags.get(tag)).values();
    }

    List<String> strings(int index) {
        return ((ScriptTree.Strings) positional.get(index)).values();
    }

    long number(int index) {
        return ((ScriptTree.Number) positional.get(index)).value();
    }
}
