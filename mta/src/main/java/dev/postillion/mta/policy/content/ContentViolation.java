package dev.postillion.mta.policy.content;

/** Why a message's content is refused; the SMTP session picks the reply for each kind. */
public sealed interface ContentViolation {

    /** What was found, for the log: never sent to the client. */
    String reason();

    /**
     * An attachment with a forbidden name, or one that cannot be looked into (an archive that is
     * corrupt, encrypted inside another, nested too deep or too large to scan), as a scanner refuses it.
     *
     * @param name the attachment, with the archives holding it: {@code a.zip > b.zip > run.exe};
     *     empty when the finding is about the message's structure
     * @param finding what is wrong with it
     */
    record ForbiddenAttachment(String name, String finding) implements ContentViolation {
        @Override
        public String reason() {
            return name.isEmpty() ? finding : finding + ": " + FileNames.printable(name);
        }
    }

    /**
     * An octet above 127 in the header section from a client that did not use SMTPUTF8 (RFC 6531,
     * RFC 6532).
     *
     * @param field the header field's name, or {@code null} when the name itself is not printable ASCII
     */
    record NonAsciiHeader(String field) implements ContentViolation {
        @Override
        public String reason() {
            return "non-ASCII character in header " + (field == null ? "section" : field);
        }
    }

    /** A header section of {@code size} octets, over the {@code limit}. */
    record HeaderTooLarge(long size, long limit) implements ContentViolation {
        @Override
        public String reason() {
            return "header section of " + size + " octets, over the limit of " + limit;
        }
    }
}
