package dev.postillion.sieve;

import java.util.List;
import java.util.Map;

/**
 * What one command or test takes (RFC 5228 s2.6, s2.7): the extension it needs, its tags, its
 * positional arguments (the first {@code optional} of them may be left out), the tests it holds
 * and whether it has a block.
 */
record Signature(String name, String extension, Map<String, TagRule> tags, List<Type> positional, int optional,
                 Tests tests, boolean block) {

    enum Type { STRING, STRING_LIST, NUMBER }

    enum Tests { NONE, ONE, LIST }

    /**
     * A tag: the tags of one {@code group} exclude each other (one match type, one address part,
     * one comparator...); {@code argument} is what follows it, {@code null} for none.
     */
    record TagRule(String group, Type argument, String extension) {}
}
