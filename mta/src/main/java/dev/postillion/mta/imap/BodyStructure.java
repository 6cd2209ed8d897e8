package dev.postillion.mta.imap;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.james.mime4j.stream.NameValuePair;

/**
 * BODY and BODYSTRUCTURE (RFC 9051 section 7.5.2) of a MIME entity. The conventions are Dovecot's,
 * so a client sees the same from either server:
 * <ul>
 *   <li>type, subtype, parameter names and values, encoding and disposition keep the case they
 *       were written in; only the defaults are lower case ("text" "plain", "7bit"), and
 *       message/rfc822, which Dovecot always writes "message" "rfc822";
 *   <li>a text part without a charset parameter gets {@code "charset" "us-ascii"} appended
 *       (RFC 2045 section 5.2 default), and no other defaulted parameter is added;
 *   <li>a Content-Type without a subtype reports the subtype as ""; one that is no media type
 *       at all reports "" "" and no parameters (see ParameterizedValue.contentType);
 *   <li>the Content-* fields of a message without MIME-Version or Content-Type are not read;
 *   <li>sizes are octets of the body as stored; lines are the body's LFs.
 * </ul>
 */
final class BodyStructure {

    private BodyStructure() {}

    static void write(ByteArrayOutputStream out, MimePart part, boolean extensible) {
        if (part.isMultipart()) {
            multipart(out, part, extensible);
        } else {
            single(out, part, extensible);
        }
    }

    /** body-type-mpart: the parts, the subtype, then for BODYSTRUCTURE params, disposition, etc. */
    private static void multipart(ByteArrayOutputStream out, MimePart part, boolean extensible) {
        out.write('(');
        for (MimePart child : part.parts()) {
            write(out, child, extensible);
        }
        out.write(' ');
        ImapStrings.string(out, subtype(part.contentType().value()));
        if (extensible) {
            out.write(' ');
            parameters(out, part.contentType().parameters());
            dispositionLanguageLocation(out, part);
        }
        out.write(')');
    }

    /** body-type-1part: basic fields, then the text or message specifics, then extension data. */
    private static void single(ByteArrayOutputStream out, MimePart part, boolean extensible) {
        // Dovecot writes message/rfc822 in lower case whatever the header says; other types as written
        String media = part.enclosed() != null ? "message/rfc822" : part.contentType().value();
        String type = type(media);
        out.write('(');
        ImapStrings.string(out, type);
        out.write(' ');
        ImapStrings.string(out, subtype(media));
        out.write(' ');
        typeParameters(out, type, part.contentType().parameters());
        out.write(' ');
        ImapStrings.nstring(out, field(part, "Content-ID"));
        out.write(' ');
        ImapStrings.nstring(out, field(part, "Content-Description"));
        out.write(' ');
        String encoding = field(part, "Content-Transfer-Encoding");
        String mechanism = encoding == null ? "" : ParameterizedValue.parse(encoding).value();
        ImapStrings.string(out, mechanism.isEmpty() ? "7bit" : mechanism);
        ImapStrings.ascii(out, " " + part.bodySize());
        if (part.enclosed() != null) {
            out.write(' ');
            Envelope.write(out, part.enclosed().header());
            out.write(' ');
            write(out, part.enclosed(), extensible);
            ImapStrings.ascii(out, " " + part.bodyLines());
        } else if (type.equalsIgnoreCase("text")) {
            ImapStrings.ascii(out, " " + part.bodyLines());
        }
        if (extensible) {
            out.write(' ');
            ImapStrings.nstring(out, field(part, "Content-MD5"));
            dispositionLanguageLocation(out, part);
        }
        out.write(')');
    }

    /** body-fld-param of a single part: a text part's charset defaults to us-ascii (RFC 2045 5.2). */
    private static void typeParameters(ByteArrayOutputStream out, String type, List<NameValuePair> parameters) {
        boolean text = type.equalsIgnoreCase("text");
        boolean hasCharset = parameters.stream().anyMatch(p -> p.getName().equalsIgnoreCase("charset"));
        if (text && !hasCharset) {
            List<NameValuePair> withCharset = new ArrayList<>(parameters);
            withCharset.add(new NameValuePair("charset", "us-ascii"));
            parameters(out, withCharset);
        } else {
            parameters(out, parameters);
        }
    }

    /** body-fld-param: {@code ("name" "value" ...)} or NIL. */
    private static void parameters(ByteArrayOutputStream out, List<NameValuePair> parameters) {
        if (parameters.isEmpty()) {
            ImapStrings.ascii(out, "NIL");
            return;
        }
        out.write('(');
        for (int i = 0; i < parameters.size(); i++) {
            if (i > 0) {
                out.write(' ');
            }
            ImapStrings.string(out, parameters.get(i).getName());
            out.write(' ');
            ImapStrings.string(out, parameters.get(i).getValue());
        }
        out.write(')');
    }

    /** body-ext-1part and body-ext-mpart after their first field: disposition, language, location. */
    private static void dispositionLanguageLocation(ByteArrayOutputStream out, MimePart part) {
        out.write(' ');
        disposition(out, field(part, "Content-Disposition"));
        out.write(' ');
        language(out, field(part, "Content-Language"));
        out.write(' ');
        ImapStrings.nstring(out, field(part, "Content-Location"));
    }

    /**
     * A Content-* field of the part (the last, if repeated, as Dovecot takes it), or null when the
     * part is not MIME (see MimePart.isMime).
     */
    private static String field(MimePart part, String name) {
        return part.isMime() ? part.header().last(name) : null;
    }

    /** body-fld-dsp (RFC 2183): {@code ("type" params)} or NIL. */
    private static void disposition(ByteArrayOutputStream out, String value) {
        if (value == null) {
            ImapStrings.ascii(out, "NIL");
            return;
        }
        ParameterizedValue disposition = ParameterizedValue.parse(value);
        out.write('(');
        ImapStrings.string(out, disposition.value());
        out.write(' ');
        parameters(out, disposition.parameters());
        out.write(')');
    }

    /**
     * body-fld-lang (RFC 3282): the language tags, comments left out, as a list as Dovecot writes
     * them; NIL if none.
     */
    private static void language(ByteArrayOutputStream out, String value) {
        List<String> tags = value == null ? List.of()
                : Arrays.stream(value.replaceAll("\\([^()]*\\)", " ").split("[,\\s]+"))
                        .filter(t -> !t.isEmpty()).toList();
        if (tags.isEmpty()) {
            ImapStrings.ascii(out, "NIL");
            return;
        }
        out.write('(');
        for (int i = 0; i < tags.size(); i++) {
            if (i > 0) {
                out.write(' ');
            }
            ImapStrings.string(out, tags.get(i));
        }
        out.write(')');
    }

    private static String type(String media) {
        int slash = media.indexOf('/');
        return slash < 0 ? media : media.substring(0, slash);
    }

    private static String subtype(String media) {
        int slash = media.indexOf('/');
        return slash < 0 ? "" : media.substring(slash + 1);
    }
}
