package dev.postillion.mailbox;

import static dev.postillion.mailbox.DirectoryException.invalid;

import dev.postillion.core.AddressSyntaxException;
import dev.postillion.core.EmailAddress;
import java.util.Locale;

/**
 * What an operator may create (SPEC section 1). Stricter than what SMTP accepts from the world:
 * local parts of letters, digits, '-', '_' and '.', the dot never first, last or doubled.
 */
final class AddressRules {

    private AddressRules() {}

    static void checkLocalPart(String localPart) {
        if (localPart == null || localPart.isEmpty()) {
            throw invalid("local part is empty");
        }
        if (localPart.length() > EmailAddress.MAX_LOCAL_PART) {
            throw invalid("local part '" + localPart + "' is longer than " + EmailAddress.MAX_LOCAL_PART
                    + " characters");
        }
        for (int i = 0; i < localPart.length(); i++) {
            char c = localPart.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.';
            if (!allowed) {
                throw invalid("local part may not contain " + EmailAddress.describe(c)
                        + "; only letters A-Z, digits, '-', '_' and '.' are allowed");
            }
        }
        if (localPart.startsWith(".")) {
            throw invalid("local part may not start with a dot");
        }
        if (localPart.endsWith(".")) {
            throw invalid("local part may not end with a dot");
        }
        if (localPart.contains("..")) {
            throw invalid("local part may not contain two dots in a row");
        }
    }

    static void checkDomainName(String name) {
        if (name == null || name.isEmpty()) {
            throw invalid("domain name is empty");
        }
        if (name.startsWith("[") || !name.contains(".")) {
            throw invalid("domain name '" + name + "' must be a fully qualified name such as example.com");
        }
        // No top-level domain is all digits (RFC 3696 section 2): 127.0.0.1 is an IP address.
        String topLevel = name.substring(name.lastIndexOf('.') + 1);
        if (!topLevel.isEmpty() && topLevel.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw invalid("domain name '" + name + "' is an IP address, not a domain name");
        }
        try {
            EmailAddress.checkDomain(name, true); // U-labels are stored as A-labels
        } catch (AddressSyntaxException e) {
            throw invalid("domain name '" + name + "' is invalid: " + e.getMessage());
        }
    }

    /**
     * Refuses weak passwords (SPEC section 1): too short, made of too few different characters or
     * of one kind of character only, or containing the address's own local part — the first things
     * a password-guessing run tries.
     */
    static void checkPassword(String password, int minimumLength, String localPart) {
        if (password == null || password.length() < minimumLength) {
            throw invalid("password must be at least " + minimumLength + " characters long");
        }
        // Bounded, so that one request cannot make the slow hash chew on a megabyte.
        if (password.length() > MAX_PASSWORD_LENGTH) {
            throw invalid("password must be at most " + MAX_PASSWORD_LENGTH + " characters long");
        }
        if (password.chars().anyMatch(Character::isISOControl)) {
            throw invalid("password may not contain control characters");
        }
        if (password.chars().distinct().count() < MIN_DISTINCT_CHARACTERS) {
            throw invalid("password is too weak: it needs at least " + MIN_DISTINCT_CHARACTERS
                    + " different characters");
        }
        if (characterClasses(password) < 2) {
            throw invalid("password is too weak: mix letters with digits, capitals or symbols");
        }
        if (AppPasswords.hasTheirForm(password)) {
            // A login with it would be taken for one of the address's app passwords.
            throw invalid("password has the form of a generated app password; choose another");
        }
        if (localPart.length() >= 3 && password.toLowerCase(Locale.ROOT).contains(localPart.toLowerCase(Locale.ROOT))) {
            throw invalid("password is too weak: it contains the local part " + localPart);
        }
    }

    private static final int MIN_DISTINCT_CHARACTERS = 5;
    private static final int MAX_PASSWORD_LENGTH = 1024;

    private static int characterClasses(String password) {
        boolean lower = false;
        boolean upper = false;
        boolean digit = false;
        boolean other = false;
        for (int i = 0; i < password.length(); i++) {
            char c = password.charAt(i);
            lower |= Character.isLowerCase(c);
            upper |= Character.isUpperCase(c);
            digit |= Character.isDigit(c);
            other |= !Character.isLetterOrDigit(c);
        }
        return (lower ? 1 : 0) + (upper ? 1 : 0) + (digit ? 1 : 0) + (other ? 1 : 0);
    }
}
