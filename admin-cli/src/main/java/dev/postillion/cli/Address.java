package dev.postillion.cli;

/** An address as the operator types it, split where the API wants its parts apart. */
record Address(String localPart, String domain) {

    /** Splits at the last {@code @}, as a quoted local part may hold one; the node checks the rest. */
    static Address parse(String text) {
        int at = text.lastIndexOf('@');
        if (at <= 0 || at == text.length() - 1) {
            throw new CommandFailure(ExitCode.USAGE, "'" + text + "' is not an address: give local-part@domain");
        }
        return new Address(text.substring(0, at), text.substring(at + 1));
    }
}
