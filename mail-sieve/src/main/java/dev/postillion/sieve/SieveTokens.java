package dev.postillion.sieve;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a script into tokens (RFC 5228 s8.1): identifiers, tags, numbers with their K/M/G
 * quantifiers, quoted and multi-line strings, the punctuation; comments and white space are
 * dropped. Each token keeps where it starts, for the errors.
 */
final class SieveTokens {

    enum Kind { IDENTIFIER, TAG, NUMBER, STRING, LEFT_BRACKET, RIGHT_BRACKET, LEFT_PAREN, RIGHT_PAREN,
        LEFT_BRACE, RIGHT_BRACE, COMMA, SEMICOLON, END }

    record Token(Kind kind, String text, long number, int line, int column) {

        /** How the token reads in an error: its text, or "end of script". */
        String describe() {
            return switch (kind) {
                case END -> "end of script";
                case STRING -> "string";
                case NUMBER -> "number " + text;
                default -> "\"" + text + "\"";
            };
        }
    }

    private final String text;
    private int at;
    private int line = 1;
    private int lineStart;

    private SieveTokens(String text) {
        this.text = text;
    }

    static List<Token> of(String text) throws SieveSyntaxError {
        SieveTokens tokens = new SieveTokens(text);
        List<Token> all = new ArrayList<>();
        Token token;
        do {
            token = tokens.next();
            all.add(token);
        } while (token.kind() != Kind.END);
        return all;
    }

    private Token next() throws SieveSyntaxError {
        skipBlanks();
        int startLine = line;
        int startColumn = column();
        if (at >= text.length()) {
            return new Token(Kind.END, "", 0, startLine, startColumn);
        }
        char c = text.charAt(at);
        Kind punctuation = punctuation(c);
        if (punctuation != null) {
            at++;
            return new Token(punctuation, String.valueOf(c), 0, startLine, startColumn);
        }
        if (c == '"') {
            return new Token(Kind.STRING, quoted(startLine, startColumn), 0, startLine, startColumn);
        }
        if (c >= '0' && c <= '9') {
            return number(startLine, startColumn);
        }
        if (c == ':') {
            at++;
            if (at >= text.length() || !identifierStart(text.charAt(at))) {
                throw new SieveSyntaxError(startLine, startColumn, "a tag needs a name after \":\"");
            }
            return new Token(Kind.TAG, ":" + identifier(), 0, startLine, startColumn);
        }
        if (identifierStart(c)) {
            String word = identifier();
            if (word.equalsIgnoreCase("text") && at < text.length() && text.charAt(at) == ':') {
                at++;
                return new Token(Kind.STRING, multiLine(startLine, startColumn), 0, startLine, startColumn);
            }
            return new Token(Kind.IDENTIFIER, word, 0, startLine, startColumn);
        }
        throw new SieveSyntaxError(startLine, startColumn, "unexpected character \"" + c + "\"");
    }

    private static Kind punctuation(char c) {
        return switch (c) {
            case '[' -> Kind.LEFT_BRACKET;
            case ']' -> Kind.RIGHT_BRACKET;
            case '(' -> Kind.LEFT_PAREN;
            case ')' -> Kind.RIGHT_PAREN;
            case '{' -> Kind.LEFT_BRACE;
            case '}' -> Kind.RIGHT_BRACE;
            case ',' -> Kind.COMMA;
            case ';' -> Kind.SEMICOLON;
            default -> null;
        };
    }

    private int column() {
        return at - lineStart + 1;
    }

    private void newLine() {
        line++;
        lineStart = at + 1;
    }

