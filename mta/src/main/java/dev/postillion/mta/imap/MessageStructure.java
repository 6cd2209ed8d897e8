package dev.postillion.mta.imap;

import dev.postillion.mta.mime.TransferDecoding;
import java.io.ByteArrayOutputStream;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What IMAP's FETCH answers about one stored message (RFC 9051 section 6.4.5 and 7.5.2): its
 * ENVELOPE, its BODY and BODYSTRUCTURE, the octets of its sections, and BINARY's decoded parts
 * (RFC 3516). The message is an RFC 5322
 * message with CRLF line ends, as stored; it is parsed once, here, and never throws: MIME that
 * cannot be read is taken as text, as Dovecot takes it.
 *
 * <p>The answers follow Dovecot's conventions where the RFCs leave a choice, because they are
 * checked byte for byte against Dovecot (see MessageStructureTest).
 */
public final class MessageStructure {

    private final byte[] message;
    private final MimePart root;

    private MessageStructure(byte[] message, MimePart root) {
        this.message = message;
        this.root = root;
    }

    /** Parses the stored message; the array is kept, not copied, and must not change after. */
    public static MessageStructure parse(byte[] message) {
        return new MessageStructure(message, MimeParser.parse(message));
    }

    /** The ENVELOPE list (RFC 9051 section 7.5.2), parenthesized. */
    public void envelope(ByteArrayOutputStream out) {
        Envelope.write(out, root.header());
    }

    /** BODYSTRUCTURE when {@code extensible}, else BODY (RFC 9051 section 7.5.2), parenthesized. */
    public void bodyStructure(ByteArrayOutputStream out, boolean extensible) {
        BodyStructure.write(out, root, extensible);
    }

    /**
     * The octets of BODY[spec] (RFC 9051 section 6.4.5), {@code spec} being what stands between the
     * brackets ("", "HEADER", "1.2.TEXT", "HEADER.FIELDS (FROM TO)"...). Empty when the spec
     * names no section of this message: the caller then answers an empty string {@code ""}, as
     * Dovecot does, rather than NIL (RFC 9051 section 7.5.2 allows either; "" keeps clients that
     * expect a string working). A partial fetch ({@code <origin.count>}) is cut from these octets
     * by the caller.
     *
     * @throws IllegalArgumentException when {@code spec} is not a section-spec of RFC 9051
     *     section 9 (the command is then answered BAD)
     */
    public Optional<byte[]> section(String spec) {
        SectionSpec parsed = SectionSpec.parse(spec)
                .orElseThrow(() -> new IllegalArgumentException("not a section-spec: " + spec));
        return section(parsed);
    }

    private Optional<byte[]> section(SectionSpec spec) {
        if (spec.parts().isEmpty()) {
            return spec.kind() == SectionSpec.Kind.BODY ? Optional.of(message.clone()) : ofMessage(root, spec);
        }
        return part(spec).flatMap(part -> switch (spec.kind()) {
            case BODY -> Optional.of(part.body());
            case MIME -> Optional.of(part.header().bytes());
            default -> part.enclosed() == null ? Optional.empty() : ofMessage(part.enclosed(), spec);
        });
    }

    /** What BINARY[part] answers (RFC 3516 section 4.2). */
    sealed interface Binary {}

    /** The part's body with its Content-Transfer-Encoding undone. */
    record Decoded(byte[] bytes) implements Binary {}

    /** The message has no such part. */
    record NoSuchPart() implements Binary {}

    /** The part's Content-Transfer-Encoding is none this server knows: NO [UNKNOWN-CTE] (RFC 3516 section 4.3). */
    record UnknownEncoding(String encoding) implements Binary {}

    private static final Set<String> IDENTITY_ENCODINGS = Set.of("", "7bit", "8bit", "binary");

    /**
     * BINARY[parts] (RFC 3516 section 4.2): {@code parts} is a section-part ("1.2") or empty for the
     * whole message, which is given as it is stored.
     *
     * @throws IllegalArgumentException when {@code parts} is not a section-part
     */
    public Binary binary(String parts) {
        SectionSpec spec = SectionSpec.parse(parts).filter(parsed -> parsed.kind() == SectionSpec.Kind.BODY)
                .orElseThrow(() -> new IllegalArgumentException("not a section-part: " + parts));
        if (spec.parts().isEmpty()) {
            return new Decoded(message.clone());
        }
        Optional<MimePart> found = part(spec);
        if (found.isEmpty()) {
            return new NoSuchPart();
        }
        MimePart part = found.get();
        String field = part.isMime() ? part.header().last("Content-Transfer-Encoding") : null;
        String encoding = field == null ? "" : ParameterizedValue.parse(field).value().toLowerCase(Locale.ROOT);
        if (part.isMultipart() || IDENTITY_ENCODINGS.contains(encoding)) {
            return new Decoded(part.body());
        }
        if (encoding.equals("base64") || encoding.equals("quoted-printable")) {
            return new Decoded(TransferDecoding.decode(part.body(), encoding));
        }
        return new UnknownEncoding(encoding);
    }

    /** HEADER, HEADER.FIELDS, HEADER.FIELDS.NOT and TEXT of a message (top-level or enclosed). */
    private static Optional<byte[]> ofMessage(MimePart message, SectionSpec spec) {
        return switch (spec.kind()) {
            case HEADER -> Optional.of(message.header().bytes());
            case TEXT -> Optional.of(message.body());
            case HEADER_FIELDS -> Optional.of(message.header().fields(spec.fieldNames()));
            case HEADER_FIELDS_NOT -> Optional.of(message.header().fieldsExcept(spec.fieldNames()));
            default -> Optional.empty();
        };
    }

    /**
     * The part the numbers name (RFC 9051 section 6.4.5), resolved exactly as Dovecot resolves it
     * (checked against it in MessageStructureTest):
     * <ul>
     *   <li>in a message whose body is multipart, a number picks a part; in a message that is not
     *       multipart, part 1 is the message's own body (RFC 9051) and nothing lies below it,
     *       unless the message is itself of type message/rfc822;
     *   <li>in a multipart part, a number picks a part; after a message/rfc822 part the numbers go
     *       on in the message it encloses;
     *   <li>a leaf part of a multipart also answers to ".1" once ("1.1" of a text part is that
     *       text part), which the RFC does not say and Dovecot does.
     * </ul>
     */
    private Optional<MimePart> part(SectionSpec spec) {
        MimePart part = root;
        Step step = Step.MESSAGE;
        for (int number : spec.parts()) {
            if (step == Step.PART && part.enclosed() != null) {
                part = part.enclosed();
                step = Step.MESSAGE;
            }
            if (step != Step.LAST && part.isMultipart()) {
                if (number > part.parts().size()) {
                    return Optional.empty();
                }
                part = part.parts().get(number - 1);
                step = Step.PART;
            } else if (step != Step.LAST && number == 1) {
                step = step == Step.MESSAGE && part.enclosed() != null ? Step.PART : Step.LAST;
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(part);
    }

    /** Where the resolution of part numbers stands: see {@link #part}. */
    private enum Step {
        /** At a message (the top-level one or one a message/rfc822 part encloses). */
        MESSAGE,
        /** At a part picked from a multipart (or a top-level message/rfc822 taken as its own body). */
        PART,
        /** At a part below which no number leads anywhere. */
        LAST
    }
}
