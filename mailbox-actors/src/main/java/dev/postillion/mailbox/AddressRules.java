package dev.postillion.mailbox;

import dev.postillion.core.AddressSyntaxException;
import dev.postillion.core.EmailAddress;

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
            throw invalid("local part '" + localPart + "' is longer than " + EmailAddress.MAX_LOCAL_PART + " characters");
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
        try {
            EmailAddress.checkDomain(name, false);
        } catch (AddressSyntaxException e) {
            throw invalid("domain name '" + name + "' is invalid: " + e.getMessage());
        }
    }

    /** A floor for now; the policy of weak passwords grows with bulk import (issue 4). */
    static void checkPassword(String password, int minimumLength) {
        if (password == null || password.length() < minimumLength) {
            throw invalid("password must be at least " + minimumLength + " characters long");
        }
    }

    private static DirectoryException invalid(String message) {
        return new DirectoryException(DirectoryException.Kind.INVALID, message);
    }
}