    /** White space, hash comments and bracket comments (RFC 5228 s2.3). */
    private void skipBlanks() throws SieveSyntaxError {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c == '\n') {
                newLine();
                at++;
            } else if (c == ' ' || c == '\t' || c == '\r') {
                at++;
            } else if (c == '#') {
                while (at < text.length() && text.charAt(at) != '\n') {
                    at++;
                }
            } else if (c == '/' && at + 1 < text.length() && text.charAt(at + 1) == '*') {
                bracketComment();
            } else {
                return;
            }
        }
    }

    private void bracketComment() throws SieveSyntaxError {
        int startLine = line;
        int startColumn = column();
        at += 2;
        while (at < text.length()) {
            if (text.startsWith("*/", at)) {
                at += 2;
                return;
            }
            if (text.charAt(at) == '\n') {
                newLine();
            }
            at++;
        }
        throw new SieveSyntaxError(startLine, startColumn, "comment \"/*\" is not closed with \"*/\"");
    }

    private static boolean identifierStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private String identifier() {
        int start = at;
        while (at < text.length() && (identifierStart(text.charAt(at)) || Character.isDigit(text.charAt(at)))) {
            at++;
        }
        return text.substring(start, at);
    }

    private Token number(int startLine, int startColumn) throws SieveSyntaxError {
        int start = at;
        while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
            at++;
        }
        String digits = text.substring(start, at);
        int shift = 0;
        if (at < text.length()) {
            switch (Character.toUpperCase(text.charAt(at))) {
                case 'K' -> shift = 10;
                case 'M' -> shift = 20;
                case 'G' -> shift = 30;
                default -> shift = -1;
            }
            if (shift >= 0) {
                at++;
            } else {
                shift = 0;
            }
        }
        // RFC 5228 s2.4.1: numbers are at least 31 bits; larger ones than a long takes are refused
        if (digits.length() > 18 || (Long.parseLong(digits) << shift) >>> shift != Long.parseLong(digits)) {
            throw new SieveSyntaxError(startLine, startColumn, "number " + text.substring(start, at) + " is too large");
        }
        return new Token(Kind.NUMBER, text.substring(start, at), Long.parseLong(digits) << shift, startLine, startColumn);
    }

    /** A quoted string: backslash escapes the next character, whatever it is (RFC 5228 s2.4.2). */
    private String quoted(int startLine, int startColumn) throws SieveSyntaxError {
        StringBuilder value = new StringBuilder();
        at++;
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c == '"') {
                at++;
                return value.toString();
            }
            if (c == '\\' && at + 1 < text.length()) {
                at++;
                c = text.charAt(at);
            }
            if (c == '\n') {
                newLine();
            }
            value.append(c);
            at++;
        }
        throw new SieveSyntaxError(startLine, startColumn, "string is not closed with \"\"\"");
    }

    /**
     * A multi-line string (RFC 5228 s2.4.2): after "text:", blanks and an optional hash comment end
     * the line; the lines up to a line holding only "." are the value, with a leading ".." on a
     * line standing for ".".
     */
    private String multiLine(int startLine, int startColumn) throws SieveSyntaxError {
        while (at < text.length() && (text.charAt(at) == ' ' || text.charAt(at) == '\t')) {
            at++;
        }
        if (at < text.length() && text.charAt(at) == '#') {
            while (at < text.length() && text.charAt(at) != '\n') {
                at++;
            }
        }
        if (at < text.length() && text.charAt(at) == '\r') {
            at++;
        }
        if (at >= text.length() || text.charAt(at) != '\n') {
            throw new SieveSyntaxError(line, column(), "\"text:\" must be followed by the end of the line");
        }
        newLine();
        at++;
        StringBuilder value = new StringBuilder();
        while (at < text.length()) {
            int end = text.indexOf('\n', at);
            if (end < 0) {
                break;
            }
            String content = text.substring(at, end);
            String bare = content.endsWith("\r") ? content.substring(0, content.length() - 1) : content;
            newLine();
            at = end + 1;
            if (bare.equals(".")) {
                return value.toString();
            }
            value.append(bare.startsWith("..") ? content.substring(1) : content).append('\n');
        }
        throw new SieveSyntaxError(startLine, startColumn, "multi-line string is not ended by a line with only \".\"");
    }
}
